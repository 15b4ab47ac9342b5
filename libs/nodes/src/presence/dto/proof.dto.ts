import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { PageQueryDto } from '@statemesh/http';

const HASH = /^[0-9a-f]{64}$/;
const ELEMENT = /^[0-9a-f]{512}$/;

export class ProofChallengeDto {
  @ApiProperty({ description: 'The open epoch.' })
  epoch: number;

  @ApiProperty({ format: 'date-time', description: 'When the epoch is due to close; proofs on it are stale after the close.' })
  epochEndsAt: string;

  @ApiProperty({ description: 'The sequence number the proof will get in the node’s chain.' })
  sequence: number;

  @ApiProperty({ description: 'Hash of the node’s latest accepted proof (64 zeros for the first).' })
  previousHash: string;

  @ApiProperty({ description: 'The VDF input, H(previous proof ‖ epoch seed ‖ node id), 64 hex digits.' })
  input: string;

  @ApiProperty({ description: 'The VDF delay T.' })
  iterations: number;

  @ApiProperty()
  proofIntervalSeconds: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Proofs submitted before this are rejected as too early.' })
  notBefore: string | null;
}

export class SubmitProofDto {
  @ApiProperty()
  @IsInt()
  @Min(0)
  epoch: number;

  @ApiProperty({ description: '64 lowercase hex digits.' })
  @IsString()
  @Matches(HASH, { message: 'previousHash must be 64 lowercase hex digits' })
  previousHash: string;

  @ApiProperty({ description: '64 lowercase hex digits.' })
  @IsString()
  @Matches(HASH, { message: 'input must be 64 lowercase hex digits' })
  input: string;

  @ApiProperty({ description: 'y = x^(2^T): 512 lowercase hex digits.' })
  @IsString()
  @Matches(ELEMENT, { message: 'output must be 512 lowercase hex digits' })
  output: string;

  @ApiProperty({ description: 'The Wesolowski proof π: 512 lowercase hex digits.' })
  @IsString()
  @Matches(ELEMENT, { message: 'proof must be 512 lowercase hex digits' })
  proof: string;

  @ApiProperty()
  @IsInt()
  @Min(1)
  @Max(2 ** 32)
  iterations: number;
}

export class NodeProofDto {
  @ApiProperty()
  sequence: number;

  @ApiProperty()
  epoch: number;

  @ApiProperty()
  input: string;

  @ApiProperty()
  output: string;

  @ApiProperty()
  proof: string;

  @ApiProperty()
  iterations: number;

  @ApiProperty()
  previousHash: string;

  @ApiProperty({ description: 'Hash of this entry; the next entry’s previousHash.' })
  hash: string;

  @ApiProperty({ format: 'date-time' })
  acceptedAt: string;
}

export class ProofListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only proofs of this epoch.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  epoch?: number;
}

export class ProofChainVerificationDto {
  @ApiProperty()
  nodeId: string;

  @ApiProperty({ description: 'The chain is whole: every entry links to the one before and hashes to its stored hash, and the heads recorded at epoch closes are still in it.' })
  intact: boolean;

  @ApiProperty({ description: 'Entries checked.' })
  entries: number;

  @ApiProperty({ type: Number, nullable: true, description: 'The first sequence number where the chain breaks.' })
  brokenAtSequence: number | null;

  @ApiProperty({ type: String, nullable: true })
  problem: string | null;
}
