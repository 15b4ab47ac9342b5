import { formatMicroUnits } from '@statemesh/billing';
import type { CatalogImage, CatalogInstanceType, CatalogZone } from './catalog.types';
import type { ImageResponseDto } from './dto/image.dto';
import type { InstanceTypeResponseDto } from './dto/instance-type.dto';
import type { ZoneResponseDto } from './dto/zone.dto';

/** `eu-west` → `eu-west.statemesh.net`: the suffix of every entrypoint name in the zone. */
export function zoneDnsSuffix(zone: string, baseDomain: string): string {
  return `${zone}.${baseDomain.toLowerCase()}`;
}

export function toZoneResponse(zone: CatalogZone, baseDomain: string): ZoneResponseDto {
  return {
    name: zone.name,
    displayName: zone.displayName,
    dnsSuffix: zoneDnsSuffix(zone.name, baseDomain),
    udpPortMin: zone.udpPortMin,
    udpPortMax: zone.udpPortMax,
    enabled: zone.enabled,
    createdAt: zone.createdAt.toISOString(),
    updatedAt: zone.updatedAt.toISOString(),
  };
}

export function toImageResponse(image: CatalogImage): ImageResponseDto {
  return {
    name: image.name,
    displayName: image.displayName,
    osFamily: image.osFamily,
    osVersion: image.osVersion,
    arch: image.arch,
    minDiskGib: image.minDiskGib,
    sourceUrl: image.sourceUrl,
    enabled: image.enabled,
    createdAt: image.createdAt.toISOString(),
    updatedAt: image.updatedAt.toISOString(),
  };
}

export function toInstanceTypeResponse(type: CatalogInstanceType, price: { perHour: bigint | undefined; currency: string }): InstanceTypeResponseDto {
  return {
    name: type.name,
    series: type.series,
    size: type.size,
    vcpu: type.vcpu,
    memoryMib: type.memoryMib,
    gpuModel: type.gpuModel,
    gpuCount: type.gpuCount,
    enabled: type.enabled,
    pricePerHour: price.perHour === undefined ? null : formatMicroUnits(price.perHour),
    currency: price.currency,
    createdAt: type.createdAt.toISOString(),
    updatedAt: type.updatedAt.toISOString(),
  };
}
