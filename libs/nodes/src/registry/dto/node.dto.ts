import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '@statemesh/http';
import { JAIL_REASONS, NODE_ARCHES, NODE_CLASSES, NODE_STATUSES, type JailReason, type NodeArch, type NodeClass, type NodeStatus } from '../../node-model';

export const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
// A hostname, an IPv4 address or an IPv6 address (validated loosely: the agent's own reports are never trusted for routing).
const ADDRESS = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*|[0-9a-fA-F:.]{2,45})$/;
const MAX_INT = 2_147_483_647;

export class GpuDto {
  @ApiProperty({ example: 'nvidia-a100-80g' })
  @IsString()
  @Length(1, 100)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, { message: 'model must be letters, digits, spaces, dots, dashes or underscores' })
  model: string;

  @ApiProperty({ example: 2, minimum: 1, maximum: 64 })
  @IsInt()
  @Min(1)
  @Max(64)
  count: number;
}

export class NodeCapacityDto {
  @ApiProperty({ example: 32, minimum: 1, maximum: 4096 })
  @IsInt()
  @Min(1)
  @Max(4096)
  vcpu: number;

  @ApiProperty({ example: 131072, minimum: 1, description: 'Memory in MiB.' })
  @IsInt()
  @Min(1)
  @Max(MAX_INT)
  memoryMib: number;

  @ApiProperty({ example: 2000, minimum: 1, description: 'Disk in GiB.' })
  @IsInt()
  @Min(1)
  @Max(MAX_INT)
  diskGib: number;

  @ApiPropertyOptional({ type: GpuDto, isArray: true, default: [] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @ValidateNested({ each: true })
  @Type(() => GpuDto)
  gpus?: GpuDto[];
}

export class RegisterNodeDto {
  @ApiProperty({ example: 'fra-rack4-01', description: 'A DNS label, unique in the account.' })
  @IsString()
  @Matches(DNS_LABEL, { message: 'name must be a DNS label: lowercase letters, digits and dashes, at most 63' })
  name: string;

  @ApiProperty({ example: 'eu-west', description: 'The placement zone, a DNS label.' })
  @IsString()
  @Matches(DNS_LABEL, { message: 'zone must be a DNS label: lowercase letters, digits and dashes, at most 63' })
  zone: string;

  @ApiProperty({ enum: NODE_CLASSES, description: 'VMs run only on bare-metal and datacenter nodes with virtualization.' })
  @IsIn(NODE_CLASSES)
  class: NodeClass;

  @ApiProperty({ enum: NODE_ARCHES, example: 'x86_64' })
  @IsIn(NODE_ARCHES)
  arch: NodeArch;

  @ApiProperty({ description: 'Hardware virtualization is available (KVM or equivalent).' })
  @IsBoolean()
  virtualization: boolean;

  @ApiProperty({ type: NodeCapacityDto, description: 'What the node offers. Fixed at registration: agents cannot raise it.' })
  @ValidateNested()
  @Type(() => NodeCapacityDto)
  capacity: NodeCapacityDto;

  @ApiProperty({
    description: 'The node’s Ed25519 public key: 32 raw bytes in base64url (or base64), or a PEM `PUBLIC KEY` block.',
    example: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
  })
  @IsString()
  @Length(1, 2000)
  publicKey: string;

  @ApiPropertyOptional({ description: 'Host name or IP address gateways route to; the agent’s reported address when omitted.' })
  @IsOptional()
  @IsString()
  @Length(1, 253)
  @Matches(ADDRESS, { message: 'address must be a host name or an IP address' })
  address?: string;
}

export class NodeListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: NODE_STATUSES })
  @IsOptional()
  @IsIn(NODE_STATUSES)
  status?: NodeStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(DNS_LABEL, { message: 'zone must be a DNS label' })
  zone?: string;
}

export class NodeResourcesDto {
  @ApiProperty()
  vcpu: number;

  @ApiProperty()
  memoryMib: number;

  @ApiProperty()
  diskGib: number;

  @ApiProperty({ type: GpuDto, isArray: true })
  gpus: GpuDto[];
}

export class NodeFreeResourcesDto {
  @ApiProperty()
  vcpu: number;

  @ApiProperty()
  memoryMib: number;

  @ApiProperty()
  diskGib: number;
}

export class NodeUsageDto {
  @ApiProperty({ description: 'vCPUs in use, as the agent observed.' })
  vcpu: number;

  @ApiProperty()
  memoryMib: number;

  @ApiProperty()
  diskGib: number;

  @ApiProperty({ description: 'VMs the agent reported.' })
  vms: number;

  @ApiProperty({ format: 'date-time' })
  reportedAt: string;
}

export class EpochProofCountsDto {
  @ApiProperty()
  epoch: number;

  @ApiProperty()
  validProofs: number;

  @ApiProperty({ description: 'Rejected proofs counted against the node.' })
  invalidProofs: number;

  @ApiProperty({ description: 'Proofs the node owes for the whole epoch.' })
  expectedProofs: number;
}

export class LastEpochResultDto extends EpochProofCountsDto {
  @ApiProperty({ description: 'Valid over expected proofs, capped at 1.' })
  share: number;

  @ApiProperty({ enum: NODE_STATUSES })
  statusAfter: NodeStatus;

  @ApiProperty()
  eligibleAfter: boolean;
}

export class EpochStandingDto {
  @ApiProperty({ description: 'In the set eligible for placement in the current epoch.' })
  eligible: boolean;

  @ApiProperty({ type: Number, nullable: true, description: 'The open epoch.' })
  currentEpoch: number | null;

  @ApiProperty({ description: 'Good epochs in a row.' })
  consecutiveGoodEpochs: number;

  @ApiProperty({ description: 'Good epochs in a row a candidate needs to become active.' })
  epochsToActivate: number;

  @ApiProperty({ description: 'Epochs in a row without a valid proof.' })
  consecutiveAbsentEpochs: number;

  @ApiProperty({ type: Number, nullable: true, description: 'Last epoch of the jail term; null when not jailed or jailed by an admin.' })
  jailedUntilEpoch: number | null;

  @ApiProperty({ enum: JAIL_REASONS, nullable: true })
  jailReason: JailReason | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Last epoch the node ended active.' })
  lastActiveEpoch: number | null;

  @ApiProperty({ type: EpochProofCountsDto, nullable: true, description: 'Proofs so far in the open epoch.' })
  current: EpochProofCountsDto | null;

  @ApiProperty({ type: LastEpochResultDto, nullable: true, description: 'How the node fared in the last closed epoch.' })
  lastEpoch: LastEpochResultDto | null;
}

export class NodeResponseDto {
  @ApiProperty()
  id: string;

  @ApiProperty()
  accountId: string;

  @ApiProperty()
  name: string;

  @ApiProperty()
  zone: string;

  @ApiProperty({ enum: NODE_CLASSES })
  class: NodeClass;

  @ApiProperty({ enum: NODE_ARCHES })
  arch: NodeArch;

  @ApiProperty()
  virtualization: boolean;

  @ApiProperty({ description: 'Ed25519 public key, base64url.' })
  publicKey: string;

  @ApiProperty({ type: String, nullable: true, description: 'Where gateways route to: the registered address, else the agent’s reported one.' })
  address: string | null;

  @ApiProperty({ type: NodeResourcesDto })
  capacity: NodeResourcesDto;

  @ApiProperty({ type: NodeResourcesDto, description: 'Reserved by VMs placed on the node.' })
  allocated: NodeResourcesDto;

  @ApiProperty({ type: NodeFreeResourcesDto })
  free: NodeFreeResourcesDto;

  @ApiProperty({ type: NodeUsageDto, nullable: true, description: 'The last heartbeat’s observations (informational).' })
  usage: NodeUsageDto | null;

  @ApiProperty({ enum: NODE_STATUSES })
  status: NodeStatus;

  @ApiProperty({ type: EpochStandingDto })
  epochStanding: EpochStandingDto;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastSeenAt: string | null;

  @ApiProperty({ type: String, nullable: true })
  agentVersion: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  decommissionRequestedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  decommissionedAt: string | null;

  @ApiProperty({ format: 'date-time' })
  statusChangedAt: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}
