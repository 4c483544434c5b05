/**
 * A WHIP broadcaster in Node, as a browser publishes: a werift peer connection offers its tracks
 * (Opus audio, optionally H264 video), POSTs the offer to the ingest URL, connects (ICE + DTLS)
 * and then sends whatever RTP the caller writes to its tracks. werift rewrites each packet's
 * payload type and SSRC to the negotiated ones, so RTP from another encoder (ffmpeg) can be
 * written as is. The demo broadcast (demoBroadcast.ts) and the media tests publish through it.
 */
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters } from 'werift';

export interface WhipClientOptions {
  /** Offer an H264 video track too (constrained baseline, packetization-mode 1). */
  readonly video?: boolean;
  /** How long ICE gathering and the connection may take each. Default 10 s. */
  readonly timeoutMs?: number;
}

/** A connected WHIP session. */
export interface WhipClient {
  /** The WHIP session resource (the 201's Location). */
  readonly location: string;
  readonly audio: MediaStreamTrack;
  readonly video: MediaStreamTrack | null;
  /** The peer connection's state ('connected' while the session holds). */
  readonly state: string;
  /** Closes the peer connection (no WHIP DELETE, as browsers do: the server sees packets stop). */
  close(): Promise<void>;
}

/** POSTs a WHIP offer to `ingestUrl` and waits for the connection; throws on a refusal or a timeout. */
export async function connectWhip(ingestUrl: string, opts: WhipClientOptions = {}): Promise<WhipClient> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const pc = new RTCPeerConnection({
    codecs: {
      audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 })],
      video: opts.video
        ? [
            new RTCRtpCodecParameters({
              mimeType: 'video/H264',
              clockRate: 90_000,
              rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'goog-remb' }],
              parameters: 'profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1',
            }),
          ]
        : [],
    },
    iceUseIpv6: false,
  });
  const audio = new MediaStreamTrack({ kind: 'audio' });
  const video = opts.video ? new MediaStreamTrack({ kind: 'video' }) : null;
  if (video) pc.addTransceiver(video, { direction: 'sendonly' });
  pc.addTransceiver(audio, { direction: 'sendonly' });
  try {
    await pc.setLocalDescription(await pc.createOffer());
    await until('ICE gathering', () => pc.iceGatheringState === 'complete', timeoutMs);
    const res = await fetch(ingestUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/sdp' },
      body: pc.localDescription!.sdp,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await res.text();
    if (res.status !== 201) throw new Error(`WHIP POST answered ${res.status}: ${body}`);
    await pc.setRemoteDescription({ type: 'answer', sdp: body });
    await until('the WHIP connection', () => pc.connectionState === 'connected', timeoutMs);
    return {
      location: res.headers.get('location') ?? '',
      audio,
      video,
      get state() {
        return pc.connectionState;
      },
      close: () => pc.close(),
    };
  } catch (err) {
    await pc.close();
    throw err;
  }
}

async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
