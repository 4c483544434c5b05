/**
 * werift peer connections of the embedded backend: one ingest per live broadcast (WHIP, receive
 * only) and one per WHEP viewer (send only). Viewers get the broadcaster's RTP as it arrives (no
 * transcode); werift rewrites SSRC, payload type, sequence and header extensions per viewer.
 */
import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  type MediaStreamTrack,
  type PeerConfig,
  type RTCRtpTransceiver,
  type RtcpPacket,
  RtcpSrPacket,
  type RtpPacket,
  RTP_EXTENSION_URI,
  useSdesMid,
  useTransportWideCC,
} from 'werift';
import {
  type MediaKind,
  type SdpCodec,
  mediaKinds,
  narrowOffer,
  pickIngestVideo,
  pickOpus,
  pickViewerVideo,
  withFmtp,
  withRtcpFeedback,
  withoutRtcpFeedback,
} from './sdp.js';
import { TwccFeedback } from './twcc.js';

/** ICE settings shared by every peer connection. */
export interface IceOptions {
  /** STUN/TURN servers for the server side; none needed on a LAN or loopback. */
  readonly iceServers?: { urls: string; username?: string; credential?: string }[];
  /** Extra host addresses to offer as candidates (e.g. '127.0.0.1' on a machine with only loopback). */
  readonly additionalHostAddresses?: string[];
  /** UDP port range for ICE, e.g. to open in a firewall. */
  readonly portRange?: [number, number];
}

/** How long we wait for candidate gathering before answering anyway (clients do not trickle). */
const GATHER_TIMEOUT_MS = 3000;
/**
 * How often the ingest sends transport-wide CC feedback. Chromium's own receiver sends it every
 * 50-250 ms; the sooner the sender hears, the sooner its estimate follows the link.
 */
const TWCC_INTERVAL_MS = 50;
/**
 * The bandwidth estimate we ask the broadcaster's browser to start from (`x-google-start-bitrate`;
 * Chromium's own is 300 kbit/s). Chromium picks its first resolution from it: 900 kbit/s or more
 * starts a 720p camera at 720p instead of 360p, which it then leaves only by stepwise upscaling
 * (about 4 s a step, and not at all for detailed content). Measured: Chromium honours it for a
 * video-only offer; with audio it has already started the encoder at its 300 kbit/s default. Too
 * high on a slow uplink costs a second of congestion before the estimate comes down.
 */
export const INGEST_START_KBPS = 1000;

function peerConfig(ice: IceOptions, codecs: PeerConfig['codecs'], twcc: boolean): Partial<PeerConfig> {
  return {
    codecs,
    headerExtensions: {
      video: twcc ? [useSdesMid(), useTransportWideCC()] : [useSdesMid()],
      audio: twcc ? [useSdesMid(), useTransportWideCC()] : [useSdesMid()],
    },
    iceServers: ice.iceServers ?? [],
    iceUseIpv6: false,
    ...(ice.additionalHostAddresses ? { iceAdditionalHostAddresses: ice.additionalHostAddresses } : {}),
    ...(ice.portRange ? { icePortRange: ice.portRange } : {}),
  };
}

const toWerift = (c: SdpCodec, kind: MediaKind): RTCRtpCodecParameters =>
  new RTCRtpCodecParameters({
    mimeType: `${kind}/${c.name}`,
    clockRate: c.clockRate,
    ...(c.channels ? { channels: c.channels } : {}),
    ...(c.fmtp ? { parameters: c.fmtp } : {}),
  });

async function answer(pc: RTCPeerConnection, offer: string): Promise<string> {
  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  await pc.setLocalDescription(await pc.createAnswer());
  if (pc.iceGatheringState !== 'complete') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, GATHER_TIMEOUT_MS);
      const sub = pc.iceGatheringStateChange.subscribe((state) => state === 'complete' && done());
      function done(): void {
        clearTimeout(timer);
        sub.unSubscribe();
        resolve();
      }
    });
  }
  const sdp = pc.localDescription?.sdp;
  if (!sdp) throw new Error('no local description after createAnswer');
  return sdp;
}

const randomSsrc = (): number => Math.floor(Math.random() * 0xffffffff) >>> 0;

/** A received RTP packet, serialised once so each consumer can parse its own copy. */
export type RtpListener = (kind: MediaKind, packet: Buffer) => void;

/** What Ingest and Viewer share: one werift peer connection, closed once. */
abstract class PeerSession {
  protected closed = false;

  protected constructor(protected readonly pc: RTCPeerConnection) {}

  get connectionState(): string {
    return this.pc.connectionState;
  }

  /** Subscribes to connection-state changes; 'failed' and 'closed' end the session early. */
  onStateChange(listener: (state: string) => void): void {
    this.pc.connectionStateChange.subscribe(listener);
  }

  /** Releases what the session holds, then its peer connection; later calls do nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.release();
    await this.pc.close();
  }

  protected abstract release(): void;
}

/**
 * The broadcaster's side of one WHIP session. `codecs` says what it sends (narrowed offer), so
 * viewers and ffmpeg can be set up before the first packet arrives.
 */
export class Ingest extends PeerSession {
  readonly codecs: Partial<Record<MediaKind, SdpCodec>>;
  /** Milliseconds since the epoch of the last RTP packet; 0 before the first. */
  lastPacketAt = 0;
  private readonly tracks = new Map<MediaKind, MediaStreamTrack>();
  private readonly transceivers = new Map<MediaKind, RTCRtpTransceiver>();
  private readonly listeners = new Set<RtpListener>();
  private readonly rtcpListeners = new Set<RtpListener>();
  private readonly twcc = new TwccFeedback(randomSsrc(), 0);
  private readonly twccTimer: NodeJS.Timeout;

  private constructor(pc: RTCPeerConnection, codecs: Partial<Record<MediaKind, SdpCodec>>) {
    super(pc);
    this.codecs = codecs;
    this.twccTimer = setInterval(() => this.sendTwcc(), TWCC_INTERVAL_MS);
    this.twccTimer.unref();
    pc.onTrack.subscribe((track) => {
      const kind = track.kind as MediaKind;
      this.tracks.set(kind, track);
      track.onReceiveRtp.subscribe((rtp: RtpPacket, extensions) => {
        // The arrival time is taken first: it is what the sender's delay-based estimate reads.
        const seq = extensions?.[RTP_EXTENSION_URI.transportWideCC];
        if (typeof seq === 'number') {
          this.twcc.record(seq, performance.now() * 1000);
          if (kind === 'video') this.twcc.setMediaSsrc(rtp.header.ssrc);
        }
        this.lastPacketAt = Date.now();
        if (this.listeners.size === 0) return;
        const packet = rtp.serialize();
        for (const listener of this.listeners) listener(kind, packet);
      });
      // Sender reports map each stream's RTP clock to wall time: ffmpeg needs them to line audio
      // up with video (they start at different moments and run on different clocks).
      track.onReceiveRtcp.subscribe((rtcp) => {
        if (rtcp.type !== RtcpSrPacket.type || this.rtcpListeners.size === 0) return;
        const packet = rtcp.serialize();
        for (const listener of this.rtcpListeners) listener(kind, packet);
      });
    });
    pc.onRemoteTransceiverAdded.subscribe((t) => {
      if (!this.transceivers.has(t.kind as MediaKind)) this.transceivers.set(t.kind as MediaKind, t);
    });
  }

  /**
   * Answers a broadcaster's offer. Throws UnsupportedCodecError when it offers no H264/VP8 video
   * or no Opus audio for a section it sends.
   */
  static async accept(
    offer: string,
    ice: IceOptions,
    startKbps: number = INGEST_START_KBPS,
  ): Promise<{ ingest: Ingest; answer: string }> {
    const narrowed = narrowOffer(offer, (kind, codecs) =>
      kind === 'video' ? pickIngestVideo(codecs) : pickOpus(codecs),
    );
    const { video, audio } = narrowed.chosen;
    const pc = new RTCPeerConnection(
      peerConfig(
        ice,
        { video: video ? [toWerift(video, 'video')] : [], audio: audio ? [toWerift(audio, 'audio')] : [] },
        true,
      ),
    );
    // werift answers with the feedback types the offer lists. Its own transport-cc generator is
    // kept off (see twcc.ts) and ours is announced instead; REMB is not offered back because
    // nothing here sends it.
    const toWeriftOffer = withoutRtcpFeedback(narrowed.sdp, ['transport-cc', 'goog-remb']);
    // werift announces remote tracks during setRemoteDescription: subscribe before answering.
    const ingest = new Ingest(pc, narrowed.chosen);
    try {
      const sdp = withRtcpFeedback(await answer(pc, toWeriftOffer), 'transport-cc', RTP_EXTENSION_URI.transportWideCC);
      return {
        ingest,
        answer: video && startKbps > 0 ? withFmtp(sdp, 'video', `x-google-start-bitrate=${startKbps}`) : sdp,
      };
    } catch (err) {
      await ingest.close();
      throw err;
    }
  }

  /** Sends the transport-wide CC feedback for the packets that arrived since the last call. */
  private sendTwcc(): void {
    if (this.closed) return;
    const packets = this.twcc.take();
    if (packets.length === 0) return;
    const dtls = this.pc.getTransceivers()[0]?.receiver.dtlsTransport;
    if (dtls?.state !== 'connected') return;
    for (const packet of packets) {
      // sendRtcp only calls serialize(); the packet is already in wire form.
      const rtcp = { serialize: () => packet } as unknown as RtcpPacket;
      dtls.sendRtcp([rtcp]).catch(() => {
        // The transport closes with the session; feedback lost then does not matter.
      });
    }
  }

  /** Every RTP packet received, video and audio. Returns the unsubscribe function. */
  onRtp(listener: RtpListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every RTCP sender report received (serialised). Returns the unsubscribe function. */
  onSenderReport(listener: RtpListener): () => void {
    this.rtcpListeners.add(listener);
    return () => this.rtcpListeners.delete(listener);
  }

  /** Asks the broadcaster for a keyframe (RTCP PLI): a new viewer or a (re)started ffmpeg needs one. */
  requestKeyframe(): void {
    const track = this.tracks.get('video');
    const transceiver = this.transceivers.get('video') ?? this.pc.getTransceivers().find((t) => t.kind === 'video');
    if (!track?.ssrc || !transceiver || this.closed) return;
    transceiver.receiver.sendRtcpPLI(track.ssrc).catch(() => {
      // The transport can close between the check and the send; the next request will tell.
    });
  }

  protected release(): void {
    clearInterval(this.twccTimer);
    this.listeners.clear();
    this.rtcpListeners.clear();
  }
}

/** One WHEP viewer: a send-only peer connection fed from an Ingest. */
export class Viewer extends PeerSession {
  /**
   * Milliseconds since the epoch of the viewer's last RTCP (receiver reports come about every
   * second). Browsers often close without a DELETE and werift does not notice a silent peer, so
   * the backend drops viewers that stop reporting.
   */
  lastSeenAt = Date.now();
  /** When the answer was given; a viewer not connected some seconds later is dropped. */
  readonly createdAt = Date.now();
  /** True once ICE and DTLS have connected (it stays true: a later failure closes the viewer). */
  connected = false;
  private unsubscribe: (() => void) | null = null;

  private constructor(pc: RTCPeerConnection) {
    super(pc);
  }

  /**
   * Answers a viewer's offer with the codecs `ingest` carries. Throws UnsupportedCodecError when
   * the viewer cannot decode them (WHEP clients take 406 as "play something else").
   */
  static async accept(offer: string, ingest: Ingest, ice: IceOptions): Promise<{ viewer: Viewer; answer: string }> {
    const { video, audio } = ingest.codecs;
    const narrowed = narrowOffer(offer, (kind, codecs) => {
      if (kind === 'video')
        return video ? pickViewerVideo(codecs, video) : (pickIngestVideo(codecs) ?? codecs[0] ?? null);
      return pickOpus(codecs);
    });
    const pc = new RTCPeerConnection(
      peerConfig(
        ice,
        {
          video: narrowed.chosen.video ? [toWerift(narrowed.chosen.video, 'video')] : [],
          audio: narrowed.chosen.audio ? [toWerift(narrowed.chosen.audio, 'audio')] : [],
        },
        false,
      ),
    );
    const senders = new Map<MediaKind, RTCRtpTransceiver>();
    for (const kind of mediaKinds(narrowed.sdp)) {
      const t = pc.addTransceiver(kind, { direction: 'sendonly' });
      if (!senders.has(kind)) senders.set(kind, t);
    }
    try {
      const sdp = await answer(pc, narrowed.sdp);
      const viewer = new Viewer(pc);
      viewer.unsubscribe = ingest.onRtp((kind, packet) => {
        const sender = senders.get(kind)?.sender;
        // The ingest's codec must match what this viewer negotiated; a mismatch never happens
        // because the viewer's codec was chosen from the ingest's.
        // A send fails only once the viewer's transport is closed; the viewer is being dropped then.
        if (sender && (kind === 'video' ? video : audio)) sender.sendRtp(packet).catch(() => undefined);
      });
      // A viewer can only start decoding at a keyframe: ask for one when it connects and when it
      // asks us (its PLI), instead of waiting for the broadcaster's next periodic one.
      pc.connectionStateChange.subscribe((state) => {
        if (state !== 'connected') return;
        viewer.connected = true;
        ingest.requestKeyframe();
      });
      senders.get('video')?.sender.onPictureLossIndication.subscribe(() => ingest.requestKeyframe());
      for (const t of senders.values()) t.sender.onRtcp.subscribe(() => (viewer.lastSeenAt = Date.now()));
      return { viewer, answer: sdp };
    } catch (err) {
      await pc.close();
      throw err;
    }
  }

  protected release(): void {
    this.unsubscribe?.();
  }
}
