/**
 * SDP text work the embedded backend does itself: narrowing a browser's offer to the one codec
 * per kind we forward (so the browser sends exactly what viewers and ffmpeg will receive), and the
 * plain RTP session description ffmpeg reads the forwarded packets with.
 */

/** One payload type of an m-section. */
export interface SdpCodec {
  readonly payloadType: number;
  /** Encoding name as written in the rtpmap (`H264`, `VP8`, `opus`). */
  readonly name: string;
  readonly clockRate: number;
  readonly channels?: number;
  /** The fmtp parameters, or '' when there is none. */
  readonly fmtp: string;
}

export type MediaKind = 'audio' | 'video';

interface Section {
  readonly kind: string;
  lines: string[];
}

function splitSdp(sdp: string): { session: string[]; sections: Section[] } {
  const lines = sdp.split(/\r?\n/).filter((l) => l.length > 0);
  const session: string[] = [];
  const sections: Section[] = [];
  for (const line of lines) {
    if (line.startsWith('m=')) sections.push({ kind: line.slice(2).split(' ')[0] ?? '', lines: [line] });
    else if (sections.length === 0) session.push(line);
    else sections[sections.length - 1]!.lines.push(line);
  }
  return { session, sections };
}

function joinSdp(session: string[], sections: Section[]): string {
  return `${[...session, ...sections.flatMap((s) => s.lines)].join('\r\n')}\r\n`;
}

function codecsOf(section: Section): SdpCodec[] {
  const fmtp = new Map<number, string>();
  for (const line of section.lines) {
    const m = /^a=fmtp:(\d+) (.*)$/.exec(line);
    if (m) fmtp.set(Number(m[1]), m[2]!);
  }
  const codecs: SdpCodec[] = [];
  for (const line of section.lines) {
    const m = /^a=rtpmap:(\d+) ([^/]+)\/(\d+)(?:\/(\d+))?$/.exec(line);
    if (!m) continue;
    const payloadType = Number(m[1]);
    codecs.push({
      payloadType,
      name: m[2]!,
      clockRate: Number(m[3]),
      ...(m[4] ? { channels: Number(m[4]) } : {}),
      fmtp: fmtp.get(payloadType) ?? '',
    });
  }
  // rtpmap order is not preference order: the m-line's payload list is.
  const order = (section.lines[0] ?? '').split(' ').slice(3).map(Number);
  return codecs.sort((a, b) => order.indexOf(a.payloadType) - order.indexOf(b.payloadType));
}

/** Keeps only `payloadType` in the section: m-line, rtpmap, fmtp and rtcp-fb lines of others go. */
function restrict(section: Section, payloadType: number): void {
  const [m, port, proto] = (section.lines[0] ?? '').split(' ');
  section.lines = [
    `${m} ${port} ${proto} ${payloadType}`,
    ...section.lines.slice(1).filter((line) => {
      const p = /^a=(?:rtpmap|fmtp|rtcp-fb):(\d+|\*) /.exec(line);
      return !p || p[1] === '*' || Number(p[1]) === payloadType;
    }),
  ];
}

/** fmtp `k=v;k=v` parameters, keys and values lowercased. */
export function fmtpParams(fmtp: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of fmtp.split(';')) {
    const [k, v] = part.trim().split('=');
    if (k) params.set(k.toLowerCase(), (v ?? '').toLowerCase());
  }
  return params;
}

const isH264 = (c: SdpCodec): boolean => c.name.toLowerCase() === 'h264';
const isVp8 = (c: SdpCodec): boolean => c.name.toLowerCase() === 'vp8';
const packetizationMode1 = (c: SdpCodec): boolean => fmtpParams(c.fmtp).get('packetization-mode') === '1';
const profileOf = (c: SdpCodec): string => fmtpParams(c.fmtp).get('profile-level-id') ?? '';

/**
 * The video codec we take from a broadcaster: H264 (packetization-mode 1, constrained baseline
 * 42e01f first, then any baseline, then any profile), else VP8. Null when neither is offered.
 */
export function pickIngestVideo(codecs: readonly SdpCodec[]): SdpCodec | null {
  const h264 = codecs.filter((c) => isH264(c) && packetizationMode1(c));
  return (
    h264.find((c) => profileOf(c) === '42e01f') ??
    h264.find((c) => profileOf(c).startsWith('42')) ??
    h264[0] ??
    codecs.find(isVp8) ??
    null
  );
}

/** The viewer's payload type for the codec the broadcaster sends, or null if it cannot decode it. */
export function pickViewerVideo(codecs: readonly SdpCodec[], ingest: SdpCodec): SdpCodec | null {
  if (isVp8(ingest)) return codecs.find(isVp8) ?? null;
  const h264 = codecs.filter((c) => isH264(c) && packetizationMode1(c));
  return (
    h264.find((c) => profileOf(c) === profileOf(ingest)) ??
    h264.find((c) => profileOf(c).startsWith('42')) ??
    h264[0] ??
    null
  );
}

/** The Opus payload type of an audio section, or null. */
export function pickOpus(codecs: readonly SdpCodec[]): SdpCodec | null {
  return codecs.find((c) => c.name.toLowerCase() === 'opus') ?? null;
}

export interface NarrowedOffer {
  readonly sdp: string;
  /** The codec kept for each kind present in the offer (the first section of that kind). */
  readonly chosen: Partial<Record<MediaKind, SdpCodec>>;
}

/**
 * Narrows every audio/video section of `offer` to the codec `pick` chooses. Throws
 * UnsupportedCodecError when a section has no acceptable codec.
 */
export function narrowOffer(
  offer: string,
  pick: (kind: MediaKind, codecs: readonly SdpCodec[]) => SdpCodec | null,
): NarrowedOffer {
  const { session, sections } = splitSdp(offer);
  const chosen: Partial<Record<MediaKind, SdpCodec>> = {};
  for (const section of sections) {
    if (section.kind !== 'audio' && section.kind !== 'video') continue;
    if ((section.lines[0] ?? '').split(' ')[1] === '0') continue; // rejected or stopped section
    const codecs = codecsOf(section);
    const codec = pick(section.kind, codecs);
    if (!codec)
      throw new UnsupportedCodecError(
        section.kind,
        codecs.map((c) => c.name),
      );
    restrict(section, codec.payloadType);
    chosen[section.kind] ??= codec;
  }
  return { sdp: joinSdp(session, sections), chosen };
}

/** Removes the `a=rtcp-fb:<pt> <type>` lines of the given feedback types from every section. */
export function withoutRtcpFeedback(sdp: string, types: readonly string[]): string {
  const { session, sections } = splitSdp(sdp);
  for (const section of sections) {
    section.lines = section.lines.filter((line) => {
      const m = /^a=rtcp-fb:(?:\d+|\*) (.+)$/.exec(line);
      return !m || !types.includes(m[1]!.trim());
    });
  }
  return joinSdp(session, sections);
}

/**
 * Adds `a=rtcp-fb:<pt> <type>` for every payload type of the audio and video sections that
 * negotiate the header extension `uri` (and do not already carry that feedback).
 */
export function withRtcpFeedback(sdp: string, type: string, uri: string): string {
  const { session, sections } = splitSdp(sdp);
  for (const section of sections) {
    if (section.kind !== 'audio' && section.kind !== 'video') continue;
    if (!section.lines.some((l) => /^a=extmap:\d+(?:\/\w+)? (\S+)/.exec(l)?.[1] === uri)) continue;
    const lines: string[] = [];
    for (const line of section.lines) {
      lines.push(line);
      const pt = /^a=rtpmap:(\d+) /.exec(line)?.[1];
      if (pt && !section.lines.includes(`a=rtcp-fb:${pt} ${type}`)) lines.push(`a=rtcp-fb:${pt} ${type}`);
    }
    section.lines = lines;
  }
  return joinSdp(session, sections);
}

/** Appends `extra` (`k=v;k=v`) to the fmtp line of every payload type of the `kind` sections. */
export function withFmtp(sdp: string, kind: MediaKind, extra: string): string {
  const { session, sections } = splitSdp(sdp);
  for (const section of sections) {
    if (section.kind !== kind) continue;
    for (const { payloadType } of codecsOf(section)) {
      const i = section.lines.findIndex((l) => l.startsWith(`a=fmtp:${payloadType} `));
      if (i >= 0) section.lines[i] = `${section.lines[i]};${extra}`;
      else
        section.lines.splice(
          section.lines.findIndex((l) => l.startsWith(`a=rtpmap:${payloadType} `)) + 1,
          0,
          `a=fmtp:${payloadType} ${extra}`,
        );
    }
  }
  return joinSdp(session, sections);
}

/**
 * Why `sdp` cannot be a browser's WebRTC offer, or null when it could: it needs an audio or video
 * section in use, ICE credentials and a DTLS fingerprint. Anything less would hold a peer
 * connection (and a viewer slot) that can never connect.
 */
export function offerProblem(sdp: string): string | null {
  const { session, sections } = splitSdp(sdp);
  const media = sections.filter(
    (s) => (s.kind === 'audio' || s.kind === 'video') && (s.lines[0] ?? '').split(' ')[1] !== '0',
  );
  if (media.length === 0) return 'no audio or video section';
  const has = (prefix: string): boolean =>
    session.some((l) => l.startsWith(prefix)) || media.every((s) => s.lines.some((l) => l.startsWith(prefix)));
  if (!has('a=ice-ufrag:') || !has('a=ice-pwd:')) return 'no ICE credentials';
  if (!has('a=fingerprint:')) return 'no DTLS fingerprint';
  return null;
}

/** The offer carries no codec we can forward for one of its media kinds. */
export class UnsupportedCodecError extends Error {
  constructor(
    readonly kind: MediaKind,
    readonly offered: readonly string[],
  ) {
    super(`no supported ${kind} codec offered (offered: ${[...new Set(offered)].join(', ') || 'none'})`);
    this.name = 'UnsupportedCodecError';
  }
}

/** The kinds of the sections of `sdp`, in order (audio/video only). */
export function mediaKinds(sdp: string): MediaKind[] {
  return splitSdp(sdp)
    .sections.map((s) => s.kind)
    .filter((k): k is MediaKind => k === 'audio' || k === 'video');
}

export interface RtpInput {
  readonly codec: SdpCodec;
  /** Loopback UDP port the RTP goes to; RTCP goes to port + 1. */
  readonly port: number;
}

/** A plain RTP/AVP session description for ffmpeg's `-i stream.sdp` (loopback, no crypto). */
export function ffmpegSdp(inputs: Partial<Record<MediaKind, RtpInput>>): string {
  const lines = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=blive', 'c=IN IP4 127.0.0.1', 't=0 0'];
  for (const kind of ['video', 'audio'] as const) {
    const input = inputs[kind];
    if (!input) continue;
    const { codec, port } = input;
    lines.push(`m=${kind} ${port} RTP/AVP ${codec.payloadType}`);
    lines.push(
      `a=rtpmap:${codec.payloadType} ${codec.name}/${codec.clockRate}${codec.channels ? `/${codec.channels}` : ''}`,
    );
    if (codec.fmtp) lines.push(`a=fmtp:${codec.payloadType} ${codec.fmtp}`);
    lines.push('a=recvonly');
  }
  return `${lines.join('\n')}\n`;
}
