import Link from "next/link";
import type { ReactNode } from "react";
import type { Onboarding } from "@/server/services/onboarding";
import { Card } from "../ui/card";
import { joinClasses } from "../ui/class-names";

const STEPS: Array<{ key: keyof Omit<Onboarding, "done">; title: string; body: ReactNode; href: string; action: string }> = [
  { key: "device", title: "Register a device", body: (
      <>
        Download its device file; on the box run <code className="font-mono text-slate-700">edgelens-agent run --device-file edgelens-device.json</code>.
      </>
    ), href: "/devices/new", action: "Register" },
  { key: "project", title: "Create a project", body: "Start from a sample (people counter, objects, faces, pose, text) or bring your own model and function.", href: "/projects/new", action: "New project" },
  { key: "deployment", title: "Deploy it", body: "Open the project and press Deploy: the device downloads it and publishes results over MQTT.", href: "/projects", action: "Projects" },
  { key: "rule", title: "Do something with the results", body: "A rule stores events, calls a webhook or republishes; optional.", href: "/rules/new", action: "New rule" },
];

/** Shown to admins until the fleet has a device, a project and a deployment. */
export function GetStarted({ onboarding }: { onboarding: Onboarding }) {
  return (
    <Card title="Get started" className="mb-4" bodyClassName="p-0">
      <ol className="divide-y divide-slate-100" data-testid="get-started">
        {STEPS.map((step, i) => {
          const done = onboarding[step.key];
          return (
            <li key={step.key} className="flex items-start gap-3 px-4 py-3" data-testid={`get-started-${step.key}`} data-done={done ? "true" : "false"}>
              <span
                aria-hidden
                className={joinClasses(
                  "mt-0.5 flex h-6 w-6 shrink-0 items-center justify-center rounded-full text-xs font-semibold",
                  done ? "bg-emerald-100 text-emerald-700" : "bg-slate-100 text-slate-600",
                )}
              >
                {done ? "✓" : i + 1}
              </span>
              <div className="min-w-0 flex-1">
                <p className={joinClasses("text-sm font-medium", done ? "text-slate-500 line-through" : "text-slate-800")}>
                  {step.title}
                  <span className="sr-only">{done ? " (done)" : ""}</span>
                </p>
                <p className="text-xs text-slate-500">{step.body}</p>
              </div>
              {done ? null : (
                <Link href={step.href} className="shrink-0 text-sm font-medium text-sky-700 hover:underline">
                  {step.action}
                </Link>
              )}
            </li>
          );
        })}
      </ol>
    </Card>
  );
}
