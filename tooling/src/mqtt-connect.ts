/**
 * `mqtt.connectAsync` for a test client whose listeners must be in place before CONNACK.
 *
 * A persistent session's queued messages follow CONNACK at once and often arrive in the same
 * socket read; mqtt.js emits them on `process.nextTick`, which runs before the promise
 * continuation of `await connectAsync(...)`, so a `message` listener added after the await
 * misses them (CI lost a queued result this way in the console's backup test).
 */
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";

export function connectListening(url: string, options: IClientOptions, attach: (client: MqttClient) => void): Promise<MqttClient> {
  const client = mqtt.connect(url, options);
  attach(client);
  return new Promise((resolve, reject) => {
    const onConnect = () => {
      client.off("error", onError);
      resolve(client);
    };
    const onError = (err: Error) => {
      client.off("connect", onConnect);
      client.end(true);
      reject(err);
    };
    client.once("connect", onConnect);
    client.once("error", onError);
  });
}
