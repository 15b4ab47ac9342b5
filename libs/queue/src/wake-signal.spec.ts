import { WakeSignal } from './wake-signal';

describe('WakeSignal', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  async function settled(promise: Promise<void>): Promise<boolean> {
    let done = false;
    void promise.then(() => (done = true));
    await jest.advanceTimersByTimeAsync(0);
    return done;
  }

  it('sleeps for the given time', async () => {
    const signal = new WakeSignal();
    const sleep = signal.sleep(1_000, { wakeable: true });
    await jest.advanceTimersByTimeAsync(999);
    expect(await settled(sleep)).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(await settled(sleep)).toBe(true);
  });

  it('wakes a wakeable sleep at once', async () => {
    const signal = new WakeSignal();
    const sleep = signal.sleep(60_000, { wakeable: true });
    signal.wake();
    expect(await settled(sleep)).toBe(true);
  });

  it('remembers a wake that came while nobody slept', async () => {
    const signal = new WakeSignal();
    signal.wake();
    expect(await settled(signal.sleep(60_000, { wakeable: true }))).toBe(true);
    expect(await settled(signal.sleep(60_000, { wakeable: true }))).toBe(false);
  });

  it('does not cut a backoff short, but shutdown does', async () => {
    const signal = new WakeSignal();
    const backoff = signal.sleep(60_000, { wakeable: false });
    signal.wake();
    expect(await settled(backoff)).toBe(false);
    signal.cancel();
    expect(await settled(backoff)).toBe(true);
    expect(await settled(signal.sleep(60_000, { wakeable: false }))).toBe(true);
  });
});
