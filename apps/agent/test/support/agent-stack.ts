import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { DeploymentProgress, DesiredState, InferenceResult, ReportedState, Telemetry } from "@edgelens/shared/schemas";
import { filters, topics } from "@edgelens/shared/topics";
import { startAgent, writeDeviceFile, FAST_CONFIG, type AgentProcess } from "./agent-process";
import { startArtifactServer, type ArtifactServer } from "./artifact-server";
import { startBroker, type BrokerProcess } from "./broker-process";
import { startObserver, type MqttObserver } from "./mqtt-observer";
import { adminCredentials, seedDevice } from "./seed-device";
import { startTcpGate, type TcpGate } from "@edgelens/tooling/tcp-gate";
import { makeTempDir } from "./temp-dir";

/**
 * Everything around one device for an end-to-end test: the real broker (its SQLite seeded with
 * the device), an artifact server, a TCP gate between agent and broker (the device's network),
 * an admin observer subscribed to the device's topics, and the agent process itself.
 */
export interface AgentStack {
  deviceId: string;
  dir: string;
  broker: BrokerProcess;
  artifacts: ArtifactServer;
  gate: TcpGate;
  observer: MqttObserver;
  deviceFile: string;
  dataDir: string;
  agent: AgentProcess | null;
  /** `bundledCli`: run a production bundle's cli.js instead of the TypeScript source. */
  startAgent(config?: typeof FAST_CONFIG, bundledCli?: string): Promise<AgentProcess>;
  /** Publishes `desired` as the retained shadow/desired, as the console does. */
  deploy(desired: DesiredState): Promise<void>;
  progress(deploymentId: string): DeploymentProgress[];
  /** Results of one deployment, in arrival order. */
  results(deploymentId?: string): InferenceResult[];
  reported(): ReportedState[];
  telemetry(): Telemetry[];
  waitForState(deploymentId: string, state: DeploymentProgress["state"], timeoutMs?: number): Promise<DeploymentProgress>;
  waitForResults(deploymentId: string, count: number, timeoutMs?: number): Promise<InferenceResult[]>;
  /**
   * Polls the agent's `/healthz` until `predicate` holds (works while the broker is down): the
   * last answer. `T` is the part of the health document the test reads.
   */
  waitForHealth<T>(predicate: (h: T) => boolean, what: string, timeoutMs?: number): Promise<T>;
  /** Dumps the agent's last log lines (for failure messages). */
  agentLog(lines?: number): string;
  stop(): Promise<void>;
}

export async function startAgentStack(deviceId: string, secret = `${deviceId}-secret-0123456789`): Promise<AgentStack> {
  const tmp = makeTempDir(deviceId);
  const brokerDir = join(tmp.path, "broker");
  const dataDir = join(tmp.path, "agent");
  mkdirSync(dataDir, { recursive: true });
  await seedDevice(brokerDir, deviceId, secret);
  const broker = await startBroker(brokerDir);
  const gate = await startTcpGate(() => broker.ports.mqtt);
  const artifacts = await startArtifactServer({ deviceId, secret });
  const observer = await startObserver(broker.url, await adminCredentials(brokerDir), [filters.device(deviceId)]);
  const deviceFile = writeDeviceFile(tmp.path, { deviceId, secret, brokerUrl: gate.url(), consoleUrl: artifacts.url });
  const json = <T>(topic: string): T[] => observer.json<T>(topic);

  const stack: AgentStack = {
    deviceId,
    dir: tmp.path,
    broker,
    artifacts,
    gate,
    observer,
    deviceFile,
    dataDir,
    agent: null,
    async startAgent(config = FAST_CONFIG, bundledCli?: string) {
      stack.agent = await startAgent({ deviceFile, dataDir, config, ...(bundledCli ? { bundledCli } : {}) });
      return stack.agent;
    },
    deploy: (desired) => observer.publish(topics.shadowDesired(deviceId), JSON.stringify(desired), { qos: 1, retain: true }),
    progress: (id) => json<DeploymentProgress>(topics.deployment(deviceId, id)),
    results: (id) => json<InferenceResult>(topics.infer(deviceId)).filter((r) => id === undefined || r.deploymentId === id),
    reported: () => json<ReportedState>(topics.shadowReported(deviceId)),
    telemetry: () => json<Telemetry>(topics.telemetry(deviceId)),
    async waitForState(id, state, timeoutMs = 90_000) {
      await observer.until(() => stack.progress(id).some((p) => p.state === state), () => `deployment ${id} ${state}\n${stack.agentLog()}`, timeoutMs);
      return stack.progress(id).find((p) => p.state === state)!;
    },
    async waitForResults(id, count, timeoutMs = 90_000) {
      await observer.until(() => stack.results(id).length >= count, () => `${count} results of ${id}\n${stack.agentLog()}`, timeoutMs);
      return stack.results(id);
    },
    async waitForHealth<T>(predicate: (h: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
      let last: T | undefined;
      const poll = (): void => {
        void fetch(`${stack.agent!.started.stream}/healthz`).then((res) => res.json() as Promise<T>).then((h) => (last = h), () => undefined);
      };
      await observer.until(() => {
        poll();
        return last !== undefined && predicate(last);
      }, () => `${what} (last /healthz: ${JSON.stringify(last)})\n${stack.agentLog()}`, timeoutMs);
      return last!;
    },
    agentLog: (lines = 30) => (stack.agent ? stack.agent.proc.output().trimEnd().split("\n").slice(-lines).join("\n") : "(no agent)"),
    async stop() {
      await stack.agent?.stop();
      await observer.close();
      await artifacts.close();
      await gate.stop();
      await broker.stop();
      tmp.remove();
    },
  };
  return stack;
}

/** Seqs of results, checked to rise by exactly one: the numbers, for messages. */
export function seqGaps(results: InferenceResult[]): string[] {
  const problems: string[] = [];
  for (let i = 1; i < results.length; i++) {
    const prev = results[i - 1]!.seq;
    const cur = results[i]!.seq;
    if (cur !== prev + 1) problems.push(`${prev} -> ${cur}`);
  }
  return problems;
}
