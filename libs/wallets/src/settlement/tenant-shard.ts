import { Prisma } from '@statemesh/database';
import type { TenantShard } from './usage-source';

/** Buckets a tenant id hashes into; shards are sets of buckets, so any count up to this splits evenly enough. */
const TENANT_BUCKETS = 1024;

/** The shards a period is split into: `count` of them, covering every tenant exactly once. */
export function tenantShards(count: number): TenantShard[] {
  if (!Number.isInteger(count) || count < 1 || count > TENANT_BUCKETS) throw new RangeError(`a period is split into 1 to ${TENANT_BUCKETS} shards`);
  return Array.from({ length: count }, (_, index) => ({ index, count }));
}

/**
 * SQL that is true when the tenant id in `column` belongs to `shard`: its
 * bucket (PostgreSQL's stable 64-bit text hash, low ten bits) modulo the
 * shard count. One shard of one is every tenant.
 */
export function tenantShardCondition(column: Prisma.Sql, shard: TenantShard): Prisma.Sql {
  if (!Number.isInteger(shard.count) || !Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) throw new RangeError('not a shard');
  if (shard.count === 1) return Prisma.sql`true`;
  // Integers checked above, written into the statement (a parameter would need a cast for the bit operation).
  return Prisma.sql`(hashtextextended(${column}, 0) & ${Prisma.raw(String(TENANT_BUCKETS - 1))}) % ${Prisma.raw(String(shard.count))} = ${Prisma.raw(String(shard.index))}`;
}
