import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '@statemesh/http';
import { VM_STATUSES, type VmStatus } from '../../lifecycle/vm-lifecycle.types';
import { OperationResponseDto } from '../../operations/dto/operation.dto';
import { HealthCheckDto, RestartScheduleDto, RestartScheduleResponseDto } from '../../healing/dto/healing.dto';

export const VM_NAME = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const SSH_PUBLIC_KEY = /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/=]+( [^\r\n]{0,256})?$/;
export const CLOUD_INIT_MAX_BYTES = 64 * 1024;
export const VM_MODES = ['persistent', 'transient'] as const;
export const RUN_STRATEGIES = ['always', 'rerunOnFailure', 'manual', 'halted'] as const;
export const PLACEMENT_STRATEGIES = ['binpack', 'spread'] as const;
export const PORT_PROTOCOLS = ['https', 'tcp', 'udp'] as const;
export type RunStrategy = (typeof RUN_STRATEGIES)[number];
export type PortProtocol = (typeof PORT_PROTOCOLS)[number];

export class VmPortDto {
  @ApiProperty({ enum: PORT_PROTOCOLS, description: '`https` and `tcp` are routed by SNI on the zone’s shared port; `udp` gets a public port from the zone’s pool.' })
  @IsIn(PORT_PROTOCOLS)
  protocol: PortProtocol;

  @ApiProperty({ minimum: 1, maximum: 65535, example: 443, description: 'The port the VM listens on.' })
  @IsInt()
  @Min(1)
  @Max(65535)
  targetPort: number;
}

export class CreateVmDto {
  @ApiProperty({ example: 'web', description: 'A lowercase DNS label of at most 40 characters, unique among the account’s VMs.' })
  @IsString()
  @Matches(VM_NAME, { message: 'name must be a DNS label of at most 40 lowercase letters, digits and dashes' })
  name: string;

  @ApiProperty({ example: 'eu-west' })
  @IsString()
  @Matches(DNS_LABEL, { message: 'zone must be a DNS label' })
  zone: string;

  @ApiProperty({ example: 's1.small', description: 'A name from GET /v1/instance-types.' })
  @IsString()
  @MaxLength(64)
  instanceType: string;

  @ApiProperty({ example: 'ubuntu-24.04', description: 'A name from GET /v1/images.' })
  @IsString()
  @MaxLength(128)
  image: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 16384,
    description: 'Root disk size; defaults to the image’s minimum. The root disk is bound to the node: put data that must survive on volumes.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(16384)
  rootDiskGib?: number;

  @ApiPropertyOptional({ enum: VM_MODES, default: 'persistent', description: '`transient` VMs discard every root-disk change at each stop.' })
  @IsOptional()
  @IsIn(VM_MODES)
  mode?: (typeof VM_MODES)[number];

  @ApiPropertyOptional({
    enum: RUN_STRATEGIES,
    default: 'always',
    description: '`always` restarts the VM whenever it stops by itself or fails; `rerunOnFailure` only after failures; `manual` never; `halted` creates it without starting it.',
  })
  @IsOptional()
  @IsIn(RUN_STRATEGIES)
  runStrategy?: RunStrategy;

  @ApiPropertyOptional({ enum: PLACEMENT_STRATEGIES, default: 'binpack', description: '`binpack` fills nodes up; `spread` prefers the emptiest node.' })
  @IsOptional()
  @IsIn(PLACEMENT_STRATEGIES)
  placementStrategy?: (typeof PLACEMENT_STRATEGIES)[number];

  @ApiPropertyOptional({ example: 'web-tier', description: 'No two VMs of the account with the same group run on one node.' })
  @IsOptional()
  @IsString()
  @Matches(DNS_LABEL, { message: 'antiAffinityGroup must be a DNS label' })
  antiAffinityGroup?: string;

  @ApiPropertyOptional({
    maxLength: CLOUD_INIT_MAX_BYTES,
    description: 'cloud-init user data (at most 64 KiB). `{{ secret "name" }}` references an account secret; only the template is stored.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(CLOUD_INIT_MAX_BYTES)
  cloudInit?: string;

  @ApiPropertyOptional({ type: String, isArray: true, maxItems: 32, description: 'OpenSSH public keys authorised on the VM.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  @MaxLength(16384, { each: true })
  @Matches(SSH_PUBLIC_KEY, { each: true, message: 'each of sshKeys must be an OpenSSH public key' })
  sshKeys?: string[];

  @ApiPropertyOptional({ type: VmPortDto, isArray: true, maxItems: 32 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @ValidateNested({ each: true })
  @Type(() => VmPortDto)
  ports?: VmPortDto[];

  @ApiPropertyOptional({ type: HealthCheckDto, description: 'Checked by the node agent while the VM runs: the VM is routed only while healthy (not before its first passing check), and restarted per run strategy when unhealthy.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => HealthCheckDto)
  healthCheck?: HealthCheckDto;

  @ApiPropertyOptional({ type: RestartScheduleDto, description: 'Restart the VM on a cron schedule; a transient VM is reset (its root-disk changes discarded).' })
  @IsOptional()
  @ValidateNested()
  @Type(() => RestartScheduleDto)
  restartSchedule?: RestartScheduleDto;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { tier: 'web' }, description: 'At most 64 labels; keys up to 63 and values up to 255 characters.' })
  @IsOptional()
  @IsObject()
  labels?: Record<string, string>;

  @ApiPropertyOptional({
    description:
      'Boot from the root disk of one of the account’s VM snapshots (an `available` one, same zone and image). Root-disk snapshots stay on the node that took them, so the VM runs on that node.',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9]{1,64}$/, { message: 'fromSnapshotId must be a snapshot id' })
  fromSnapshotId?: string;
}

export class CreateVmQueryDto {
  @ApiPropertyOptional({ description: 'Return the placement decision and explanation without creating or reserving anything.' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  dryRun?: boolean;
}

export class UpdateVmDto {
  @ApiPropertyOptional({ description: 'A new name; the VM’s entrypoint names change with it.' })
  @IsOptional()
  @IsString()
  @Matches(VM_NAME, { message: 'name must be a DNS label of at most 40 lowercase letters, digits and dashes' })
  name?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'Replaces the labels.' })
  @IsOptional()
  @IsObject()
  labels?: Record<string, string>;

  @ApiPropertyOptional({ enum: RUN_STRATEGIES })
  @IsOptional()
  @IsIn(RUN_STRATEGIES)
  runStrategy?: RunStrategy;

  @ApiPropertyOptional({ type: RestartScheduleDto, nullable: true, description: 'A new restart schedule; null removes it.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => RestartScheduleDto)
  restartSchedule?: RestartScheduleDto | null;
}

export class VmListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: VM_STATUSES })
  @IsOptional()
  @IsIn(VM_STATUSES)
  status?: VmStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(DNS_LABEL, { message: 'zone must be a DNS label' })
  zone?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(40)
  name?: string;
}

export class WaitForVmQueryDto {
  @ApiProperty({ enum: VM_STATUSES, example: 'running' })
  @IsIn(VM_STATUSES)
  status: VmStatus;

  @ApiPropertyOptional({ minimum: 0, maximum: 120, default: 60 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(120)
  timeoutSeconds?: number;
}

export class RootDiskDto {
  @ApiProperty()
  sizeGib: number;

  @ApiProperty({ enum: ['node'], description: 'The root disk lives and dies with the node: if the node is lost, the VM comes back elsewhere with a fresh root disk. Keep data on volumes.' })
  persistence: 'node';
}

export class EntrypointDto {
  @ApiProperty({ example: 'vm-web-0mfq3k2x9abcdefgh.eu-west.statemesh.net' })
  fqdn: string;

  @ApiProperty({ enum: PORT_PROTOCOLS })
  protocol: PortProtocol;

  @ApiProperty()
  targetPort: number;

  @ApiProperty({ type: Number, nullable: true, description: 'The zone-wide public port of a udp entrypoint; null for https and tcp (SNI on the shared port).' })
  publicPort: number | null;
}

export class PlacementExplanationDto {
  @ApiProperty()
  nodesConsidered: number;

  @ApiProperty()
  feasible: number;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'Nodes each filter rejected, in filter order.' })
  rejected: Record<string, number>;

  @ApiProperty({ type: String, nullable: true })
  chosenNodeId: string | null;

  @ApiProperty({ enum: PLACEMENT_STRATEGIES })
  strategy: string;

  @ApiProperty({ example: 'Placed on node 0mfq… (3 of 20 nodes fit).' })
  message: string;
}

export class VmPlacementDto {
  @ApiProperty({ type: PlacementExplanationDto })
  explanation: PlacementExplanationDto;
}

export class VmResponseDto {
  @ApiProperty({ example: '0mfq3k2x9abcdefgh', description: 'Lowercase [a-z0-9]; part of the entrypoint names.' })
  id: string;

  @ApiProperty()
  accountId: string;

  @ApiProperty()
  name: string;

  @ApiProperty()
  zone: string;

  @ApiProperty()
  instanceType: string;

  @ApiProperty()
  vcpu: number;

  @ApiProperty()
  memoryMib: number;

  @ApiProperty()
  image: string;

  @ApiProperty({ enum: VM_MODES })
  mode: string;

  @ApiProperty({ enum: RUN_STRATEGIES })
  runStrategy: string;

  @ApiProperty({ enum: PLACEMENT_STRATEGIES })
  placementStrategy: string;

  @ApiProperty({ type: String, nullable: true })
  antiAffinityGroup: string | null;

  @ApiProperty({ enum: VM_STATUSES })
  status: VmStatus;

  @ApiProperty({ type: String, nullable: true, description: 'Why the VM is in its status, when there is more to say.' })
  statusReason: string | null;

  @ApiProperty({ type: String, nullable: true })
  nodeId: string | null;

  @ApiProperty({ type: RootDiskDto })
  rootDisk: RootDiskDto;

  @ApiProperty({ type: VmPortDto, isArray: true })
  ports: VmPortDto[];

  @ApiProperty({ type: EntrypointDto, isArray: true })
  entrypoints: EntrypointDto[];

  @ApiProperty({ type: String, isArray: true, description: 'Ids of the attached volumes.' })
  volumes: string[];

  @ApiProperty({ type: String, isArray: true })
  sshKeys: string[];

  @ApiProperty({ type: Boolean, description: 'Whether the VM has cloud-init user data (the template is not returned).' })
  hasCloudInit: boolean;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  labels: Record<string, string>;

  @ApiProperty({ type: VmPlacementDto, nullable: true })
  placement: VmPlacementDto | null;

  @ApiProperty({ type: String, isArray: true, description: 'The actions the VM’s status allows now.' })
  allowedActions: string[];

  @ApiProperty({ type: HealthCheckDto, nullable: true })
  healthCheck: HealthCheckDto | null;

  @ApiProperty({ description: 'False while the health check fails or has not passed yet: the VM’s entrypoints are not routed. Always true without a health check.' })
  healthy: boolean;

  @ApiProperty({ type: RestartScheduleResponseDto, nullable: true })
  restartSchedule: RestartScheduleResponseDto | null;

  @ApiProperty()
  createdAt: string;

  @ApiProperty()
  updatedAt: string;
}

export class VmAcceptedDto {
  @ApiProperty({ type: VmResponseDto })
  vm: VmResponseDto;

  @ApiProperty({ type: OperationResponseDto })
  operation: OperationResponseDto;
}

export class PlacementPreviewDto {
  @ApiProperty({ description: 'Whether a node fits the VM now.' })
  placeable: boolean;

  @ApiProperty({ type: PlacementExplanationDto })
  explanation: PlacementExplanationDto;
}

export class VmEventDto {
  @ApiProperty()
  id: string;

  @ApiProperty()
  targetId: string;

  @ApiProperty({ example: 'status_changed' })
  type: string;

  @ApiProperty({ example: 'placed' })
  reason: string;

  @ApiProperty()
  message: string;

  @ApiProperty({ example: 'user:0mfq3k2x9abcdefgh', description: '`user:<id>`, `token:<id>`, `node:<id>` or `system:<process>`.' })
  actor: string;

  @ApiProperty()
  createdAt: string;
}
