import type { Client } from "aedes";
import { aedesPacketWriter, type PacketWriter } from "../aedes-internals";

type AckPacket = { cmd: string; messageId?: number };
type Conn = { destroyed?: boolean; destroy(error?: Error): void };

interface HeldAck {
  messageId: number | undefined;
  packet: AckPacket;
  /** `published` saw its message; `ready` once what it must cause is durable. */
  settling: boolean;
  ready: boolean;
}

/**
 * One client's PUBACKs, held back in the order aedes wrote them (MQTT 3.1.1 §4.6: PUBACKs go out
 * in the order their PUBLISHes came) and released from the front as their messages become
 * durable, so one commit releases a whole batch together.
 */
class AckGate {
  private readonly held: HeldAck[] = [];

  constructor(
    private readonly conn: Conn,
    private readonly send: (packet: AckPacket, conn: object) => void,
  ) {}

  hold(packet: AckPacket): void {
    this.held.push({ messageId: packet.messageId, packet, settling: false, ready: false });
  }

  settle(messageId: number | undefined, durable: Promise<unknown> | undefined, onFail: (err: unknown) => void): void {
    const entry = this.held.find((e) => !e.settling && e.messageId === messageId);
    if (!entry) return;
    entry.settling = true;
    if (!durable) {
      entry.ready = true;
      this.release();
      return;
    }
    durable.then(
      () => {
        entry.ready = true;
        this.release();
      },
      (err: unknown) => {
        // Not durable, so not acknowledged: the connection goes without this PUBACK (or any
        // after it) and the sender publishes them again when it reconnects.
        this.held.length = 0;
        onFail(err);
        if (!this.conn.destroyed) this.conn.destroy(err instanceof Error ? err : new Error(String(err)));
      },
    );
  }

  private release(): void {
    while (this.held[0]?.ready) {
      const entry = this.held.shift() as HeldAck;
      if (!this.conn.destroyed) this.send(entry.packet, this.conn);
    }
  }
}

/** Connections whose PUBACKs wait for durability, across every broker of this process. */
const gates = new WeakMap<object, AckGate>();
let original: PacketWriter["writeToStream"] | null = null;

/**
 * aedes 1.2 writes a QoS 1 PUBACK before it stores, queues or publishes the message
 * (lib/handlers/publish.js), and has no hook in between. This wraps the one function it writes
 * packets with (mqtt-packet's writeToStream, looked up per call) so that a PUBACK to a watched
 * connection is held instead of written; aedes goes on as if it was sent (reads the next
 * packets, publishes this one), and `settle` sends it once the message is durable. Unwatched
 * connections and every other packet go straight through.
 */
function installWriterHook(): PacketWriter["writeToStream"] {
  if (original) return original;
  const writer = aedesPacketWriter();
  const write = writer.writeToStream.bind(writer);
  original = write;
  writer.writeToStream = (packet, stream, opts) => {
    if (packet.cmd === "puback") {
      const gate = gates.get(stream);
      if (gate) {
        gate.hold(packet);
        return true;
      }
    }
    return write(packet, stream, opts);
  };
  return write;
}

/**
 * Durable acknowledgement: a client's QoS 1 PUBACK goes out only after its message was queued
 * for offline persistent sessions (aedes does that before `published`) and the writes its rules
 * must make (`store` events) are committed. QoS 2 needs no hold: aedes writes PUBREC after
 * `published` calls back, and `published` calls back after the same commit.
 */
export class DurableAcks {
  private readonly send: (packet: AckPacket, conn: object) => void;

  constructor(private readonly onFail: (client: Client, err: unknown) => void) {
    const write = installWriterHook();
    this.send = (packet, conn) => void write(packet, conn);
  }

  /** Holds this client's PUBACKs from now on (call right after aedes.handle). */
  watch(client: Client): void {
    const conn = (client as unknown as { conn: Conn }).conn;
    gates.set(conn, new AckGate(conn, this.send));
  }

  /**
   * From `published`: the message `packet` of `client` is stored and delivered; its PUBACK goes
   * once `durable` (the rules' durable writes, if any) resolves, after every earlier PUBACK.
   */
  settle(client: Client, packet: { qos: number; messageId?: number }, durable: Promise<unknown> | undefined): void {
    if (packet.qos !== 1) return;
    const gate = gates.get((client as unknown as { conn: object }).conn);
    gate?.settle(packet.messageId, durable, (err) => this.onFail(client, err));
  }
}
