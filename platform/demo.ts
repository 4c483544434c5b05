/**
 * Something live on first start: on the devnet, when ffmpeg is there, the demo broadcaster (alice,
 * dev account 1, whose profile says "Demo broadcaster on the devnet") broadcasts ffmpeg's test
 * picture, clock and tone to her open stream through the real WHIP ingest
 * (live/streams/media/demoBroadcast.ts), so Home shows a live channel a newcomer can watch, chat
 * in and gift. `DEMO_STREAM=0` turns it off; on a public network it never runs (there is no demo
 * account there).
 */
import { spawnSync } from 'node:child_process';
import type { LiveService } from '../live/index.js';
import { type DemoBroadcast, startDemoBroadcast } from '../live/streams/media/demoBroadcast.js';

/** The running demo: which stream it broadcasts to, and the broadcast. */
export interface Demo {
  readonly streamId: string;
  readonly broadcast: DemoBroadcast;
}

export interface DemoParams {
  live: LiveService;
  /** The demo broadcaster's address (a registered broadcaster). */
  owner: string;
  ffmpegPath: string;
  log: (m: string) => void;
}

const DEMO_TITLE = 'BLive demo channel: test picture, clock and tone';

/** Whether `ffmpegPath` runs and has libx264 and libopus (the demo's encoders). */
export function ffmpegCanRunDemo(ffmpegPath: string): boolean {
  const r = spawnSync(ffmpegPath, ['-hide_banner', '-encoders'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 && /\slibx264\s/.test(r.stdout) && /\slibopus\s/.test(r.stdout);
}

/** Starts the demo broadcast on the owner's newest open stream (creating one when all have ended). */
export async function startDemo(p: DemoParams): Promise<Demo> {
  const open = [
    ...p.live.streams.list({ owner: p.owner, state: 'live' }).nodes,
    ...p.live.streams.list({ owner: p.owner, state: 'idle' }).nodes,
  ];
  const streamId =
    open[0]?.streamId ??
    (await p.live.streams.create(p.owner, { title: DEMO_TITLE, category: 'Demo', tags: ['demo'], language: 'en' }))
      .streamId;
  const detail = await p.live.streams.get(Number(streamId), p.owner);
  if (!('ingestUrl' in detail)) throw new Error(`demo: stream ${streamId} is not the demo broadcaster's`);
  const broadcast = startDemoBroadcast({
    ingestUrl: detail.ingestUrl,
    ffmpegPath: p.ffmpegPath,
    label: 'BLive demo',
    log: {
      info: () => {},
      warn: (msg, fields) => p.log(`demo: ${msg} ${JSON.stringify(fields ?? {})}`),
    },
  });
  p.log(`demo broadcast on stream ${streamId} (DEMO_STREAM=0 turns it off)`);
  return { streamId, broadcast };
}
