/** The part of bittorrent-tracker's server (11.x, untyped JavaScript) that tracker.ts drives. */
declare module 'bittorrent-tracker/server' {
  import { EventEmitter } from 'node:events';
  import type { WebSocket } from 'ws';

  interface Swarm {
    readonly peers: { readonly length: number };
  }

  export default class Server extends EventEmitter {
    constructor(opts: {
      http: false;
      udp: false;
      ws: false;
      stats?: boolean;
      /** Announce interval in ms; WebSocket clients are told a fifth of it. */
      interval?: number;
      filter?: (infoHash: string, params: unknown, cb: (err: Error | null) => void) => void;
    });
    /** Swarms by hex info hash. */
    readonly torrents: Record<string, Swarm>;
    /** Serves one accepted WebSocket (its `upgradeReq` set to the upgrade request). */
    onWebSocketConnection(socket: WebSocket): void;
    close(cb?: () => void): void;
  }
}
