import { formatMicroUnits } from '@statemesh/billing';
import { WALLET_CURRENCY } from '../money/currency';
import type { PriceListResponseDto } from './dto/price-list.dto';
import { VOLUME_PROVIDERS, type PriceListVersion } from './price-list.types';

export function toPriceListResponse(version: PriceListVersion): PriceListResponseDto {
  return {
    id: version.id,
    effectiveFrom: version.effectiveFrom.toISOString(),
    currency: WALLET_CURRENCY,
    platformFeeBps: version.platformFeeBps,
    instanceTypes: [...version.instanceTypePerHour.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, perHour]) => ({ name, perHour: formatMicroUnits(perHour) })),
    volumes: VOLUME_PROVIDERS.filter((provider) => version.volumePerGibHour[provider] !== undefined).map((provider) => ({
      provider,
      perGibHour: formatMicroUnits(version.volumePerGibHour[provider]),
    })),
    publicUdpPortPerHour: formatMicroUnits(version.publicUdpPortPerHour),
    publicIpv4PerHour: formatMicroUnits(version.publicIpv4PerHour),
    note: version.note,
    createdAt: version.createdAt.toISOString(),
  };
}
