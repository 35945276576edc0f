import { PageSkeleton } from "@/components/ui/skeleton";

export default function MqttLoading() {
  return <PageSkeleton label="Loading the MQTT test client" />;
}
