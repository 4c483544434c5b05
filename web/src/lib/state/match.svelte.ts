/**
 * 1-to-1 video matching over the live socket: match.join -> match.found (the initiator offers) ->
 * SDP and ICE candidates relayed as match.signal -> a direct RTCPeerConnection.
 */
import type { MatchPeer } from '../../../../lib/protocol/payloads.js';
import type { ServerFrameOf } from '../../../../lib/protocol/server.js';
import { SentFrames, socket } from '../api/socket.js';

export type Peer = MatchPeer;

export class MatchSession {
  #phase = $state<'idle' | 'waiting' | 'connecting' | 'connected' | 'ended'>('idle');
  #peer = $state<Peer | null>(null);
  #waiting = $state(0);
  #reason = $state<string | null>(null);
  #error = $state<string | null>(null);
  #remote = $state<MediaStream | null>(null);
  #local = $state<MediaStream | null>(null);
  #pc: RTCPeerConnection | null = null;
  #pendingCandidates: RTCIceCandidateInit[] = [];
  #offs: (() => void)[] = [];
  #frames = new SentFrames();

  constructor() {
    this.#offs.push(
      socket.on('match.waiting', (m) => {
        this.#phase = 'waiting';
        this.#waiting = Number(m.waiting ?? 0);
      }),
      socket.on('match.found', (m) => void this.#found(m)),
      socket.on('match.signal', (m) => void this.#signal(m.data as Record<string, unknown>)),
      socket.on('match.ended', (m) => {
        this.#reason = String(m.reason ?? 'ended');
        this.#close();
        this.#phase = 'ended';
      }),
      socket.on('error', (m) => {
        if (this.#frames.answers(m)) this.#error = String(m.message);
      }),
    );
  }

  get phase() {
    return this.#phase;
  }
  get peer() {
    return this.#peer;
  }
  get waiting() {
    return this.#waiting;
  }
  get reason() {
    return this.#reason;
  }
  get error() {
    return this.#error;
  }
  get remote() {
    return this.#remote;
  }
  get local() {
    return this.#local;
  }

  async #media(): Promise<MediaStream> {
    this.#local ??= await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    return this.#local;
  }

  /** Joins the queue (asks for the camera first so a match can start at once). */
  async join(prefs: { language?: string; interests?: string[] }): Promise<void> {
    this.#error = null;
    this.#reason = null;
    try {
      await this.#media();
    } catch (e) {
      this.#error = `Camera or microphone unavailable: ${(e as Error).message}`;
      return;
    }
    this.#phase = 'waiting';
    this.#frames.send({ type: 'match.join', prefs });
  }

  next(prefs: { language?: string; interests?: string[] }): void {
    this.#close();
    this.#phase = 'waiting';
    this.#frames.send({ type: 'match.next', prefs });
  }
  leave(): void {
    this.#frames.send({ type: 'match.leave' });
    this.#close();
    this.#phase = 'idle';
  }
  block(): void {
    this.#frames.send({ type: 'match.block' });
  }
  report(reason: string): void {
    this.#frames.send({ type: 'match.report', reason });
  }

  async #found(m: ServerFrameOf<'match.found'>) {
    this.#close();
    this.#peer = m.peer;
    this.#phase = 'connecting';
    const pc = new RTCPeerConnection({ iceServers: (m.iceServers as RTCIceServer[]) ?? [] });
    this.#pc = pc;
    pc.onicecandidate = (e) => {
      if (e.candidate) this.#frames.send({ type: 'match.signal', data: { candidate: e.candidate.toJSON() } });
    };
    pc.ontrack = (e) => {
      this.#remote = e.streams[0] ?? new MediaStream([e.track]);
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'connected') this.#phase = 'connected';
      if (pc.connectionState === 'failed') this.#error = 'The connection to your match failed.';
    };
    const local = await this.#media();
    for (const t of local.getTracks()) pc.addTrack(t, local);
    if (m.initiator) {
      await pc.setLocalDescription(await pc.createOffer());
      this.#frames.send({ type: 'match.signal', data: { description: pc.localDescription?.toJSON() } });
    }
  }

  async #signal(data: Record<string, unknown>) {
    const pc = this.#pc;
    if (!pc || !data) return;
    try {
      if (data.description) {
        const d = data.description as RTCSessionDescriptionInit;
        await pc.setRemoteDescription(d);
        for (const c of this.#pendingCandidates.splice(0)) await pc.addIceCandidate(c);
        if (d.type === 'offer') {
          await pc.setLocalDescription(await pc.createAnswer());
          this.#frames.send({ type: 'match.signal', data: { description: pc.localDescription?.toJSON() } });
        }
      } else if (data.candidate) {
        const c = data.candidate as RTCIceCandidateInit;
        if (pc.remoteDescription) await pc.addIceCandidate(c);
        else this.#pendingCandidates.push(c);
      }
    } catch (e) {
      this.#error = (e as Error).message;
    }
  }

  #close() {
    this.#pc?.close();
    this.#pc = null;
    this.#pendingCandidates = [];
    this.#remote = null;
    this.#peer = null;
  }

  /** Leaves and releases the camera. */
  dispose(): void {
    if (this.#phase !== 'idle') this.#frames.send({ type: 'match.leave' });
    this.#close();
    for (const t of this.#local?.getTracks() ?? []) t.stop();
    this.#local = null;
    for (const o of this.#offs) o();
  }
}
