/**
 * What a profile says about its owner besides the handle: a display name, a bio and an avatar
 * image, kept on chain as the profile's URI (Profiles.register / updateProfile), a
 * `data:application/json,` URI of at most 256 bytes (Profiles.MAX_URI_LENGTH). An empty profile
 * has an empty URI. Older profiles hold only `{"bio": ...}`, or any other URI (shown as the bio).
 */

/** Profiles.MAX_URI_LENGTH: the URI's bytes (UTF-8) on chain. */
export const PROFILE_URI_MAX_BYTES = 256;
const PREFIX = 'data:application/json,';

export interface ProfileMeta {
  name: string;
  bio: string;
  /** An https image URL, or '' for the generated avatar. */
  avatar: string;
}

/** The profile's name, bio and avatar from its on-chain URI (never throws). */
export function parseProfileUri(uri: string | null | undefined): ProfileMeta {
  const empty = { name: '', bio: '', avatar: '' };
  if (!uri) return empty;
  if (!uri.startsWith(PREFIX)) return { ...empty, bio: uri };
  let body = uri.slice(PREFIX.length);
  try {
    if (!body.trimStart().startsWith('{')) body = decodeURIComponent(body);
    const j = JSON.parse(body) as Record<string, unknown>;
    const text = (v: unknown, max: number) => (typeof v === 'string' ? v.trim().slice(0, max) : '');
    const avatar = text(j.avatar, 200);
    return { name: text(j.name, 40), bio: text(j.bio, 200), avatar: avatarProblem(avatar) ? '' : avatar };
  } catch {
    return { ...empty, bio: uri };
  }
}

/** The URI that stores `meta` ('' when every field is empty); fields are trimmed, empty ones left out. */
export function profileUri(meta: ProfileMeta): string {
  const out: Record<string, string> = {};
  for (const k of ['name', 'bio', 'avatar'] as const) if (meta[k].trim()) out[k] = meta[k].trim();
  return Object.keys(out).length ? PREFIX + JSON.stringify(out) : '';
}

/** The URI's size on chain (UTF-8 bytes). */
export const uriBytes = (uri: string): number => new TextEncoder().encode(uri).length;

/** Why an avatar URL cannot be used ('' is fine: the generated avatar), or null. */
export function avatarProblem(url: string): string | null {
  if (!url) return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'Enter a full image address starting with https://';
  }
  if (u.protocol !== 'https:') return 'Use an https:// image address.';
  if (u.username || u.password) return 'Leave the user name and password out of the address.';
  return null;
}

/**
 * A generated avatar for an address: a symmetric 5x5 pattern in a colour of its own, as an SVG
 * data URI, the same for the same address everywhere.
 */
export function generatedAvatar(address: string): string {
  // FNV-1a over the address: not a secret, just a spread of bits.
  let h = 0x811c9dc5;
  for (let i = 0; i < address.length; i++) h = Math.imul(h ^ address.charCodeAt(i), 0x01000193) >>> 0;
  const hue = h % 360;
  const bits = (h >>> 9) | (Math.imul(h, 0x9e3779b1) >>> 0);
  const cells: string[] = [];
  for (let y = 0; y < 5; y++)
    for (let x = 0; x < 3; x++)
      if ((bits >>> (y * 3 + x)) & 1)
        for (const cx of x === 2 ? [2] : [x, 4 - x])
          cells.push(`<rect x="${cx + 1}" y="${y + 1}" width="1" height="1"/>`);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 7 7">` +
    `<rect width="7" height="7" fill="hsl(${hue} 45% 18%)"/>` +
    `<g fill="hsl(${hue} 80% 65%)">${cells.join('')}</g></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}
