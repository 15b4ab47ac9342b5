import { isUniqueViolation, type Db, type PrismaService } from '@statemesh/database';
import { PriceListRepository } from './price-list.repository';
import type { PriceListInput } from './price-list.types';

// The catalog's instance types (DESIGN.md §2): series s (vCPU:GiB 1:2), u (1:4)
// and m (1:8), sizes small…8xlarge doubling from 1 vCPU. Memory is capped at
// the 256 GiB a VM may have. Prices are per vCPU-hour plus per GiB-hour, so a
// type the catalog leaves out only leaves an unused price behind.
const SERIES = { s: 2, u: 4, m: 8 } as const;
const SIZES = { small: 1, medium: 2, large: 4, xlarge: 8, '2xlarge': 16, '4xlarge': 32, '8xlarge': 64 } as const;
const MAX_MEMORY_GIB = 256;
const PER_VCPU_HOUR = 8_000n; // 0.008 USD
const PER_MEMORY_GIB_HOUR = 2_000n; // 0.002 USD

function instanceTypePrices(): PriceListInput['instanceTypes'] {
  return Object.entries(SERIES).flatMap(([series, gibPerVcpu]) =>
    Object.entries(SIZES).map(([size, vcpu]) => ({
      name: `${series}1.${size}`,
      perHour: BigInt(vcpu) * PER_VCPU_HOUR + BigInt(Math.min(vcpu * gibPerVcpu, MAX_MEMORY_GIB)) * PER_MEMORY_GIB_HOUR,
    })),
  );
}

/**
 * The price list a new deployment starts with, in effect since the epoch so
 * that every hour has a price. Admins replace it with new versions.
 */
export function defaultPriceList(): PriceListInput {
  return {
    effectiveFrom: new Date(0),
    platformFeeBps: 1_500,
    instanceTypes: instanceTypePrices(),
    volumes: [
      { provider: 'statemesh', perGibHour: 140n }, // ≈ 0.10 USD per GiB-month, replicated and encrypted
      { provider: 'local', perGibHour: 60n }, // ≈ 0.04 USD per GiB-month, one node's disk
      { provider: 's3', perGibHour: 10n }, // the customer's own bucket: attachment and gateway only
    ],
    publicUdpPortPerHour: 1_000n,
    publicIpv4PerHour: 5_000n,
    note: 'Default prices',
  };
}

/**
 * Seeds the default price list unless some price list exists already. Safe
 * to run at every deployment and concurrently. For `prisma/seed.ts`:
 *
 *     await seedDefaultPrices(prisma);
 */
export async function seedDefaultPrices(db: Db): Promise<{ created: boolean }> {
  const repository = new PriceListRepository(db as PrismaService);
  if ((await repository.count(db)) > 0) return { created: false };
  try {
    await repository.create({ ...defaultPriceList(), createdBy: 'system:seed' }, db);
    return { created: true };
  } catch (error) {
    if (isUniqueViolation(error)) return { created: false };
    throw error;
  }
}
