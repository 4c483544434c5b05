/**
 * The cheapest real WHIP broadcaster: the WHIP client of live/streams/media/whipClient.ts offering
 * one Opus audio track and sending an Opus silence frame every 20 ms, so a media backend sees real
 * RTP over a real WebRTC session (no browser, no ffmpeg).
 */
import { RtpHeader, RtpPacket } from 'werift';
import { connectWhip } from '../../live/streams/media/whipClient.js';

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
  const client = await connectWhip(ingestUrl, { timeoutMs });
  let seq = Math.floor(Math.random() * 0xffff);
  let ts = Math.floor(Math.random() * 0xffffffff);
  const timer = setInterval(() => {
    seq = (seq + 1) & 0xffff;
    ts = (ts + 960) >>> 0;
    client.audio.writeRtp(
      new RtpPacket(new RtpHeader({ sequenceNumber: seq, timestamp: ts, marker: true }), OPUS_SILENCE),
    );
  }, 20);
  return {
    location: client.location,
    pause: () => clearInterval(timer),
    async close() {
      clearInterval(timer);
      await client.close();
    },
  };
}
