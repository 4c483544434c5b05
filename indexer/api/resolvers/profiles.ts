/** Profiles and follows: rows of queries/profiles.ts mapped to Profile and Follow. */
import type { ApiContext } from '../context.js';
import { apiError } from '../context.js';
import type { Resolvers } from '../generated/types.js';
import type { FollowNode, ProfileNode } from '../nodes.js';
import { fin, page, pageSize, type Page, type PageArgs } from '../pagination.js';
import {
  followExists,
  followOther,
  followsPage,
  profileByAddress,
  profileByHandle,
  profilesByHandlePrefix,
  type FollowDirection,
  type ProfileRow,
} from '../queries/profiles.js';

export function profileOf(r: ProfileRow, final: number): ProfileNode {
  return {
    address: r.address,
    registered: r.registered === 1,
    handle: r.handle,
    profileUri: r.profile_uri,
    broadcaster: r.broadcaster === 1,
    registeredAt: r.registered_at,
    updatedAt: r.updated_at,
    followerCount: r.follower_count,
    followingCount: r.following_count,
    blockNumber: r.block_number,
    finality: fin(r.block_number, final),
  };
}

async function followPage(
  ctx: ApiContext,
  address: string,
  dir: FollowDirection,
  args: PageArgs,
): Promise<Page<FollowNode>> {
  const n = pageSize(args.first);
  const other = followOther(dir);
  const rows = await followsPage(ctx.db, address, dir, n, args.after);
  const final = await ctx.final();
  return page(
    rows,
    n,
    (r) => ({
      follower: r.follower,
      target: r.target,
      since: r.since,
      blockNumber: r.block_number,
      finality: fin(r.block_number, final),
      profileAddress: r[other],
    }),
    (r) => r[other],
  );
}

/** The profile a follow points at; an address never registered gets an empty one. */
async function followProfile(f: FollowNode, ctx: ApiContext): Promise<ProfileNode> {
  const r = await profileByAddress(ctx.db, f.profileAddress);
  if (r) return profileOf(r, await ctx.final());
  return {
    address: f.profileAddress,
    registered: false,
    handle: null,
    profileUri: null,
    broadcaster: false,
    registeredAt: null,
    updatedAt: null,
    followerCount: 0,
    followingCount: 0,
    blockNumber: f.blockNumber,
    finality: f.finality,
  };
}

export const profileResolvers: Resolvers = {
  Profile: {
    followers: (p, args, ctx) => followPage(ctx, p.address, 'followers', args),
    following: (p, args, ctx) => followPage(ctx, p.address, 'following', args),
  },
  Follow: {
    profile: (f, _, ctx) => followProfile(f, ctx),
  },
  Query: {
    profile: async (_, args, ctx) => {
      if ((args.address ? 1 : 0) + (args.handle ? 1 : 0) !== 1)
        throw apiError('BAD_ARGUMENT', 'give exactly one of address and handle');
      const r = await (args.address ? profileByAddress(ctx.db, args.address) : profileByHandle(ctx.db, args.handle!));
      return r ? profileOf(r, await ctx.final()) : null;
    },
    profiles: async (_, args, ctx) => {
      const n = pageSize(args.first);
      const prefix = (args.search ?? '').toLowerCase().replace(/[^a-z0-9_]/g, '');
      const rows = await profilesByHandlePrefix(ctx.db, prefix, args.after ?? '', n);
      const final = await ctx.final();
      return page(
        rows,
        n,
        (r) => profileOf(r, final),
        (r) => r.handle!,
      );
    },
    followers: (_, args, ctx) => followPage(ctx, args.address, 'followers', args),
    following: (_, args, ctx) => followPage(ctx, args.address, 'following', args),
    follows: (_, args, ctx) => followExists(ctx.db, args.follower, args.followee),
  },
};
