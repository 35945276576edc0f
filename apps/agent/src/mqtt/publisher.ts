import type { QoS } from "../spool/spool";

export interface PublishOptions {
  qos: QoS;
  retain: boolean;
}

/**
 * The seam between the daemon and the broker connection. `publish` resolves when the message
 * is delivered as far as its QoS promises (PUBACK for QoS 1, written for QoS 0) and rejects
 * when the link is down or drops before that.
 */
export interface Publisher {
  publish(topic: string, payload: Buffer | string, opts: PublishOptions): Promise<void>;
}

/** What the spool drainer and the status reporters need to know about the connection. */
export interface LinkState {
  readonly connected: boolean;
  /** Counts successful connects; a reply from an older session means nothing. */
  readonly session: number;
  onConnect(listener: () => void): () => void;
  onDisconnect(listener: () => void): () => void;
}

export type MessageHandler = (payload: Buffer, topic: string) => void;

export interface Subscriber {
  /** Remembered and (re)subscribed on every connect: sessions are clean. */
  subscribe(topic: string, qos: QoS, handler: MessageHandler): void;
}
