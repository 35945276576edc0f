import type { IStore, Packet, PacketCallback } from "mqtt";
import { Readable } from "node:stream";

type StoreStream = ReturnType<IStore["createStream"]>;

/**
 * An outgoing store that keeps nothing. mqtt.js would otherwise resend a dropped session's
 * in-flight QoS 1 packets on reconnect while the spool drainer sends the same rows again; the
 * spool is the only store of record, so mqtt.js must forget.
 */
export class ForgetfulStore implements IStore {
  put(_packet: Packet, cb: (err?: Error) => void): this {
    cb();
    return this;
  }

  createStream(): StoreStream {
    return Readable.from([]) as unknown as StoreStream;
  }

  del(packet: Pick<Packet, "messageId">, cb: PacketCallback): this {
    cb(undefined, packet as Packet);
    return this;
  }

  get(_packet: Pick<Packet, "messageId">, cb: PacketCallback): this {
    cb(new Error("ForgetfulStore keeps no packets"));
    return this;
  }

  close(cb: (err?: Error) => void): void {
    cb();
  }
}
