import { Prisma } from '@statemesh/database';
import { tenantShardCondition, tenantShards } from './tenant-shard';

describe('tenant shards', () => {
  it('splits a period into the shards asked for, each named by its index', () => {
    expect(tenantShards(1)).toEqual([{ index: 0, count: 1 }]);
    expect(tenantShards(3)).toEqual([
      { index: 0, count: 3 },
      { index: 1, count: 3 },
      { index: 2, count: 3 },
    ]);
  });

  it('refuses counts that are not whole, positive and at most the number of buckets', () => {
    for (const count of [0, -1, 1.5, 1025, Number.NaN]) expect(() => tenantShards(count)).toThrow(RangeError);
  });

  it('selects every tenant for a single shard, and a bucket of the id hash otherwise', () => {
    const column = Prisma.sql`v."accountId"`;
    expect(tenantShardCondition(column, { index: 0, count: 1 }).sql).toBe('true');
    expect(tenantShardCondition(column, { index: 2, count: 3 }).sql).toBe('(hashtextextended(v."accountId", 0) & 1023) % 3 = 2');
  });

  it('refuses a shard outside its count', () => {
    const column = Prisma.sql`x`;
    for (const shard of [{ index: 3, count: 3 }, { index: -1, count: 2 }, { index: 0.5, count: 2 }]) expect(() => tenantShardCondition(column, shard)).toThrow(RangeError);
  });
});
