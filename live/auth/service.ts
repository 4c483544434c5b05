/**
 * Sign-in with TRON and sessions. Nonces are single-use rows in the auth store (live/auth/store.ts);
 * a session token is 32 random bytes given to the client once and stored only as its sha256.
 */
import type { NonceAnswer } from '../../lib/protocol/http.js';
import { createHash, randomBytes } from 'node:crypto';
import { Trx } from 'tronweb';
import { LiveError } from '../internal/errors.js';
import { requireAddress } from '../internal/address.js';
import { formatSignIn, parseSignIn } from './message.js';
import type { AuthStore } from './store.js';

export interface AuthParams {
  /** Nonces and sessions (SQLite: createSqliteAuthStore). */
  store: AuthStore;
  domain: string;
  uri: string;
  statement: string;
  /** The chain id to put in (and require of) messages; resolved lazily (the node may be asked). */
  chainId: () => Promise<string>;
  nonceTtlMs: number;
  /** Idle lifetime: each use moves the expiry to now + this, up to `sessionMaxMs` after sign-in. */
  sessionTtlMs: number;
  /** Absolute lifetime after sign-in. */
  sessionMaxMs: number;
  now: () => number;
}

export interface Session {
  /** The sha256 of the token (hex): names the session without being able to open it. */
  id: string;
  address: string;
  /** When it expires unless used again (never later than `createdAt + sessionMaxMs`). */
  expiresAt: number;
  createdAt: number;
}

export type { NonceAnswer };

export interface Auth {
  /** Issues a nonce and the exact message `address` must sign. */
  nonce(address: unknown): Promise<NonceAnswer>;
  /** Checks a signed message; on success burns the nonce and opens a session. */
  verify(input: {
    address?: unknown;
    message?: unknown;
    signature?: unknown;
  }): Promise<{ token: string; session: Session }>;
  /** The session of a token, or undefined (unknown or expired); using it slides its expiry. */
  session(token: string | undefined): Session | undefined;
  /** The session by id (open sockets re-check theirs); `used` slides it like a request would. */
  sessionById(id: string, used: boolean): Session | undefined;
  /** Deletes the session; returns its id when there was one (its sockets are then closed). */
  logout(token: string | undefined): string | undefined;
  /** Opens a session without a signature: for the bench and trusted tooling only. */
  mintSession(address: string): { token: string; session: Session };
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** The sign-in service over its store. */
export function createAuth(p: AuthParams): Auth {
  const store = p.store;
  let lastPurge = 0;

  function open(address: string): { token: string; session: Session } {
    const token = randomBytes(32).toString('base64url');
    const now = p.now();
    const session: Session = {
      id: hashToken(token),
      address,
      createdAt: now,
      expiresAt: now + Math.min(p.sessionTtlMs, p.sessionMaxMs),
    };
    store.insertSession(session.id, address, now, session.expiresAt);
    return { token, session };
  }

  // A use moves the expiry only when that gains more than a tenth of the idle lifetime (at most a
  // minute), so a busy client does not write the row on every request.
  const slideStep = Math.min(60_000, Math.floor(p.sessionTtlMs / 10));
  function lookup(id: string, used: boolean): Session | undefined {
    const row = store.session(id);
    const now = p.now();
    const limit = row ? row.created_at + p.sessionMaxMs : 0;
    if (!row || row.expires_at <= now || limit <= now) return undefined;
    let expiresAt = Math.min(row.expires_at, limit);
    if (used) {
      const slid = Math.min(now + p.sessionTtlMs, limit);
      if (slid - expiresAt > slideStep || (slid === limit && slid !== row.expires_at)) {
        store.slideSession(id, slid);
        expiresAt = slid;
      }
    }
    return { id, address: row.address, createdAt: row.created_at, expiresAt };
  }

  return {
    async nonce(input) {
      const address = requireAddress(input, 'address');
      const chainId = await p.chainId();
      const now = p.now();
      if (now - lastPurge > 60_000) {
        lastPurge = now;
        // Expired nonces can never sign in; used ones stay until then so replays say NONCE_USED.
        store.purgeNonces(now - 86_400_000);
        store.purgeSessions(now);
      }
      const nonce = randomBytes(12).toString('hex');
      const expiresAt = now + p.nonceTtlMs;
      const message = formatSignIn({
        domain: p.domain,
        address,
        statement: p.statement,
        uri: p.uri,
        version: '1',
        chainId,
        nonce,
        issuedAt: new Date(now).toISOString(),
        expirationTime: new Date(expiresAt).toISOString(),
      });
      store.insertNonce({ nonce, address, message, issued_at: now, expires_at: expiresAt });
      return { message, nonce, expiresAt };
    },

    async verify(input) {
      const address = requireAddress(input.address, 'address');
      if (typeof input.message !== 'string' || input.message.length > 2000)
        throw new LiveError('BAD_REQUEST', 'message must be the signed text', { field: 'message' });
      if (typeof input.signature !== 'string' || !/^(0x)?[0-9a-fA-F]{130}$/.test(input.signature)) {
        throw new LiveError('BAD_REQUEST', 'signature must be a 65-byte hex signature (signMessageV2)', {
          field: 'signature',
        });
      }
      const f = parseSignIn(input.message);
      if (!f) throw new LiveError('BAD_REQUEST', 'message is not a BLive sign-in message', { field: 'message' });
      if (f.address !== address)
        throw new LiveError('BAD_REQUEST', 'message is for another address', { field: 'message' });
      if (f.domain !== p.domain) throw new LiveError('WRONG_DOMAIN', `message is for ${f.domain}, not ${p.domain}`);
      const chainId = await p.chainId();
      if (f.chainId !== chainId)
        throw new LiveError('WRONG_CHAIN', `message is for chain ${f.chainId}, not ${chainId}`);
      const row = store.nonce(f.nonce);
      if (!row || row.address !== address)
        throw new LiveError('NONCE_UNKNOWN', 'this nonce was not issued for this address: ask for a new one');
      if (row.used_at !== null)
        throw new LiveError('NONCE_USED', 'this nonce has already signed in: ask for a new one');
      const now = p.now();
      if (now > row.expires_at || now > Date.parse(f.expirationTime))
        throw new LiveError('MESSAGE_EXPIRED', 'the sign-in message has expired: ask for a new one');
      if (input.message !== row.message)
        throw new LiveError('MESSAGE_MISMATCH', 'the message differs from the one issued with this nonce');
      let signer: string;
      try {
        signer = Trx.verifyMessageV2(
          input.message,
          input.signature.startsWith('0x') ? input.signature : `0x${input.signature}`,
        );
      } catch {
        throw new LiveError('SIGNATURE_MISMATCH', 'the signature does not verify');
      }
      if (signer !== address)
        throw new LiveError('SIGNATURE_MISMATCH', `the message was signed by ${signer}, not ${address}`);
      // Burning the nonce and opening the session commit together: a nonce signs in exactly once.
      return store.transaction(() => {
        if (!store.useNonce(f.nonce, now))
          throw new LiveError('NONCE_USED', 'this nonce has already signed in: ask for a new one');
        return open(address);
      });
    },

    session(token) {
      if (!token || token.length > 200) return undefined;
      return lookup(hashToken(token), true);
    },

    sessionById: lookup,

    logout(token) {
      if (!token || token.length > 200) return undefined;
      const id = hashToken(token);
      return store.deleteSession(id) ? id : undefined;
    },

    mintSession: open,
  };
}
