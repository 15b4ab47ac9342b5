import fc from 'fast-check';
import { ComputeError } from '../compute.errors';
import { allocateUdpPort } from './udp-port-pool';

describe('allocateUdpPort', () => {
  const pool = { start: 30000, end: 30004 };

  it('takes the lowest free port', () => {
    expect(allocateUdpPort(pool, [])).toBe(30000);
    expect(allocateUdpPort(pool, [30000, 30001, 30003])).toBe(30002);
    expect(allocateUdpPort(pool, new Set([30001, 30000]))).toBe(30002);
  });

  it('ignores ports outside the pool and duplicates', () => {
    expect(allocateUdpPort(pool, [29999, 30005, 30000, 30000, 80])).toBe(30001);
  });

  it('returns null when the pool is full', () => {
    expect(allocateUdpPort(pool, [30004, 30003, 30002, 30001, 30000])).toBeNull();
    expect(allocateUdpPort({ start: 40000, end: 40000 }, [40000])).toBeNull();
  });

  it('handles the widest pool', () => {
    expect(allocateUdpPort({ start: 1, end: 65535 }, [1, 2, 3])).toBe(4);
  });

  it.each([
    { start: 0, end: 10 },
    { start: 10, end: 65536 },
    { start: 200, end: 100 },
    { start: 1.5, end: 10 },
    { start: Number.NaN, end: 10 },
  ])('refuses the pool %p', (bad) => {
    expect(() => allocateUdpPort(bad, [])).toThrow(ComputeError);
    expect(() => allocateUdpPort(bad, [])).toThrow(expect.objectContaining({ code: 'udp_port.invalid_pool' }));
  });

  it('picks a free port in the pool with every lower one taken, or null only when all are taken', () => {
    const scenario = fc
      .record({ start: fc.integer({ min: 1, max: 65500 }), size: fc.integer({ min: 1, max: 30 }) })
      .chain(({ start, size }) =>
        fc.tuple(
          fc.constant({ start, end: start + size - 1 }),
          fc.array(fc.integer({ min: start - 3, max: start + size + 3 }), { maxLength: 40 }),
        ),
      );
    fc.assert(
      fc.property(scenario, ([range, used]) => {
        const taken = new Set(used);
        const port = allocateUdpPort(range, used);
        const all = Array.from({ length: range.end - range.start + 1 }, (_, i) => range.start + i);
        if (port === null) {
          expect(all.every((p) => taken.has(p))).toBe(true);
        } else {
          expect(port).toBeGreaterThanOrEqual(range.start);
          expect(port).toBeLessThanOrEqual(range.end);
          expect(taken.has(port)).toBe(false);
          expect(all.filter((p) => p < port).every((p) => taken.has(p))).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
