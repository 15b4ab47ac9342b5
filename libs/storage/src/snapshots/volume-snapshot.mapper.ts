import type { VolumeSnapshot } from '@statemesh/database';
import type { VolumeSnapshotResponseDto } from './dto/volume-snapshot.dto';

export function toVolumeSnapshotResponse(snapshot: VolumeSnapshot): VolumeSnapshotResponseDto {
  return {
    id: snapshot.id,
    accountId: snapshot.accountId,
    volumeId: snapshot.volumeId,
    name: snapshot.name,
    zone: snapshot.zone,
    sizeGib: snapshot.sizeGib,
    provider: snapshot.provider,
    status: snapshot.status,
    location: snapshot.location,
    nodeId: snapshot.nodeId,
    vmId: snapshot.vmId,
    version: snapshot.version,
    createdAt: snapshot.createdAt.toISOString(),
    updatedAt: snapshot.updatedAt.toISOString(),
  };
}
