/**
 * Peer-to-peer HLS for the player: p2p-media-loader's hls.js loaders, handed to the hls.js that
 * @livepeer/core-web creates (through its hlsConfig), with the WebTorrent tracker on our own origin
 * (`/config.json`'s p2p.tracker). Segments come from peers over WebRTC data channels when one has
 * them in time, over HTTP otherwise; the counters say how many bytes came from where.
 */
import type { HlsConfig } from 'hls.js';
import { config } from './config.js';
import { PAGE_PEER_ID, RelayReporter } from './relayReporter.js';

/** Bytes of segment data this viewer received from peers and over HTTP, and gave to peers. */
export interface P2pStats {
  fromPeers: number;
  fromHttp: number;
  toPeers: number;
  /** Peers connected now. */
  peers: number;
}

export interface P2pHls {
  /** What to merge into core-web's hlsConfig. */
  hlsConfig: Partial<HlsConfig>;
  /** The counters so far. */
  stats(): P2pStats;
  /** Stops relay reporting (after a last report); call when the player goes. */
  close(): void;
}

/**
 * Live edge distance and p2p window. core-web holds hls.js 3 segments behind the live edge; 4 (of
 * the 6 a playlist lists, 1 s each with the embedded backend) leaves the segments beyond the first
 * 2 s ahead of the playhead to be fetched from peers, while the 2 s just ahead (high demand) go
 * over HTTP whenever no peer has them.
 */
const LIVE_SYNC_SEGMENTS = 4;
const HIGH_DEMAND_SECONDS = 2;

/**
 * The p2p loaders for the HLS stream at `hlsUrl`, or null when the platform turned peer delivery
 * off (MEDIA_P2P=0). `onStats` hears the counters whenever they change. With `streamId` (a live
 * stream, not a recording) a signed-in viewer reports its relay per peer (relayReporter.ts).
 */
export async function createP2pHls(
  hlsUrl: string,
  onStats: (s: P2pStats) => void,
  streamId?: string,
): Promise<P2pHls | null> {
  const p2p = config().p2p;
  if (!p2p) return null;
  // Bound before the engine exists: the tracker (and so any peer) learns the id only after this.
  const relay = streamId ? new RelayReporter(streamId) : null;
  await relay?.bind();
  const [{ default: Hls }, { HlsJsP2PEngine }] = await Promise.all([
    import('hls.js'),
    import('p2p-media-loader-hlsjs'),
  ]);
  const tracker = new URL(p2p.tracker, location.href);
  tracker.protocol = tracker.protocol === 'https:' ? 'wss:' : 'ws:';
  const engine = new HlsJsP2PEngine({
    core: {
      // One swarm per stream (the library adds the rendition): the playlist's path, whatever host served it.
      swarmId: `blive:${new URL(hlsUrl, location.href).pathname}`,
      announceTrackers: [tracker.href],
      rtcConfig: { iceServers: config().iceServers },
      highDemandTimeWindow: HIGH_DEMAND_SECONDS,
      // A prefix of the full 20 characters is the peer id itself: the one relay reports name.
      trackerClientVersionPrefix: PAGE_PEER_ID,
    },
  });
  const stats: P2pStats = { fromPeers: 0, fromHttp: 0, toPeers: 0, peers: 0 };
  const changed = (): void => onStats({ ...stats });
  engine.addEventListener('onChunkDownloaded', (bytes, source, peerId) => {
    if (source === 'p2p') stats.fromPeers += bytes;
    else stats.fromHttp += bytes;
    if (source === 'p2p' && peerId) relay?.received(peerId, bytes);
    changed();
  });
  engine.addEventListener('onChunkUploaded', (bytes, peerId) => {
    stats.toPeers += bytes;
    relay?.gave(peerId, bytes);
    changed();
  });
  relay?.start();
  engine.addEventListener('onPeerConnect', () => {
    stats.peers++;
    changed();
  });
  engine.addEventListener('onPeerClose', () => {
    stats.peers = Math.max(0, stats.peers - 1);
    changed();
  });
  // core-web builds the hls.js instance and does not hand it out; hls.js builds its ABR controller
  // with the instance, before loading anything, which is when the engine must know it.
  const Abr = Hls.DefaultConfig.abrController;
  class BindingAbrController extends Abr {
    constructor(hls: InstanceType<typeof Hls>) {
      super(hls);
      engine.bindHls(hls);
    }
  }
  return {
    hlsConfig: {
      ...(engine.getConfigForHlsJs() as Partial<HlsConfig>),
      abrController: BindingAbrController,
      liveSyncDurationCount: LIVE_SYNC_SEGMENTS,
    },
    stats: () => ({ ...stats }),
    close: () => relay?.stop(),
  };
}
