/**
 * Picks the media backend from the environment: Livepeer Studio when LIVEPEER_API_KEY is set,
 * the embedded WHIP/WHEP/HLS server otherwise.
 */
import type { MediaBackend } from './backend.js';
import { type EmbeddedBackendOptions, type MediaLogger, createEmbeddedBackend } from './embedded/backend.js';
import { clientAddress, parseTrustProxy } from '../../../lib/http/clientAddress.js';
import { createLivepeerBackend } from './livepeer.js';

export interface MediaBackendOptions {
  /** Absolute URL this service is reachable at from browsers (embedded backend's URLs). */
  readonly publicBaseUrl: string;
  readonly log?: MediaLogger;
  /** Extra embedded settings (ICE, ladder) the environment does not cover. */
  readonly embedded?: Partial<EmbeddedBackendOptions>;
}

/**
 * Creates the media backend. Livepeer: LIVEPEER_API_KEY, LIVEPEER_WEBHOOK_SECRET (required with
 * it), LIVEPEER_API_URL, LIVEPEER_INGEST_URL. Embedded: MEDIA_WORK_DIR, FFMPEG_PATH,
 * MEDIA_IDLE_TIMEOUT_MS, MEDIA_INGEST_START_KBPS, MEDIA_OFFERS_PER_MIN, MEDIA_MAX_VIEWERS (per stream),
 * MEDIA_WHEP_CAPACITY (WHEP viewers of the process; beyond either, viewers are sent to HLS),
 * MEDIA_VIEWERS_PER_IP, MEDIA_VIEWER_CONNECT_TIMEOUT_MS, TRUST_PROXY (which peers' X-Forwarded-For names
 * the client, for the per-IP limits), MEDIA_HLS=0 (WebRTC only, no ffmpeg), MEDIA_ICE_HOSTS (comma-separated
 * extra host candidates, e.g. a public IP), MEDIA_RECORDING_RETENTION_DAYS (recordings and clips older
 * are deleted; 0 keeps them; default 30), MEDIA_RECORDINGS_DIR (default <work dir>/archive),
 * MEDIA_HLS_SEGMENT_SECONDS (the HLS ladder's segment length; default 1).
 */
export function createMediaBackend(env: NodeJS.ProcessEnv, opts: MediaBackendOptions): MediaBackend {
  if (env.LIVEPEER_API_KEY) {
    return createLivepeerBackend({
      apiKey: env.LIVEPEER_API_KEY,
      webhookSecret: env.LIVEPEER_WEBHOOK_SECRET ?? '',
      ...(env.LIVEPEER_API_URL ? { serverURL: env.LIVEPEER_API_URL } : {}),
      ...(env.LIVEPEER_INGEST_URL ? { ingestBaseUrl: env.LIVEPEER_INGEST_URL } : {}),
      ...(opts.log ? { log: opts.log } : {}),
    });
  }
  const idle = intEnv(env, 'MEDIA_IDLE_TIMEOUT_MS', 1);
  const startKbps = intEnv(env, 'MEDIA_INGEST_START_KBPS', 0);
  const offers = intEnv(env, 'MEDIA_OFFERS_PER_MIN', 1);
  const maxViewers = intEnv(env, 'MEDIA_MAX_VIEWERS', 1);
  const whepCapacity = intEnv(env, 'MEDIA_WHEP_CAPACITY', 0);
  const connectMs = intEnv(env, 'MEDIA_VIEWER_CONNECT_TIMEOUT_MS', 1);
  const perIp = intEnv(env, 'MEDIA_VIEWERS_PER_IP', 1);
  const retentionDays = intEnv(env, 'MEDIA_RECORDING_RETENTION_DAYS', 0);
  const segmentSeconds = intEnv(env, 'MEDIA_HLS_SEGMENT_SECONDS', 1);
  const trust = parseTrustProxy(env.TRUST_PROXY);
  const hosts = env.MEDIA_ICE_HOSTS?.split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  return createEmbeddedBackend({
    publicBaseUrl: opts.publicBaseUrl,
    ...(env.MEDIA_WORK_DIR ? { workDir: env.MEDIA_WORK_DIR } : {}),
    ...(env.FFMPEG_PATH ? { ffmpegPath: env.FFMPEG_PATH } : {}),
    ...(idle ? { idleTimeoutMs: idle } : {}),
    ...(startKbps !== undefined ? { ingestStartKbps: startKbps } : {}),
    ...(offers ? { offersPerMinute: offers } : {}),
    ...(maxViewers ? { maxViewersPerStream: maxViewers } : {}),
    ...(whepCapacity !== undefined ? { whepCapacity } : {}),
    ...(connectMs ? { viewerConnectTimeoutMs: connectMs } : {}),
    ...(perIp ? { maxViewersPerIp: perIp } : {}),
    ...(retentionDays !== undefined ? { recordingRetentionMs: retentionDays * 24 * 3600 * 1000 } : {}),
    ...(env.MEDIA_RECORDINGS_DIR ? { recordingsDir: env.MEDIA_RECORDINGS_DIR } : {}),
    clientIp: (req) => clientAddress(req, trust),
    ...(env.MEDIA_HLS === '0' ? { hls: false } : {}),
    ...(segmentSeconds ? { ladder: { segmentSeconds } } : {}),
    ...(hosts?.length ? { ice: { additionalHostAddresses: hosts } } : {}),
    ...(opts.log ? { log: opts.log } : {}),
    ...opts.embedded,
  });
}

/** An integer setting of at least `min`, or undefined when unset; a bad value stops start-up. */
function intEnv(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer of at least ${min}: ${raw}`);
  return value;
}
