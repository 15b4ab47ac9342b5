import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { PageQueryDto } from '@statemesh/http';
import {
  MAX_REPLICAS,
  MAX_VOLUME_GIB,
  MIN_VOLUME_GIB,
  VOLUME_NAME_PATTERN,
  VOLUME_NAME_RULE,
  VOLUME_PROVIDERS,
  VOLUME_SOURCE_KINDS,
  VOLUME_STATUSES,
  type VolumeProviderName,
  type VolumeSourceKindName,
  type VolumeStatusName,
} from '../volume-rules';

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const ID = /^[0-9a-z]{1,64}$/;
const LABELS_DESCRIPTION = 'Free-form labels: up to 64 keys (lowercase, 1-63 characters) with string values of at most 255 characters.';

/** Where a new volume's first bytes come from. */
export class VolumeSourceDto {
  @ApiProperty({ enum: VOLUME_SOURCE_KINDS, enumName: 'VolumeSourceKind' })
  @IsIn(VOLUME_SOURCE_KINDS)
  kind: VolumeSourceKindName;

  @ApiPropertyOptional({ description: 'kind `image`: a catalog image name.', example: 'ubuntu-24.04' })
  @ValidateIf((source: VolumeSourceDto) => source.kind === 'image' || source.image !== undefined)
  @IsString()
  @Length(1, 100)
  image?: string;

  @ApiPropertyOptional({ description: 'kind `snapshot`: the id of one of the account’s snapshots.' })
  @ValidateIf((source: VolumeSourceDto) => source.kind === 'snapshot' || source.snapshotId !== undefined)
  @IsString()
  @Matches(ID, { message: 'snapshotId must be a snapshot id' })
  snapshotId?: string;

  @ApiPropertyOptional({
    description: 'kind `url`: an http(s) URL of a public server, fetched later by the node agent. See the SSRF policy in docs/storage.md.',
    example: 'https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img',
  })
  @ValidateIf((source: VolumeSourceDto) => source.kind === 'url' || source.url !== undefined)
  @IsString()
  @MaxLength(4096)
  url?: string;
}

/** Bring-your-own-bucket settings. The keys are kept as an account secret and never returned. */
export class S3SettingsDto {
  @ApiProperty({ example: 'https://s3.eu-west-1.amazonaws.com', description: 'http(s) URL of the S3 API; must lead to a public server.' })
  @IsString()
  @Length(1, 2048)
  endpoint: string;

  @ApiProperty({ example: 'eu-west-1' })
  @IsString()
  @Matches(/^[a-z0-9-]{1,64}$/, { message: 'region must be 1-64 lowercase letters, digits or "-"' })
  region: string;

  @ApiProperty({ example: 'my-bucket' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'bucket must be an S3 bucket name (3-63 lowercase letters, digits, "." or "-")' })
  bucket: string;

  @ApiPropertyOptional({ example: 'volumes/data/', description: 'Key prefix inside the bucket.' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  @Matches(/^[^\u0000-\u001f\u007f]*$/, { message: 'prefix must not contain control characters' })
  prefix?: string;

  @ApiProperty({ description: 'Write-only: stored as an account secret, never returned.', writeOnly: true, format: 'password' })
  @IsString({ message: 'accessKeyId must be a string' })
  @Length(1, 256, { message: 'accessKeyId must be 1-256 characters' })
  accessKeyId: string;

  @ApiProperty({ description: 'Write-only: stored as an account secret, never returned.', writeOnly: true, format: 'password' })
  @IsString({ message: 'secretAccessKey must be a string' })
  @Length(1, 1024, { message: 'secretAccessKey must be 1-1024 characters' })
  secretAccessKey: string;
}

export class CreateVolumeDto {
  @ApiProperty({ example: 'pg-data', description: `Unique among the account’s live volumes: ${VOLUME_NAME_RULE}.` })
  @IsString()
  @Matches(VOLUME_NAME_PATTERN, { message: `name must be ${VOLUME_NAME_RULE}` })
  name: string;

  @ApiProperty({ example: 'eu-west' })
  @IsString()
  @Matches(DNS_LABEL, { message: 'zone must be a DNS label' })
  zone: string;

  @ApiProperty({ enum: VOLUME_PROVIDERS, enumName: 'VolumeProvider' })
  @IsIn(VOLUME_PROVIDERS)
  provider: VolumeProviderName;

  @ApiPropertyOptional({
    minimum: MIN_VOLUME_GIB,
    maximum: MAX_VOLUME_GIB,
    description: 'Size in GiB. Defaults to the source’s size for image and snapshot sources; required otherwise.',
  })
  @IsOptional()
  @IsInt()
  @Min(MIN_VOLUME_GIB)
  @Max(MAX_VOLUME_GIB)
  sizeGib?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_REPLICAS, description: 'statemesh only; default 3.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_REPLICAS)
  replicas?: number;

  @ApiPropertyOptional({ description: 'local only: the node to put the disk on (else it is bound when first attached to a placed VM).' })
  @IsOptional()
  @IsString()
  @Matches(ID, { message: 'nodeId must be a node id' })
  nodeId?: string;

  @ApiPropertyOptional({ type: S3SettingsDto, description: 's3 only, and required for it.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => S3SettingsDto)
  s3?: S3SettingsDto;

  @ApiPropertyOptional({ type: VolumeSourceDto, description: 'Default: empty.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => VolumeSourceDto)
  source?: VolumeSourceDto;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: LABELS_DESCRIPTION })
  @IsOptional()
  @IsObject()
  labels?: Record<string, string>;
}

export class UpdateVolumeDto {
  @ApiPropertyOptional({ description: `New name: ${VOLUME_NAME_RULE}.` })
  @IsOptional()
  @IsString()
  @Matches(VOLUME_NAME_PATTERN, { message: `name must be ${VOLUME_NAME_RULE}` })
  name?: string;

  @ApiPropertyOptional({ minimum: MIN_VOLUME_GIB, maximum: MAX_VOLUME_GIB, description: 'Grow only: a smaller size is 422 `volume.shrink_not_allowed`.' })
  @IsOptional()
  @IsInt()
  @Min(MIN_VOLUME_GIB)
  @Max(MAX_VOLUME_GIB)
  sizeGib?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: `Replaces every label. ${LABELS_DESCRIPTION}` })
  @IsOptional()
  @IsObject()
  labels?: Record<string, string>;
}

export class AttachVolumeDto {
  @ApiProperty({ description: 'A live VM of the account, in the volume’s zone.' })
  @IsString()
  @Matches(ID, { message: 'vmId must be a VM id' })
  vmId: string;
}

export class VolumeListQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(DNS_LABEL, { message: 'zone must be a DNS label' })
  zone?: string;

  @ApiPropertyOptional({ enum: VOLUME_STATUSES, enumName: 'VolumeStatus' })
  @IsOptional()
  @IsIn(VOLUME_STATUSES)
  status?: VolumeStatusName;

  @ApiPropertyOptional({ enum: VOLUME_PROVIDERS, enumName: 'VolumeProvider' })
  @IsOptional()
  @IsIn(VOLUME_PROVIDERS)
  provider?: VolumeProviderName;
}

export class VolumeSourceResponseDto {
  @ApiProperty({ enum: VOLUME_SOURCE_KINDS, enumName: 'VolumeSourceKind' })
  kind: VolumeSourceKindName;

  @ApiProperty({ type: String, nullable: true, description: 'The image name, snapshot id or normalised URL; null for empty volumes.' })
  ref: string | null;
}

export class S3SettingsResponseDto {
  @ApiProperty()
  endpoint: string;

  @ApiProperty()
  region: string;

  @ApiProperty()
  bucket: string;

  @ApiProperty()
  prefix: string;

  @ApiProperty({ description: 'Name of the account secret that holds the access keys (replace its value to rotate them).' })
  credentialsSecret: string;
}

export class VolumeResponseDto {
  @ApiProperty()
  id: string;

  @ApiProperty()
  accountId: string;

  @ApiProperty()
  name: string;

  @ApiProperty()
  zone: string;

  @ApiProperty({ enum: VOLUME_PROVIDERS, enumName: 'VolumeProvider' })
  provider: VolumeProviderName;

  @ApiProperty()
  sizeGib: number;

  @ApiProperty({ type: Number, nullable: true, description: 'Copies kept (statemesh); null for other providers.' })
  replicas: number | null;

  @ApiProperty({ type: String, nullable: true, description: 'local: the node the disk is on; null until bound, and for other providers.' })
  nodeId: string | null;

  @ApiProperty({ enum: ['platform', 'node', 'bucket'], description: 'What the data survives: `node` data is lost with its node.' })
  persistence: 'platform' | 'node' | 'bucket';

  @ApiProperty({ type: S3SettingsResponseDto, nullable: true })
  s3: S3SettingsResponseDto | null;

  @ApiProperty({ type: VolumeSourceResponseDto })
  source: VolumeSourceResponseDto;

  @ApiProperty({ enum: VOLUME_STATUSES, enumName: 'VolumeStatus' })
  status: VolumeStatusName;

  @ApiProperty({ type: String, nullable: true })
  statusReason: string | null;

  @ApiProperty({ type: String, nullable: true })
  attachedVmId: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  attachedAt: string | null;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  labels: Record<string, string>;

  @ApiProperty({ description: 'Also the ETag (`"v<version>"`).' })
  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}
