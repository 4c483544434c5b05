/**
 * The cheapest real WHIP broadcaster: a werift peer connection in this process that offers one
 * Opus audio track, connects (ICE + DTLS) and sends an Opus silence frame every 20 ms, so a media
 * backend sees real RTP over a real WebRTC session (no browser, no ffmpeg).
 */
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket } from 'werift';

/** A broadcast in progress. */
export interface WhipPublisher {
  /** The WHIP session resource (the 201's Location). */
  readonly location: string;
  /** Stops sending RTP but keeps the session (the backend sees packets stop). */
  pause(): void;
  /** Ends the session: stops sending and closes the peer connection (no WHIP DELETE, as browsers do). */
  close(): Promise<void>;
}

// An Opus frame of 20 ms digital silence (TOC 0xf8: CELT fullband 20 ms, mono, one frame).
const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

/** POSTs a WHIP offer to `ingestUrl`, waits for the connection and starts sending RTP; throws on a refusal. */
export async function publishWhip(ingestUrl: string, timeoutMs = 10_000): Promise<WhipPublisher> {
  const pc = new RTCPeerConnection({
    codecs: {
      audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 })],
      video: [],
    },
    iceUseIpv6: false,
  });
  const track = new MediaStreamTrack({ kind: 'audio' });
  pc.addTransceiver(track, { direction: 'sendonly' });
  try {
    await pc.setLocalDescription(await pc.createOffer());
    await until('ICE gathering', () => pc.iceGatheringState === 'complete', timeoutMs);
    const res = await fetch(ingestUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/sdp' },
      body: pc.localDescription!.sdp,
    });
    const body = await res.text();
    if (res.status !== 201) throw new Error(`WHIP POST answered ${res.status}: ${body}`);
    await pc.setRemoteDescription({ type: 'answer', sdp: body });
    await until('the WHIP connection', () => pc.connectionState === 'connected', timeoutMs);
    let seq = Math.floor(Math.random() * 0xffff);
    let ts = Math.floor(Math.random() * 0xffffffff);
    const timer = setInterval(() => {
      seq = (seq + 1) & 0xffff;
      ts = (ts + 960) >>> 0;
      track.writeRtp(new RtpPacket(new RtpHeader({ sequenceNumber: seq, timestamp: ts, marker: true }), OPUS_SILENCE));
    }, 20);
    return {
      location: res.headers.get('location') ?? '',
      pause: () => clearInterval(timer),
      async close() {
        clearInterval(timer);
        await pc.close();
      },
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
