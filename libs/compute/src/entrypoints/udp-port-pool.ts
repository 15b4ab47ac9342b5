import { ComputeError } from '../compute.errors';

/** A zone's public UDP port pool, both ends included. */
export interface PortRange {
  start: number;
  end: number;
}

export function assertValidPortRange(pool: PortRange): void {
  const valid =
    Number.isInteger(pool.start) &&
    Number.isInteger(pool.end) &&
    pool.start >= 1 &&
    pool.end <= 65535 &&
    pool.start <= pool.end;
  if (!valid) {
    throw new ComputeError(
      'udp_port.invalid_pool',
      `UDP port pool ${pool.start}-${pool.end} must be integers with 1 <= start <= end <= 65535.`,
    );
  }
}

/**
 * The lowest port of `pool` not in `used`, or null when the pool is full.
 * Lowest-first keeps allocations compact and predictable; two allocators
 * racing for the same port is settled by the database's unique constraint
 * (the loser retries with a fresh `used`), not here. `used` may be in any
 * order and may hold ports outside the pool.
 */
export function allocateUdpPort(pool: PortRange, used: Iterable<number>): number | null {
  assertValidPortRange(pool);
  const taken = new Uint8Array(pool.end - pool.start + 1);
  for (const port of used) {
    if (Number.isInteger(port) && port >= pool.start && port <= pool.end) taken[port - pool.start] = 1;
  }
  const free = taken.indexOf(0);
  return free === -1 ? null : pool.start + free;
}
