import type { ReactNode } from "react";
import { MqttProvider } from "@/components/mqtt/mqtt-provider";
import { AppShell } from "@/components/nav/app-shell";
import { requirePageUser } from "@/server/auth/session";
import { signOutAction } from "./sign-out-action";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await requirePageUser();
  return (
    <AppShell user={{ email: user.email, name: user.name, role: user.role }} signOut={signOutAction}>
      <MqttProvider>{children}</MqttProvider>
    </AppShell>
  );
}
