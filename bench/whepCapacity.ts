/**
 * bench:media, WHEP capacity: how many WebRTC viewers one process of the embedded backend carries
 * at 720p and a real bitrate, and what each of them gets.
 *
 * The source is a 10 s 1280x720 30 fps clip of ffmpeg's testsrc2 under moving noise (a busy
 * picture: x264 spends its whole BENCH_WHEP_KBPS on it), encoded once, then looped in real time
 * without re-encoding (`-c copy`) and published over WHIP by a werift client in a process of its
 * own, so the measured side pays nothing for the picture. The server (the embedded backend without
 * its HLS ladder) runs in this process and nothing else does; its CPU is this process's
 * `process.cpuUsage()`. Viewers are werift WHEP clients, BENCH_WHEP_PER_PROCESS to a process,
 * added step by step (BENCH_WHEP_STEPS) until delivery degrades. A viewer negotiates like a
 * browser (SDP offer, ICE, DTLS, SRTP keys), then only counts what arrives from the RTP header,
 * which SRTP leaves in the clear: video payload bytes, packets lost by sequence number, frames
 * (marker bits). It decrypts nothing and sends no receiver reports or NACKs (the server's silent
 * viewer timeout is raised for it), so the measuring side costs less than the server it measures;
 * the server still encrypts and sends every packet to every viewer, as it does for browsers.
 *
 * Per step: the server's CPU (cores, and per viewer above the idle ingest), viewers per core, the
 * source's bitrate and each viewer's (min, p50), loss (p50, max), frames per second (min), and
 * what the viewer processes used. The capacity is the highest step at which every viewer got at
 * least 90% of the source's bitrate.
 *
 * Env: BENCH_WHEP_STEPS (default 25,50,100,150,200,250,300,400), BENCH_WHEP_PER_PROCESS (25),
 * BENCH_WHEP_KBPS (2500), BENCH_WHEP_SETTLE_MS (4000), BENCH_WHEP_WINDOW_MS (10000).
 */
import { type ChildProcess, execFile, fork, spawn } from 'node:child_process';
import type { Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  ProtectionProfileAeadAes128Gcm,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  SrtpAuthenticationError,
} from 'werift';
import { createEmbeddedBackend } from '../live/streams/media/embedded/backend.js';
import { bindLoopback } from '../live/streams/media/demoBroadcast.js';
import { connectWhip } from '../live/streams/media/whipClient.js';
import { startMediaServer, waitFor } from '../test/helpers/media.js';

const STEPS = (process.env.BENCH_WHEP_STEPS ?? '25,50,100,150,200,250,300,400').split(',').map(Number);
const PER_PROCESS = Number(process.env.BENCH_WHEP_PER_PROCESS ?? 25);
const KBPS = Number(process.env.BENCH_WHEP_KBPS ?? 2500);
const SETTLE_MS = Number(process.env.BENCH_WHEP_SETTLE_MS ?? 4000);
const WINDOW_MS = Number(process.env.BENCH_WHEP_WINDOW_MS ?? 10_000);
/** A viewer must get this share of the source's bitrate for its step to count. */
const ENOUGH = 0.9;
const SELF = fileURLToPath(import.meta.url);

// ------------------------------------------------------------------------- wire between processes

/** Cumulative counters of one RTP receiver or sender (video payload bytes: RTP headers and SRTP tags excluded). */
interface Counters {
  readonly payloadBytes: number;
  readonly packets: number;
  /** Packets the sequence numbers say were sent (received + lost). */
  readonly expected: number;
  /** Video frames: packets with the marker bit on the video payload type. */
  readonly frames: number;
}

interface Snapshot {
  readonly at: number;
  readonly counters: readonly Counters[];
}

type Request =
  | { type: 'publish'; ingestUrl: string; clip: string }
  | { type: 'add'; url: string; n: number }
  | { type: 'snapshot' };
/** A request as sent: the reply carries its id. */
type Message = Request & { id: number };

type Reply =
  | { id: number; ok: true; snapshot?: Snapshot; failed?: string[] }
  | { id: number; ok: false; error: string };

/** Length of an RTP packet's header (fixed part, CSRCs, extension). */
function rtpHeaderLength(b: Buffer): number {
  let n = 12 + 4 * (b[0]! & 0x0f);
  if (b[0]! & 0x10 && b.length >= n + 4) n += 4 + 4 * b.readUInt16BE(n + 2);
  return n;
}

const isRtcp = (b: Buffer): boolean => b.length > 1 && b[1]! >= 192 && b[1]! <= 223;

/** Counts one RTP stream direction: payload bytes, packets, loss by sequence number, frames. */
class RtpCounter {
  payloadBytes = 0;
  packets = 0;
  frames = 0;
  private readonly seq = new Map<number, { first: number; highest: number }>();

  constructor(
    private readonly videoPt: () => number | null,
    private readonly tagLength: () => number,
  ) {}

  count(b: Buffer): void {
    if (b.length < 12 || isRtcp(b)) return;
    const pt = b[1]! & 0x7f;
    const ssrc = b.readUInt32BE(8);
    const s = b.readUInt16BE(2);
    this.packets++;
    if (pt === this.videoPt()) {
      this.payloadBytes += Math.max(0, b.length - rtpHeaderLength(b) - this.tagLength());
      if (b[1]! & 0x80) this.frames++;
    }
    const st = this.seq.get(ssrc);
    if (!st) {
      this.seq.set(ssrc, { first: s, highest: s });
      return;
    }
    // Extend the 16-bit sequence number around the highest seen (wraps every 65536 packets).
    const base = st.highest & ~0xffff;
    let ext = base | s;
    if (ext < st.highest - 0x8000) ext += 0x10000;
    else if (ext > st.highest + 0x8000) ext -= 0x10000;
    if (ext > st.highest) st.highest = ext;
  }

  snapshot(): Counters {
    let expected = 0;
    for (const st of this.seq.values()) expected += st.highest - st.first + 1;
    return { payloadBytes: this.payloadBytes, packets: this.packets, expected, frames: this.frames };
  }
}

function serve(handle: (req: Request) => Promise<Omit<Reply & { ok: true }, 'id' | 'ok'>>): void {
  process.on('message', (req: Message) => {
    handle(req).then(
      (r) => process.send!({ id: req.id, ok: true, ...r } satisfies Reply),
      (err: Error) => process.send!({ id: req.id, ok: false, error: err.message } satisfies Reply),
    );
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ id: 0, ok: true } satisfies Reply);
}

// ------------------------------------------------------------------------- the source process

/** Loops the clip in real time (`-c copy`) as RTP into a werift WHIP client. */
async function sourceRole(): Promise<void> {
  const counter = new RtpCounter(
    () => 102,
    () => 0,
  );
  let ffmpeg: ChildProcess | null = null;
  process.on('exit', () => ffmpeg?.kill('SIGKILL'));
  process.on('SIGTERM', () => process.exit(0));
  serve(async (req) => {
    if (req.type === 'snapshot') return { snapshot: { at: Date.now(), counters: [counter.snapshot()] } };
    if (req.type !== 'publish') throw new Error(`source: unexpected ${req.type}`);
    const client = await connectWhip(req.ingestUrl, { video: true });
    const [v, a] = [await bindLoopback(), await bindLoopback()];
    v.on('message', (b: Buffer) => {
      if (isRtcp(b)) return;
      counter.count(b);
      client.video!.writeRtp(b);
    });
    a.on('message', (b: Buffer) => {
      if (!isRtcp(b)) client.audio.writeRtp(b);
    });
    const rtp = (s: Socket): string => `udp://127.0.0.1:${s.address().port}?pkt_size=1200`;
    ffmpeg = spawn(
      'ffmpeg',
      [
        ['-hide_banner', '-loglevel', 'error', '-nostats', '-re', '-stream_loop', '-1', '-i', req.clip],
        ['-map', '0:v', '-c', 'copy', '-f', 'rtp', '-payload_type', '102', rtp(v)],
        ['-map', '0:a', '-c', 'copy', '-f', 'rtp', '-payload_type', '111', rtp(a)],
      ].flat(),
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    ffmpeg.stderr!.setEncoding('utf8').on('data', (d: string) => process.stderr.write(`source ffmpeg: ${d}`));
    return {};
  });
}

// ------------------------------------------------------------------------- the viewers process

/** Thrown by the viewers' SRTP (one instance: no stack trace per packet); werift drops the packet quietly. */
const NOT_DECRYPTED = new SrtpAuthenticationError('not decrypted (bench viewer)');

const H264 = 'profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1';

/** One werift WHEP viewer that counts what arrives without decrypting it. */
async function openViewer(url: string): Promise<RtpCounter> {
  const pc = new RTCPeerConnection({
    codecs: {
      video: [
        new RTCRtpCodecParameters({
          mimeType: 'video/H264',
          clockRate: 90_000,
          rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
          parameters: H264,
        }),
      ],
      audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 })],
    },
    iceUseIpv6: false,
  });
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  let videoPt: number | null = null;
  let tag = 10;
  const counter = new RtpCounter(
    () => videoPt,
    () => tag,
  );
  try {
    await pc.setLocalDescription(await pc.createOffer());
    await until(() => pc.iceGatheringState === 'complete', 10_000, 'ICE gathering');
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/sdp' },
      body: pc.localDescription!.sdp,
      signal: AbortSignal.timeout(20_000),
    });
    const answer = await res.text();
    if (res.status !== 201) throw new Error(`WHEP ${res.status}: ${answer.slice(0, 200)}`);
    videoPt = Number(/m=video \d+ \S+ (\d+)/.exec(answer)?.[1] ?? -1);
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    const dtls = pc.dtlsTransports[0]!;
    dtls.iceTransport.connection.onData.subscribe((b: Buffer) => {
      if (b.length > 0 && b[0]! >= 128 && b[0]! <= 191) counter.count(b);
    });
    // SRTP starts right before 'connected' (synchronously): from then on werift drops each RTP
    // packet at its first step (as if it failed authentication), after the counter saw it.
    dtls.onStateChange.subscribe((state) => {
      if (state !== 'connected') return;
      tag = dtls.srtp.config.profile === ProtectionProfileAeadAes128Gcm ? 16 : 10;
      (dtls.srtp as unknown as { decrypt: (b: Buffer) => Buffer }).decrypt = () => {
        throw NOT_DECRYPTED;
      };
    });
    await until(() => pc.connectionState === 'connected', 20_000, 'the WHEP connection');
    return counter;
  } catch (err) {
    await pc.close();
    throw err;
  }
}

async function viewersRole(): Promise<void> {
  const viewers: RtpCounter[] = [];
  serve(async (req) => {
    if (req.type === 'snapshot') return { snapshot: { at: Date.now(), counters: viewers.map((v) => v.snapshot()) } };
    if (req.type !== 'add') throw new Error(`viewers: unexpected ${req.type}`);
    const failed: string[] = [];
    // A few offers at a time: each costs a DTLS handshake on both sides.
    let left = req.n;
    await Promise.all(
      Array.from({ length: Math.min(5, req.n) }, async () => {
        while (left > 0) {
          left--;
          try {
            viewers.push(await openViewer(req.url));
          } catch (err) {
            failed.push((err as Error).message);
          }
        }
      }),
    );
    return { failed };
  });
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// ------------------------------------------------------------------------- the measuring process

/** A child process answering Requests. */
class Child {
  private next = 1;
  private readonly waiting = new Map<number, (r: Reply) => void>();
  readonly ready: Promise<void>;

  constructor(readonly proc: ChildProcess) {
    let started!: () => void;
    this.ready = new Promise((r) => (started = r));
    proc.on('message', (r: Reply) => {
      if (r.id === 0) return started();
      this.waiting.get(r.id)?.(r);
      this.waiting.delete(r.id);
    });
  }

  static start(role: 'whep-source' | 'whep-viewers'): Child {
    return new Child(
      fork(SELF, [role], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    );
  }

  async ask(req: Request): Promise<Reply & { ok: true }> {
    const id = this.next++;
    const reply = await new Promise<Reply>((resolve) => {
      this.waiting.set(id, resolve);
      this.proc.send({ ...req, id });
    });
    if (!reply.ok) throw new Error(reply.error);
    return reply;
  }

  /** CPU seconds (user + system) the process has used, from /proc. */
  cpuSeconds(): number {
    const fields = readFileSync(`/proc/${this.proc.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  }

  stop(): void {
    this.proc.disconnect();
    this.proc.kill('SIGTERM');
  }
}

const run = promisify(execFile);

/** Encodes the busy 720p clip the source loops (10 s, H264 baseline at KBPS, Opus). */
async function makeClip(dir: string): Promise<string> {
  const clip = join(dir, 'busy720p.mkv');
  const kbps = `${KBPS}k`;
  await run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:beep_factor=4:sample_rate=48000', '-t', '10'],
    ...['-vf', 'noise=alls=24:allf=t+u', '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency'],
    ...['-profile:v', 'baseline', '-level', '3.1', '-pix_fmt', 'yuv420p', '-g', '30', '-keyint_min', '30'],
    ...['-sc_threshold', '0', '-b:v', kbps, '-minrate', kbps, '-maxrate', kbps, '-bufsize', `${KBPS / 2}k`],
    // SPS and PPS in band on every keyframe: the RTP muxer copies them as they are (`-c copy`
    // when looping, where a bitstream filter would stop at the clip's first end).
    ...[
      '-x264-params',
      'nal-hrd=cbr:repeat-headers=1',
      '-c:a',
      'libopus',
      '-b:a',
      '64k',
      '-ac',
      '2',
      '-ar',
      '48000',
      '-y',
      clip,
    ],
  ]);
  return clip;
}

const pct = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
};

interface StepResult {
  readonly viewers: number;
  readonly ok: boolean;
}

/** The WHEP capacity section of bench:media; returns the measured capacity (0 when even the first step degraded). */
export async function whepCapacity(): Promise<number> {
  const dir = mkdtempSync('/tmp/whep-capacity-');
  const children: Child[] = [];
  const server = await startMediaServer();
  const backend = createEmbeddedBackend({
    publicBaseUrl: server.url,
    workDir: dir,
    hls: false,
    maxViewersPerStream: 1_000_000,
    whepCapacity: 1_000_000,
    maxViewersPerIp: 1_000_000,
    offersPerMinute: 1_000_000,
    viewerConnectTimeoutMs: 30_000,
    // The bench's viewers send no receiver reports (see the top of the file): keep them anyway.
    viewerTimeoutMs: 3_600_000,
  });
  server.backend = backend;
  try {
    const clip = await makeClip(dir);
    const stream = await backend.createStream({ name: 'whep capacity', audioOnly: false });
    const source = Child.start('whep-source');
    children.push(source);
    await source.ready;
    await source.ask({ type: 'publish', ingestUrl: stream.ingestUrl, clip });
    await waitFor('the source live', () => backend.status(stream.mediaId)?.live ?? false, 20_000);
    const url = `${server.url}/media/webrtc/${stream.playbackId}`;
    const viewerProcs: Child[] = [];

    /** One measuring window: server CPU, the source's and every viewer's counters, at start and end. */
    const measure = async (ms: number) => {
      const snap = () =>
        Promise.all([source.ask({ type: 'snapshot' }), ...viewerProcs.map((v) => v.ask({ type: 'snapshot' }))]);
      const childCpu = () => viewerProcs.reduce((t, c) => t + c.cpuSeconds(), 0);
      const [s0, cpu0, kids0, t0] = [await snap(), process.cpuUsage(), childCpu(), performance.now()];
      await new Promise((r) => setTimeout(r, ms));
      const [s1, cpu1, kids1, t1] = [await snap(), process.cpuUsage(cpu0), childCpu(), performance.now()];
      const seconds = (t1 - t0) / 1000;
      const rates = (i: number) => {
        const a = s0[i]!.snapshot!;
        const b = s1[i]!.snapshot!;
        const dt = (b.at - a.at) / 1000;
        return b.counters.map((c, j) => {
          const c0 = a.counters[j] ?? { payloadBytes: 0, packets: 0, expected: 0, frames: 0 };
          const expected = c.expected - c0.expected;
          return {
            kbps: ((c.payloadBytes - c0.payloadBytes) * 8) / 1000 / dt,
            fps: (c.frames - c0.frames) / dt,
            loss: expected > 0 ? Math.max(0, 1 - (c.packets - c0.packets) / expected) : 0,
          };
        });
      };
      return {
        serverCores: (cpu1.user + cpu1.system) / 1e6 / seconds,
        viewerCores: (kids1 - kids0) / seconds,
        source: rates(0)[0]!,
        viewers: viewerProcs.flatMap((_, i) => rates(i + 1)),
      };
    };

    await new Promise((r) => setTimeout(r, 3000));
    const idle = await measure(5000);
    console.log(
      `\nWHEP capacity (one process; source ${idle.source.kbps.toFixed(0)} kbit/s H264 1280x720 ${idle.source.fps.toFixed(0)} fps, ` +
        `busy picture looped without re-encoding; werift viewers, ${PER_PROCESS} per process; ${SETTLE_MS / 1000} s settle, ${WINDOW_MS / 1000} s window):`,
    );
    console.log(`  0 viewers: server ${(idle.serverCores * 100).toFixed(1)}% of a core (ingest alone)`);

    const results: StepResult[] = [];
    let connected = 0;
    for (const n of STEPS) {
      const failed: string[] = [];
      const adds: Promise<void>[] = [];
      while (connected < n) {
        // Viewers fill the newest process up to PER_PROCESS before another starts.
        let held = viewerProcs.length ? connected - (viewerProcs.length - 1) * PER_PROCESS : PER_PROCESS;
        if (held >= PER_PROCESS) {
          const proc = Child.start('whep-viewers');
          children.push(proc);
          viewerProcs.push(proc);
          await proc.ready;
          held = 0;
        }
        const k = Math.min(PER_PROCESS - held, n - connected);
        connected += k;
        adds.push(
          viewerProcs
            .at(-1)!
            .ask({ type: 'add', url, n: k })
            .then((r) => void failed.push(...(r.failed ?? []))),
        );
      }
      await Promise.all(adds);
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const m = await measure(WINDOW_MS);
      const kbps = m.viewers.map((v) => v.kbps);
      const least = failed.length ? 0 : Math.min(...kbps);
      const ok = failed.length === 0 && m.viewers.length === n && least >= ENOUGH * m.source.kbps;
      const perViewer = (m.serverCores - idle.serverCores) / n;
      console.log(
        `  ${String(n).padStart(3)} viewers: server ${(m.serverCores * 100).toFixed(0)}% of a core ` +
          `(${(perViewer * 100).toFixed(2)}% per viewer above the ingest; ${(n / m.serverCores).toFixed(0)} viewers per core used, ${(1 / perViewer).toFixed(0)} at the marginal cost); ` +
          `source ${m.source.kbps.toFixed(0)} kbit/s; viewer kbit/s min ${least.toFixed(0)} p50 ${pct(kbps, 50).toFixed(0)} ` +
          `(${((100 * least) / m.source.kbps).toFixed(0)}% / ${((100 * pct(kbps, 50)) / m.source.kbps).toFixed(0)}% of source); ` +
          `loss p50 ${(
            100 *
              pct(
                m.viewers.map((v) => v.loss),
                50,
              )
          ).toFixed(2)}% max ${(100 * Math.max(...m.viewers.map((v) => v.loss))).toFixed(2)}%; ` +
          `frames/s min ${Math.min(...m.viewers.map((v) => v.fps)).toFixed(1)}; ` +
          `viewer processes ${(m.viewerCores * 100).toFixed(0)}% of a core; failed ${failed.length}${failed.length ? ` (${failed[0]})` : ''}; ` +
          `load ${loadavg()[0]!.toFixed(2)} ${ok ? '' : '<- degraded'}`,
      );
      results.push({ viewers: n, ok });
      if (!ok) break;
    }
    const capacity = results.filter((r) => r.ok).at(-1)?.viewers ?? 0;
    const top = results.at(-1)!;
    console.log(
      `  measured capacity: ${capacity} WHEP viewers in one process (every viewer >= ${ENOUGH * 100}% of the source's bitrate)` +
        (top.ok ? `; no step degraded up to ${top.viewers} (BENCH_WHEP_STEPS)` : `; ${top.viewers} degraded`),
    );
    return capacity;
  } finally {
    for (const c of children) c.stop();
    await backend.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'whep-source') await sourceRole();
else if (process.argv[2] === 'whep-viewers') await viewersRole();
else if (process.argv[1] === SELF) await whepCapacity();
