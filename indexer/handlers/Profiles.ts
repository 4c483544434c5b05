/** Profiles: registrations, profile URIs, broadcaster status and the follow graph (a set). */
import { follows, profiles } from '../db/schema.js';
import type { Row } from '../store/handlerStore.js';
import type { RawEvent } from '../store/raw.js';
import { bool, str, type HandlerContext, type HandlerMap } from './context.js';

type Profile = Row<typeof profiles>;

/** The profile row of `address`, or a fresh unregistered one (followers need not be registered). */
async function profileOf(ctx: HandlerContext, address: string, e: RawEvent): Promise<Profile> {
  return (
    (await ctx.store.get(profiles, address)) ?? {
      address,
      registered: false,
      handle: null,
      profileUri: null,
      broadcaster: false,
      registeredAt: null,
      updatedAt: null,
      followerCount: 0,
      followingCount: 0,
      blockNumber: e.blockNumber,
    }
  );
}

export const handlers: HandlerMap = {
  'Profiles:ProfileRegistered': async (e, ctx) => {
    const p = await profileOf(ctx, str(e.args, 'account'), e);
    p.registered = true;
    p.handle = str(e.args, 'handle');
    p.profileUri = str(e.args, 'profileURI');
    p.broadcaster = false;
    p.registeredAt = e.timestamp;
    p.updatedAt = e.timestamp;
    p.blockNumber = e.blockNumber;
    ctx.store.put(profiles, p);
  },

  'Profiles:ProfileUpdated': async (e, ctx) => {
    const p = await profileOf(ctx, str(e.args, 'account'), e);
    p.profileUri = str(e.args, 'profileURI');
    p.updatedAt = e.timestamp;
    p.blockNumber = e.blockNumber;
    ctx.store.put(profiles, p);
  },

  'Profiles:BroadcasterStatusChanged': async (e, ctx) => {
    const p = await profileOf(ctx, str(e.args, 'account'), e);
    p.broadcaster = bool(e.args, 'enabled');
    p.updatedAt = e.timestamp;
    p.blockNumber = e.blockNumber;
    ctx.store.put(profiles, p);
  },

  'Profiles:Followed': async (e, ctx) => {
    const follower = str(e.args, 'follower');
    const target = str(e.args, 'target');
    // Follows are a set: a repeated Followed changes nothing.
    if (await ctx.store.get(follows, follower, target)) return;
    ctx.store.put(follows, { follower, target, since: e.timestamp, blockNumber: e.blockNumber });
    const f = await profileOf(ctx, follower, e);
    f.followingCount += 1;
    f.blockNumber = e.blockNumber;
    ctx.store.put(profiles, f);
    const t = await profileOf(ctx, target, e);
    t.followerCount += 1;
    t.blockNumber = e.blockNumber;
    ctx.store.put(profiles, t);
  },

  'Profiles:Unfollowed': async (e, ctx) => {
    const follower = str(e.args, 'follower');
    const target = str(e.args, 'target');
    if (!(await ctx.store.get(follows, follower, target))) return;
    ctx.store.remove(follows, follower, target);
    const f = await profileOf(ctx, follower, e);
    f.followingCount -= 1;
    f.blockNumber = e.blockNumber;
    ctx.store.put(profiles, f);
    const t = await profileOf(ctx, target, e);
    t.followerCount -= 1;
    t.blockNumber = e.blockNumber;
    ctx.store.put(profiles, t);
  },
};
