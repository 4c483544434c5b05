/**
 * Where relay reports are kept: peer id bindings (live_relay_peers) and one-sided claims
 * (live_relay_reports). The {@link RelayStore} interface the relay service calls, and its SQLite
 * implementation; `npm run rewards -- relay` reads the same tables through {@link relayClaims}.
 *
 * The methods are synchronous, as better-sqlite3 is. An asynchronous store would return Promises
 * and the service (already behind async routes) would await them; `insertReports` must stay one
 * transaction, so a report is stored whole or not at all.
 */
import type Database from 'better-sqlite3';

/** One stored claim, as the reporter's side says it. */
export interface RelayClaimRow {
  streamId: number;
  side: 'gave' | 'received';
  uploaderPeer: string;
  downloaderPeer: string;
  bytes: number;
  at: number;
}

/**
 * What both sides claimed of one uploader-to-downloader pair of addresses on one stream in a time
 * range: `gave` is the uploader's claim, `received` the downloader's (bigint: sums of many rows).
 */
export interface PairClaims {
  streamId: number;
  uploader: string;
  downloader: string;
  gave: bigint;
  received: bigint;
}

export interface RelayStore {
  /** The address a peer id is bound to, or undefined. */
  peerAddress(peerId: string): string | undefined;
  /** Binds a peer id (the caller checked it is free). */
  bindPeer(peerId: string, address: string, at: number): void;
  /** Peer ids an address bound since `since`. */
  peersBoundSince(address: string, since: number): number;
  /** Stores one report's claims in one transaction. */
  insertReports(rows: RelayClaimRow[]): void;
  /** Both sides' claims per stream and address pair, for reports received in [from, to). */
  claims(from: number, to: number): PairClaims[];
}

/** The relay store over the live database. */
export function createSqliteRelayStore(db: Database.Database): RelayStore {
  const peer = db.prepare('SELECT address FROM live_relay_peers WHERE peer_id = ?').pluck();
  const bind = db.prepare('INSERT INTO live_relay_peers (peer_id, address, created_at) VALUES (?, ?, ?)');
  const since = db.prepare('SELECT count(*) FROM live_relay_peers WHERE address = ? AND created_at >= ?').pluck();
  const insert = db.prepare(
    'INSERT INTO live_relay_reports (stream_id, side, uploader_peer, downloader_peer, bytes, at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertAll = db.transaction((rows: RelayClaimRow[]) => {
    for (const r of rows) insert.run(r.streamId, r.side, r.uploaderPeer, r.downloaderPeer, r.bytes, r.at);
  });
  return {
    peerAddress: (peerId) => peer.get(peerId) as string | undefined,
    bindPeer: (peerId, address, at) => void bind.run(peerId, address, at),
    peersBoundSince: (address, t) => since.get(address, t) as number,
    insertReports: (rows) => insertAll(rows),
    claims: (from, to) => relayClaims(db, from, to),
  };
}

/**
 * Both sides' claims per stream and address pair for reports received in [from, to) (ms). A claim
 * naming a peer id nobody bound (an anonymous viewer) has no address and is left out.
 */
export function relayClaims(db: Database.Database, from: number, to: number): PairClaims[] {
  const rows = db
    .prepare(
      `SELECT r.stream_id AS streamId, u.address AS uploader, d.address AS downloader,
              SUM(CASE WHEN r.side = 'gave' THEN r.bytes ELSE 0 END) AS gave,
              SUM(CASE WHEN r.side = 'received' THEN r.bytes ELSE 0 END) AS received
         FROM live_relay_reports r
         JOIN live_relay_peers u ON u.peer_id = r.uploader_peer
         JOIN live_relay_peers d ON d.peer_id = r.downloader_peer
        WHERE r.at >= ? AND r.at < ?
        GROUP BY r.stream_id, u.address, d.address
        ORDER BY u.address, d.address, r.stream_id`,
    )
    .safeIntegers(true)
    .all(from, to) as { streamId: bigint; uploader: string; downloader: string; gave: bigint; received: bigint }[];
  return rows.map((r) => ({ ...r, streamId: Number(r.streamId) }));
}
