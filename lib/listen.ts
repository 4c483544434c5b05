/** Listening on a port, shared by the indexer's API, the live service and the platform (and their tests). */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  server: Server;
  /** http://host:port */
  url: string;
  /** Drops open connections (SSE streams, WebSockets) and stops listening. */
  close(): Promise<void>;
}

/** Listens with `server` on `host:port` (port 0: any free port). */
export function listenOn(server: Server, port: number, host = '127.0.0.1'): Promise<Listening> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const a = server.address() as AddressInfo;
      resolve({
        server,
        url: `http://${a.address}:${a.port}`,
        close: () =>
          new Promise<void>((res) => {
            server.closeAllConnections();
            server.close(() => res());
          }),
      });
    });
  });
}
