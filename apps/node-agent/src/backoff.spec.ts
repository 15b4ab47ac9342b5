import { Backoff, pause } from './backoff';

describe('Backoff', () => {
  it('doubles up to the cap, with jitter in the upper half', () => {
    const lowest = new Backoff(100, 1_000, () => 0);
    expect([lowest.next(), lowest.next(), lowest.next(), lowest.next(), lowest.next()]).toEqual([50, 100, 200, 400, 500]);
    const highest = new Backoff(100, 1_000, () => 0.999999);
    expect([highest.next(), highest.next(), highest.next(), highest.next(), highest.next()]).toEqual([100, 200, 400, 800, 1_000]);
  });

  it('starts over after a success', () => {
    const backoff = new Backoff(100, 1_000, () => 0);
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.next()).toBe(50);
  });
});

describe('pause', () => {
  it('ends early when aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const waiting = pause(10_000, controller.signal);
    controller.abort();
    await waiting;
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
