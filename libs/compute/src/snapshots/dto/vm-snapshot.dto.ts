import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';

export class CreateVmSnapshotDto {
  @ApiPropertyOptional({ example: 'before-upgrade', description: 'A DNS label naming the snapshot.' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, { message: 'name must be a DNS label' })
  name?: string;
}

export class VmSnapshotResponseDto {
  @ApiProperty()
  id: string;

  @ApiProperty()
  vmId: string;

  @ApiProperty({ type: String, nullable: true })
  name: string | null;

  @ApiProperty({ enum: ['creating', 'available', 'failed'] })
  status: string;

  @ApiProperty({ enum: ['node'], description: 'Root-disk snapshots stay on the node that ran the VM: they are lost with it, like the root disk.' })
  location: 'node';

  @ApiProperty()
  nodeId: string;

  @ApiProperty()
  image: string;

  @ApiProperty()
  rootDiskGib: number;

  @ApiProperty({ type: String, isArray: true, description: 'Snapshots of the volumes attached at that moment (see /snapshots/{id}); restore them into new volumes.' })
  volumeSnapshotIds: string[];

  @ApiProperty({ type: String, nullable: true })
  failureReason: string | null;

  @ApiProperty()
  createdAt: string;

  @ApiProperty({ type: String, nullable: true })
  completedAt: string | null;
}
