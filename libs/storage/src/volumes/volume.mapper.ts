import type { Volume } from '@statemesh/database';
import type { VolumeResponseDto } from './dto/volume.dto';

const PERSISTENCE = { statemesh: 'platform', local: 'node', s3: 'bucket' } as const;

/** The API view of a volume. S3 keys are not in the row, so they cannot leak from here. */
export function toVolumeResponse(volume: Volume): VolumeResponseDto {
  return {
    id: volume.id,
    accountId: volume.accountId,
    name: volume.name,
    zone: volume.zone,
    provider: volume.provider,
    sizeGib: volume.sizeGib,
    replicas: volume.replicas,
    nodeId: volume.nodeId,
    persistence: PERSISTENCE[volume.provider],
    s3:
      volume.provider === 's3'
        ? {
            endpoint: volume.s3Endpoint ?? '',
            region: volume.s3Region ?? '',
            bucket: volume.s3Bucket ?? '',
            prefix: volume.s3Prefix ?? '',
            credentialsSecret: volume.s3CredentialsSecret ?? '',
          }
        : null,
    source: { kind: volume.sourceKind, ref: volume.sourceRef },
    status: volume.status,
    statusReason: volume.statusReason,
    attachedVmId: volume.attachedVmId,
    attachedAt: volume.attachedAt?.toISOString() ?? null,
    labels: (volume.labels ?? {}) as Record<string, string>,
    version: volume.version,
    createdAt: volume.createdAt.toISOString(),
    updatedAt: volume.updatedAt.toISOString(),
  };
}
