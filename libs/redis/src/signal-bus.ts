import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RedisService } from './redis.service';

/**
 * Wakes long-polls across processes: an API replica waiting for "work for
 * node X" or "VM Y changed" sleeps until any process signals that key on
 * Redis pub/sub, instead of polling PostgreSQL. Signals carry no data and
 * may be lost (Redis away, a replica restarting); waiters therefore always
 * re-read PostgreSQL when they wake, and give up at their own deadline, so a
 * lost signal only delays an answer until the waiter's timeout.
 */
@Injectable()
export class SignalBus implements OnModuleDestroy {
  private readonly logger = new Logger(SignalBus.name);
  private readonly waiters = new Map<string, Set<() => void>>();
  private subscriber: Redis | undefined;
  private subscribing: Promise<void> | undefined;
  private readonly channel: string;

  constructor(private readonly redis: RedisService) {
    // Channels are not prefixed by ioredis' keyPrefix; prefix them here so stacks sharing a Redis stay apart.
    this.channel = `${redis.prefix}:signals`;
  }

  /** Wakes every waiter of `key`, in every process. Never throws: a lost signal only delays a waiter. */
  async signal(key: string): Promise<void> {
    try {
      await this.redis.client.publish(this.channel, key);
    } catch (error) {
      this.logger.warn(`could not publish signal ${key}: ${(error as Error).message}`);
    }
  }

  /** Wakes the waiters of `key` in this process only (the signal came from elsewhere, e.g. a PostgreSQL NOTIFY). */
  wakeLocal(key: string): void {
    for (const notify of [...(this.waiters.get(key) ?? [])]) notify();
  }

  /** Wakes every waiter in this process (notifications may have been missed). */
  wakeAllLocal(): void {
    for (const set of this.waiters.values()) for (const notify of [...set]) notify();
  }

  async signalMany(keys: Iterable<string>): Promise<void> {
    await Promise.all([...new Set(keys)].map((key) => this.signal(key)));
  }

  /**
   * Starts listening for `key` now. Listen first, then check the condition
   * in PostgreSQL, then `wait`: a signal sent between the check and the wait
   * is remembered, so no wake-up falls into the gap. Always `close()` it.
   */
  async listen(key: string): Promise<SignalListener> {
    await this.ensureSubscribed();
    const listener = new SignalListener(() => {
      const set = this.waiters.get(key);
      set?.delete(notify);
      if (set?.size === 0) this.waiters.delete(key);
    });
    const notify = () => listener.notify();
    let set = this.waiters.get(key);
    if (!set) this.waiters.set(key, (set = new Set()));
    set.add(notify);
    return listener;
  }

  async onModuleDestroy(): Promise<void> {
    for (const set of this.waiters.values()) for (const notify of set) notify();
    this.waiters.clear();
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }

  private ensureSubscribed(): Promise<void> {
    if (!this.subscribing) {
      const subscriber = this.redis.duplicate();
      this.subscriber = subscriber;
      subscriber.on('message', (_channel: string, key: string) => {
        for (const notify of [...(this.waiters.get(key) ?? [])]) notify();
      });
      this.subscribing = subscriber.subscribe(this.channel).then(
        () => undefined,
        (error: Error) => {
          // Waiters still time out and re-read; try subscribing again on the next wait.
          this.logger.warn(`could not subscribe to signals: ${error.message}`);
          this.subscribing = undefined;
          subscriber.disconnect();
        },
      );
    }
    return this.subscribing;
  }
}

/** One subscription to a key: remembers a signal until the next `wait` consumes it. */
export class SignalListener {
  private signalled = false;
  private resolveWait: ((signalled: boolean) => void) | undefined;

  constructor(private readonly onClose: () => void) {}

  notify(): void {
    if (this.resolveWait) this.resolveWait(true);
    else this.signalled = true;
  }

  /** True as soon as a signal arrived since listening (or since the last wait), false at the deadline or on abort. */
  wait(timeoutMs: number, abort?: AbortSignal): Promise<boolean> {
    if (this.signalled) {
      this.signalled = false;
      return Promise.resolve(true);
    }
    if (abort?.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const finish = (signalled: boolean) => {
        clearTimeout(timer);
        abort?.removeEventListener('abort', onAbort);
        this.resolveWait = undefined;
        resolve(signalled);
      };
      const onAbort = () => finish(false);
      const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
      abort?.addEventListener('abort', onAbort, { once: true });
      this.resolveWait = finish;
    });
  }

  close(): void {
    this.resolveWait?.(false);
    this.onClose();
  }
}
