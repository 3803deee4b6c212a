// Pub/sub between quiver processes over one subscriber connection per process.
// Messages are hints, not a log: a subscriber that reconnects may have missed some, so every
// handler also gets `resync` (drop caches, re-check pending work) after a reconnect.
import type { Redis } from 'ioredis';

type Handler = (message: string) => void;

export class EventBus {
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly resyncHandlers = new Set<() => void>();
  private connectedOnce = false;

  constructor(private readonly subscriber: Redis) {
    subscriber.on('message', (channel: string, message: string) => {
      for (const handler of this.handlers.get(channel) ?? []) handler(message);
    });
    subscriber.on('ready', () => {
      if (this.connectedOnce) for (const handler of this.resyncHandlers) handler();
      this.connectedOnce = true;
    });
  }

  async subscribe(channel: string, handler: Handler): Promise<void> {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      await this.subscriber.subscribe(channel);
    }
    set.add(handler);
  }

  onResync(handler: () => void): void {
    this.resyncHandlers.add(handler);
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
  }
}
