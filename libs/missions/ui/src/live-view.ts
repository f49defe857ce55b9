import { useEffect, useRef } from 'preact/hooks';
import type { MissionEnvelope } from './event-feed.js';

export type FeedMessage = { kind: 'reset' } | { kind: 'event'; envelope: MissionEnvelope };

/** Hands the page's one event feed to every view that shows live data. */
export class FeedBus {
  /** True once the feed connected: views load then, so no event between load and subscribe is lost. */
  opened = false;
  private readonly listeners = new Set<(message: FeedMessage) => void>();

  emit(message: FeedMessage): void {
    if (message.kind === 'reset') this.opened = true;
    for (const listener of [...this.listeners]) listener(message);
  }

  subscribe(listener: (message: FeedMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** `isCurrent()` turns false once a newer load started or the view went away: drop the result then. */
export type Reload = (isCurrent: () => boolean) => Promise<void>;
/** `queued`: the event arrived while the view was loading, so the loaded state may already count it. */
export type Apply = (envelope: MissionEnvelope, queued: boolean) => void;

/**
 * Keeps a view in step with the feed: loads it when the feed (re)starts or `deps` change, and
 * applies events as they come. Events that arrive during a load wait for it, then are applied.
 */
export function useLiveView(bus: FeedBus, reload: Reload, apply: Apply, deps: unknown[]): void {
  const latest = useRef({ reload, apply });
  latest.current = { reload, apply };
  useEffect(() => {
    let generation = 0;
    let loading = false;
    let queue: MissionEnvelope[] = [];
    const load = async () => {
      const mine = ++generation;
      loading = true;
      queue = [];
      await latest.current.reload(() => mine === generation);
      if (mine !== generation) return;
      loading = false;
      for (const envelope of queue.splice(0)) latest.current.apply(envelope, true);
    };
    const unsubscribe = bus.subscribe((message) => {
      if (message.kind === 'reset') void load();
      else if (loading) queue.push(message.envelope);
      else latest.current.apply(message.envelope, false);
    });
    if (bus.opened) void load();
    return () => {
      generation++;
      unsubscribe();
    };
  }, [bus, ...deps]);
}
