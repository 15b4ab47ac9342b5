import type { Epoch } from '@statemesh/database';
import type { EpochDetailDto, EpochResponseDto, EpochSummaryDto } from './dto/epoch.dto';

export function toEpochResponse(epoch: Epoch): EpochResponseDto {
  return {
    number: epoch.number,
    status: epoch.closedAt ? 'closed' : 'open',
    seed: epoch.seed,
    startsAt: epoch.startsAt.toISOString(),
    endsAt: epoch.endsAt.toISOString(),
    closedAt: epoch.closedAt?.toISOString() ?? null,
    nextSeed: epoch.nextSeed,
    eligibleCount: epoch.eligibleNodeIds.length,
    eligibleSetHash: epoch.eligibleSetHash,
    summary: (epoch.summary as EpochSummaryDto | null) ?? null,
  };
}

export function toEpochDetail(epoch: Epoch): EpochDetailDto {
  return { ...toEpochResponse(epoch), eligibleNodeIds: epoch.eligibleNodeIds };
}
