/**
 * An RTSP IP camera on loopback for tests (we have no camera): ffmpeg encodes a real video to
 * H.264 (as cameras deliver it) and sends it as RTP to a UDP port here; this serves it over RTSP
 * (RFC 2326) with RTP interleaved in the TCP connection, the transport the agent asks for.
 * Only what an RTSP client needs to play one stream: OPTIONS, DESCRIBE, SETUP, PLAY,
 * GET_PARAMETER (keep-alive), TEARDOWN.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RtspCamera {
  /** `rtsp://127.0.0.1:<port>/stream`: a camera URI or a project's `config.source`. */
  url: string;
  /** RTP packets sent to players so far. */
  readonly packets: number;
  /** Unplugs it: players are cut off, the port refuses connections, the encoder stops. */
  stop(): Promise<void>;
  /** Plugs it in again on the same port. */
  start(): Promise<void>;
  /** Stops it for good and removes its temp folder. */
  close(): Promise<void>;
}

export interface RtspCameraOptions {
  fps?: number;
  /** Frame width (height follows the video's aspect); default 384. */
  width?: number;
}

interface Request {
  method: string;
  headers: Map<string, string>;
}

/** Reads RTSP requests off a connection, stepping over interleaved frames ($, channel, length) the client sends (RTCP). */
function requestReader(onRequest: (r: Request) => void): (chunk: Buffer) => void {
  let buf = Buffer.alloc(0);
  return (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (buf.length > 0 && buf[0] === 0x24) {
        if (buf.length < 4) return;
        const size = 4 + buf.readUInt16BE(2);
        if (buf.length < size) return;
        buf = buf.subarray(size);
        continue;
      }
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const [line = "", ...rest] = buf.subarray(0, end).toString("latin1").split("\r\n");
      const headers = new Map(rest.map((h) => [h.slice(0, h.indexOf(":")).trim().toLowerCase(), h.slice(h.indexOf(":") + 1).trim()] as const));
      const length = Number(headers.get("content-length") ?? 0);
      if (buf.length < end + 4 + length) return;
      buf = buf.subarray(end + 4 + length);
      onRequest({ method: line.split(" ")[0] ?? "", headers });
    }
  };
}

/** ffmpeg's SDP for its RTP output, as an RTSP server describes it: no port, one control URL. */
function describeSdp(sdp: string): string {
  const lines = sdp.split(/\r?\n/).filter((l) => l.length > 0 && !l.startsWith("a=control"));
  const out: string[] = [];
  for (const l of lines) {
    out.push(l.startsWith("m=video") ? l.replace(/^m=video \d+/, "m=video 0") : l);
    if (l.startsWith("m=video")) out.push("a=control:track0");
  }
  return `${out.join("\r\n")}\r\n`;
}

export async function startRtspCamera(video: string, options: RtspCameraOptions = {}): Promise<RtspCamera> {
  const dir = mkdtempSync(join(tmpdir(), "edgelens-rtsp-"));
  const sdpFile = join(dir, "stream.sdp");
  let port = 0;
  let packets = 0;
  let server: Server | undefined;
  let udp: UdpSocket | undefined;
  let encoder: ChildProcess | undefined;
  const sockets = new Set<Socket>();
  const players = new Set<Socket>();

  const handle = (socket: Socket, r: Request, url: string): void => {
    const cseq = r.headers.get("cseq") ?? "0";
    const reply = (status: string, headers: Record<string, string> = {}, body = ""): void => {
      const all = { CSeq: cseq, ...headers, ...(body ? { "Content-Length": String(Buffer.byteLength(body)) } : {}) };
      socket.write(`RTSP/1.0 ${status}\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}`).join("\r\n")}\r\n\r\n${body}`);
    };
    switch (r.method) {
      case "OPTIONS":
        return reply("200 OK", { Public: "OPTIONS, DESCRIBE, SETUP, PLAY, GET_PARAMETER, TEARDOWN" });
      case "DESCRIBE":
        return reply("200 OK", { "Content-Base": `${url}/`, "Content-Type": "application/sdp" }, describeSdp(readFileSync(sdpFile, "utf8")));
      case "SETUP":
        if (!/TCP/i.test(r.headers.get("transport") ?? "")) return reply("461 Unsupported Transport");
        return reply("200 OK", { Transport: "RTP/AVP/TCP;unicast;interleaved=0-1", Session: "1;timeout=60" });
      case "PLAY":
        players.add(socket);
        return reply("200 OK", { Session: "1" });
      case "GET_PARAMETER":
        return reply("200 OK", { Session: "1" });
      case "TEARDOWN":
        players.delete(socket);
        reply("200 OK", { Session: "1" });
        socket.end();
        return;
      default:
        return reply("405 Method Not Allowed");
    }
  };

  const start = async (): Promise<void> => {
    const sock = createSocket("udp4");
    sock.on("message", (pkt) => {
      const head = Buffer.from([0x24, 0, pkt.length >> 8, pkt.length & 0xff]);
      for (const p of players) {
        p.write(head);
        p.write(pkt);
        packets += 1;
      }
    });
    await new Promise<void>((resolve) => sock.bind(0, "127.0.0.1", resolve));
    udp = sock;
    rmSync(sdpFile, { force: true });
    const rtpPort = sock.address().port;
    // One IDR a second with SPS/PPS in-band: a player joining mid-stream can start within a second.
    const fps = options.fps ?? 10;
    const args = ["-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", video, "-an", "-vf", `scale=${options.width ?? 384}:-2,fps=${fps}`];
    args.push("-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p", "-g", String(fps), "-x264-params", "repeat-headers=1");
    args.push("-f", "rtp", "-payload_type", "96", "-sdp_file", sdpFile, `rtp://127.0.0.1:${rtpPort}?pkt_size=1200`);
    const child = spawn("ffmpeg", args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    encoder = child;
    // The SDP is written with the stream's header, before the first packet: wait for a packet.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`rtsp camera: ffmpeg sent no RTP within 20 s: ${stderr}`)), 20_000);
      sock.once("message", () => {
        clearTimeout(timer);
        resolve();
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`rtsp camera: ffmpeg exited with ${code}: ${stderr}`));
      });
    });
    const s = createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => {
        sockets.delete(socket);
        players.delete(socket);
      });
      socket.on("error", () => socket.destroy());
      socket.on("data", requestReader((r) => handle(socket, r, `rtsp://127.0.0.1:${port}/stream`)));
    });
    await new Promise<void>((resolve) => s.listen(port, "127.0.0.1", resolve));
    port = (s.address() as AddressInfo).port;
    server = s;
  };

  const stop = async (): Promise<void> => {
    for (const s of sockets) s.destroy();
    players.clear();
    const s = server;
    server = undefined;
    await new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));
    const child = encoder;
    encoder = undefined;
    if (child && child.exitCode === null) {
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      });
    }
    udp?.close();
    udp = undefined;
  };

  await start();
  return {
    url: `rtsp://127.0.0.1:${port}/stream`,
    get packets() {
      return packets;
    },
    start,
    stop,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
