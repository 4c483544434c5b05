/**
 * Direct messages between signed-in users: stored in live_dms and delivered to every connection
 * of the recipient and of the sender (their other tabs). History per conversation, newest pages
 * first, over HTTP (GET /api/dms?with=T...) or the WebSocket (`dms.history`); the list of one's
 * conversations, latest first, over HTTP (GET /api/dms/conversations). A user may block
 * another (`dm.block`, kept in live_dm_blocks): while either has blocked the other, neither can
 * message the other (DM_BLOCKED).
 */
import type { ChatLimits } from '../internal/config.js';
import type { Directory } from '../internal/directory.js';
import { LiveError, badField } from '../internal/errors.js';
import { requireAddress } from '../internal/address.js';
import type { ClientMessage, Connection, Hub } from './hub.js';
import { RateLimiter } from '../../lib/rateLimit.js';
import { cleanText } from './text.js';
import type { DmRow, DmStore } from './dmStore.js';
import type { DirectMessage } from '../../lib/protocol/payloads.js';
import type { DmConversation, DmConversationList, DmPage } from '../../lib/protocol/http.js';

export type { DmConversation, DmConversationList, DmPage };

export interface DmsParams {
  /** Messages and blocks (SQLite: createSqliteDmStore). */
  store: DmStore;
  hub: Hub;
  directory: Directory;
  limits: ChatLimits;
  now: () => number;
  /** Called with each message stored (the notifier counts it for the recipient). */
  onDm?: (dm: DirectMessage & { handle: string | null }) => void;
}

const pairOf = (a: string, b: string): string => (a < b ? `${a}:${b}` : `${b}:${a}`);
const dmOf = (r: DmRow): DirectMessage => ({
  id: r.id,
  from: r.sender,
  to: r.recipient,
  text: r.text,
  at: r.created_at,
});

/** Direct messages over the hub and the live database. */
export class Dms {
  readonly #limiter = new RateLimiter();
  #sent = 0;

  constructor(private readonly p: DmsParams) {}

  /** `dm.block` / `dm.unblock {user}`, `dm.blocks` (who I blocked). */
  #blockMessages(hub: Hub): void {
    const me = (c: Connection): string => {
      if (!c.address) throw new LiveError('UNAUTHENTICATED', 'sign in to block users');
      return c.address;
    };
    for (const type of ['dm.block', 'dm.unblock'] as const) {
      const handler = (c: Connection, m: ClientMessage<typeof type>): void => {
        const blocker = me(c);
        const user = m.user;
        if (user === blocker) throw new LiveError('BAD_MESSAGE', 'you cannot block yourself', { field: 'user' });
        if (type === 'dm.block') this.p.store.block(blocker, user, this.p.now());
        else this.p.store.unblock(blocker, user);
        c.send({ type: 'ack', ...(m.id !== undefined ? { id: m.id } : {}), user, blocked: type === 'dm.block' });
      };
      // Signed in first, then the user.
      hub.on(type, handler, { check: (c) => void me(c) });
    }
    hub.on('dm.blocks', (c, m) =>
      c.send({
        type: 'dm.blocks',
        users: this.p.store.blocked(me(c)),
        ...(m.id !== undefined ? { id: m.id } : {}),
      }),
    );
  }

  register(hub: Hub): void {
    // Signed in, then the recipient (not oneself), then the text: the order the refusals had.
    hub.on(
      'dm',
      (c, m) => this.send(c, m),
      { check: (c) => void this.#sender(c) },
      { fields: ['to'], check: (c, m) => this.#notSelf(this.#sender(c), m.to) },
    );
    this.#blockMessages(hub);
    const reader = (c: Connection): string => {
      if (!c.address) throw new LiveError('UNAUTHENTICATED', 'sign in to read direct messages');
      return c.address;
    };
    hub.on(
      'dms.history',
      (c, m) => {
        // The rules of before and limit are GET /api/dms's too: page() checks them for both.
        const page = this.page(
          reader(c),
          m.with,
          m.before === undefined ? null : String(m.before),
          m.limit === undefined ? null : String(m.limit),
        );
        c.send({
          type: 'dms',
          with: m.with,
          messages: page.nodes,
          pageInfo: page.pageInfo,
          ...(m.id !== undefined ? { id: m.id } : {}),
        });
      },
      { check: (c) => void reader(c) },
    );
  }

  #sender(c: Connection): string {
    if (!c.address) throw new LiveError('UNAUTHENTICATED', 'sign in to send direct messages');
    return c.address;
  }

  #notSelf(from: string, to: string): void {
    if (to === from) throw new LiveError('BAD_MESSAGE', 'you cannot message yourself', { field: 'to' });
  }

  async send(c: Connection, m: ClientMessage<'dm'>): Promise<void> {
    const from = this.#sender(c);
    const to = m.to;
    this.#notSelf(from, to);
    const text = cleanText(m.text, this.p.limits.maxMessageLength);
    const blocker = this.p.store.blocker(to, from);
    if (blocker !== undefined) {
      throw new LiveError(
        'DM_BLOCKED',
        blocker === from
          ? 'you blocked this user: unblock them to send a message'
          : 'this user does not accept your messages',
        { field: 'to' },
      );
    }
    const now = this.p.now();
    if (++this.#sent % 1000 === 0) this.#limiter.sweep(this.p.limits.rateWindowMs, now);
    const wait = this.#limiter.take(from, this.p.limits.userMessages, this.p.limits.rateWindowMs, now);
    if (wait > 0)
      throw new LiveError(
        'RATE_LIMITED',
        `at most ${this.p.limits.userMessages} direct messages per ${this.p.limits.rateWindowMs / 1000} s`,
        { retryAfterMs: wait },
      );
    const id = this.p.store.insert(pairOf(from, to), from, to, text, now);
    const handle = await this.p.directory.handle(from);
    const out = { type: 'dm' as const, id, from, handle, to, text, at: now };
    this.p.hub.sendTo(to, out);
    this.p.hub.sendTo(from, out);
    this.p.onDm?.(out);
    if (m.id !== undefined) c.send({ type: 'ack', id: m.id, messageId: id, at: now });
  }

  /** My conversations, the one with the latest message first; `before` is the previous page's endCursor. */
  async conversations(me: string, before: string | null, first: string | null): Promise<DmConversationList> {
    const n = first === null || first === '' ? 50 : Number(first);
    if (!Number.isSafeInteger(n) || n < 1 || n > 100) throw badField('first', 'first must be 1 to 100');
    const b = before === null || before === '' ? Number.MAX_SAFE_INTEGER : Number(before);
    if (!Number.isSafeInteger(b) || b < 1)
      throw badField('before', 'before must be the endCursor of the previous page');
    const rows = this.p.store.conversations(me, b, n + 1);
    const page = rows.slice(0, n);
    const nodes = await Promise.all(
      page.map(async (r) => {
        const other = r.sender === me ? r.recipient : r.sender;
        return { with: other, handle: await this.p.directory.handle(other), last: dmOf(r) };
      }),
    );
    return {
      nodes,
      pageInfo: { endCursor: page.length ? String(page[page.length - 1]!.id) : null, hasNextPage: rows.length > n },
    };
  }

  /** A page of the conversation between `me` and `other`. */
  page(me: string, other: unknown, before: string | null, first: string | null): DmPage {
    const peer = requireAddress(other, 'with');
    const n = first === null || first === '' ? 50 : Number(first);
    if (!Number.isSafeInteger(n) || n < 1 || n > 100) throw badField('first', 'first must be 1 to 100');
    const b = before === null || before === '' ? Number.MAX_SAFE_INTEGER : Number(before);
    if (!Number.isSafeInteger(b) || b < 1)
      throw badField('before', 'before must be the endCursor of the previous page');
    const rows = this.p.store.page(pairOf(me, peer), b, n + 1);
    const page = rows.slice(0, n);
    return {
      nodes: page.reverse().map(dmOf),
      pageInfo: { endCursor: page.length ? String(page[0]!.id) : null, hasNextPage: rows.length > n },
    };
  }
}
