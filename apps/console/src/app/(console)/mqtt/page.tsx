import { MqttTestClient } from "@/components/mqtt-client/mqtt-test-client";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/server/auth/session";

export default async function MqttPage() {
  const user = await requirePageUser();
  return (
    <>
      <PageHeader title="MQTT test client" description="Subscribe to topic filters and watch messages live over the broker's WebSocket, with your own short-lived token." />
      <MqttTestClient canPublish={user.role === "admin"} />
    </>
  );
}
