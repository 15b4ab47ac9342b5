// The standard instance types (DESIGN.md §2). Pure: no Nest, no Prisma.

/** Per-VM ceilings: no instance type (standard or admin-made) exceeds them. */
export const MAX_VM_VCPU = 64;
export const MAX_VM_MEMORY_MIB = 256 * 1024;

/** Series by memory per vCPU: `s` 1:2, `u` 1:4, `m` 1:8 (GiB). */
export const INSTANCE_SERIES = { s: 2, u: 4, m: 8 } as const;
/** Sizes by vCPU count, doubling from 1. */
export const INSTANCE_SIZES = { small: 1, medium: 2, large: 4, xlarge: 8, '2xlarge': 16, '4xlarge': 32, '8xlarge': 64 } as const;
/** The generation in every standard name (`s1.small`). */
export const INSTANCE_GENERATION = 1;

export type InstanceSeries = keyof typeof INSTANCE_SERIES;
export type InstanceSize = keyof typeof INSTANCE_SIZES;

export interface InstanceTypeSpec {
  name: string;
  series: string;
  size: string;
  vcpu: number;
  memoryMib: number;
}

/**
 * Every series × size: 21 types from `s1.small` (1 vCPU, 2 GiB) to
 * `m1.8xlarge`. Memory is capped at MAX_VM_MEMORY_MIB, which only touches
 * `m1.8xlarge`: 64 vCPU with 256 GiB rather than the series' 512 GiB — the
 * same cap the default price list prices it with. Ordered by series, then size.
 */
export function standardInstanceTypes(): InstanceTypeSpec[] {
  return Object.entries(INSTANCE_SERIES).flatMap(([series, gibPerVcpu]) =>
    Object.entries(INSTANCE_SIZES).map(([size, vcpu]) => ({
      name: `${series}${INSTANCE_GENERATION}.${size}`,
      series,
      size,
      vcpu,
      memoryMib: Math.min(vcpu * gibPerVcpu * 1024, MAX_VM_MEMORY_MIB),
    })),
  );
}

const INSTANCE_TYPE_NAME = /^([a-z]+)[0-9]*\.([a-z0-9]+)$/;

/** `s1.small` → series `s`, size `small`; null for a name that is not `<series><generation>.<size>`. */
export function parseInstanceTypeName(name: string): { series: string; size: string } | null {
  if (name.length > 63) return null;
  const match = INSTANCE_TYPE_NAME.exec(name);
  return match ? { series: match[1], size: match[2] } : null;
}
