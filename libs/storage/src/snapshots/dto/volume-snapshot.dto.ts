import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { PageQueryDto } from '@statemesh/http';
import { VOLUME_NAME_PATTERN, VOLUME_NAME_RULE, VOLUME_PROVIDERS, type VolumeProviderName } from '../../volumes/volume-rules';

export const SNAPSHOT_STATUSES = ['creating', 'available', 'deleting', 'deleted', 'lost', 'error'] as const;
export type SnapshotStatusName = (typeof SNAPSHOT_STATUSES)[number];
export const SNAPSHOT_LOCATIONS = ['platform', 'node'] as const;
export type SnapshotLocationName = (typeof SNAPSHOT_LOCATIONS)[number];

export class CreateVolumeSnapshotDto {
  @ApiPropertyOptional({ example: 'before-upgrade', description: `A label for people (not unique): ${VOLUME_NAME_RULE}.` })
  @IsOptional()
  @IsString()
  @Matches(VOLUME_NAME_PATTERN, { message: `name must be ${VOLUME_NAME_RULE}` })
  name?: string;
}

export class VolumeSnapshotListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only snapshots of this volume.' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-z]{1,64}$/, { message: 'volumeId must be a volume id' })
  volumeId?: string;

  @ApiPropertyOptional({ enum: SNAPSHOT_STATUSES, enumName: 'VolumeSnapshotStatus' })
  @IsOptional()
  @IsIn(SNAPSHOT_STATUSES)
  status?: SnapshotStatusName;
}

export class VolumeSnapshotResponseDto {
  @ApiProperty()
  id: string;

  @ApiProperty()
  accountId: string;

  @ApiProperty()
  volumeId: string;

  @ApiProperty({ type: String, nullable: true })
  name: string | null;

  @ApiProperty()
  zone: string;

  @ApiProperty()
  sizeGib: number;

  @ApiProperty({ enum: VOLUME_PROVIDERS, enumName: 'VolumeProvider', description: 'The provider of the volume it was taken from.' })
  provider: VolumeProviderName;

  @ApiProperty({ enum: SNAPSHOT_STATUSES, enumName: 'VolumeSnapshotStatus' })
  status: SnapshotStatusName;

  @ApiProperty({
    enum: SNAPSHOT_LOCATIONS,
    enumName: 'VolumeSnapshotLocation',
    description: '`platform`: kept by the platform, survives any node. `node`: kept on `nodeId` (snapshots of local volumes), lost with it.',
  })
  location: SnapshotLocationName;

  @ApiProperty({ type: String, nullable: true })
  nodeId: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The VM snapshot this one is part of, if any.' })
  vmId: string | null;

  @ApiProperty({ description: 'Also the ETag.' })
  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}
