import type { VolumeProvider } from '@statemesh/database';

export const VOLUME_PROVIDERS = ['statemesh', 'local', 's3'] as const satisfies readonly VolumeProvider[];

type Exhaustive<Listed, All> = [Exclude<All, Listed>] extends [never] ? true : never;
const volumeProvidersComplete: Exhaustive<(typeof VOLUME_PROVIDERS)[number], VolumeProvider> = true;
void volumeProvidersComplete;

/**
 * One version of the price list, as the rest of the platform reads it. All
 * amounts are micro-units per hour (per GiB-hour for volumes).
 */
export interface PriceListVersion {
  id: string;
  effectiveFrom: Date;
  /** Platform fee on operator-served usage, in basis points. */
  platformFeeBps: number;
  /** By instance type name (`s1.small`); a type missing here has no price in this version. */
  instanceTypePerHour: ReadonlyMap<string, bigint>;
  volumePerGibHour: Readonly<Record<VolumeProvider, bigint>>;
  publicUdpPortPerHour: bigint;
  publicIpv4PerHour: bigint;
  note: string | null;
  createdBy: string;
  createdAt: Date;
}

/** What a new version is made of. */
export interface PriceListInput {
  effectiveFrom: Date;
  platformFeeBps: number;
  instanceTypes: Array<{ name: string; perHour: bigint }>;
  volumes: Array<{ provider: VolumeProvider; perGibHour: bigint }>;
  publicUdpPortPerHour: bigint;
  publicIpv4PerHour: bigint;
  note?: string | null;
}
