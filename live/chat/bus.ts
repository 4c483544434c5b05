/**
 * The fan-out seam of the hub: frames for a topic (a room such as `stream:1`, or `user:<address>`
 * for every connection of an account) are published to the bus, and each hub delivers them to
 * its own sockets subscribed to the topic. With one process the in-process bus below is all
 * there is; several chat processes share a bus that crosses processes (Redis pub/sub, say), each
 * subscribing to the topics its sockets are in, so a message said on one reaches the room's
 * viewers on all.
 */
import type { ServerFrame } from '../../lib/protocol/server.js';

/** Called with each frame published to a topic it subscribed to. */
export type BusListener = (frame: ServerFrame) => void;

export interface Bus {
  /**
   * Sends a frame to every subscriber of the topic (none: dropped). The in-process bus delivers
   * before returning; a networked one delivers later, in publication order per topic. It returns
   * nothing either way, so callers never wait on delivery.
   */
  publish(topic: string, frame: ServerFrame): void;
  /** Listens to a topic until the returned function is called. */
  subscribe(topic: string, listener: BusListener): () => void;
}

/** The bus of one process: synchronous delivery, in subscription order. */
export function createLocalBus(): Bus {
  const topics = new Map<string, Set<BusListener>>();
  return {
    publish(topic, frame) {
      for (const l of topics.get(topic) ?? []) l(frame);
    },
    subscribe(topic, listener) {
      let set = topics.get(topic);
      if (!set) topics.set(topic, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0 && topics.get(topic) === set) topics.delete(topic);
      };
    },
  };
}
