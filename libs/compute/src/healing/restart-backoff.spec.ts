import fc from 'fast-check';
import { decideRestart, failureCountAfterFailure, restartDelayMs } from './restart-backoff';

const policy = { initialSeconds: 2, maxSeconds: 300, resetAfterSeconds: 600, crashLoopThreshold: 5 };

describe('restart back-off', () => {
  it('doubles from the initial delay up to the cap', () => {
    expect([1, 2, 3, 4, 5, 9, 10].map((failures) => restartDelayMs(failures, policy))).toEqual([2_000, 4_000, 8_000, 16_000, 32_000, 300_000, 300_000]);
  });

  it('never shrinks as failures pile up, and never exceeds the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), (failures) => {
        const delay = restartDelayMs(failures, policy);
        expect(delay).toBeLessThanOrEqual(policy.maxSeconds * 1000);
        expect(restartDelayMs(failures + 1, policy)).toBeGreaterThanOrEqual(delay);
      }),
    );
  });

  it('counts failures in a row, and afresh after a long enough run', () => {
    const now = 1_000_000_000;
    expect(failureCountAfterFailure(2, null, now, policy)).toBe(3);
    expect(failureCountAfterFailure(2, now - 5_000, now, policy)).toBe(3);
    expect(failureCountAfterFailure(4, now - 600_000, now, policy)).toBe(1);
  });

  it('gives up at the crash-loop threshold', () => {
    expect(decideRestart(4, policy)).toEqual({ kind: 'restart', delayMs: 16_000 });
    expect(decideRestart(5, policy)).toEqual({ kind: 'crash-loop' });
  });
});
