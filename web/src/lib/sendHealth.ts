/** The studio's stream health: what the browser sends, and a verdict in plain words. */
/** What the browser's WebRTC stats say is being sent, every 2 s. */
export interface SendStats {
  bitrateKbps: number;
  fps: number | null;
  width: number | null;
  height: number | null;
}

/** A verdict on the stats for the broadcaster, in plain words (video: bitrate and frame rate). */
export function healthOf(s: SendStats | null, audioOnly: boolean): { level: 'good' | 'warn' | 'bad'; text: string } {
  if (!s) return { level: 'bad', text: 'Not connected: nothing is being sent.' };
  if (s.bitrateKbps === 0) return { level: 'bad', text: 'Nothing is being sent right now.' };
  if (audioOnly)
    return s.bitrateKbps < 16 ? { level: 'warn', text: 'Very low audio bitrate.' } : { level: 'good', text: 'Good.' };
  if (s.bitrateKbps < 500)
    return {
      level: 'warn',
      text: 'Low bitrate: viewers see a blurry picture. Check your upload speed, or close other uploads.',
    };
  if (s.fps !== null && s.fps < 20)
    return {
      level: 'warn',
      text: 'Low frame rate: the picture stutters. More light, or a lower camera resolution, helps.',
    };
  return { level: 'good', text: 'Good.' };
}
