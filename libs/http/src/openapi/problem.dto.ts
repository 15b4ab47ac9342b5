import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'name', description: 'Path of the offending field, e.g. `ports[0].targetPort`.' })
  field: string;

  @ApiProperty({ example: 'unknown_field' })
  code: string;

  @ApiProperty({ example: 'name must be a DNS label' })
  message: string;
}

/** RFC 9457 problem document, the body of every error response. */
export class ProblemDto {
  @ApiProperty({ example: 'https://statemesh.net/problems/resource.not_found' })
  type: string;

  @ApiProperty({ example: 'Not found' })
  title: string;

  @ApiProperty({ example: 404 })
  status: number;

  @ApiProperty({ example: 'VM was not found' })
  detail: string;

  @ApiProperty({ example: '/v1/accounts/0mhx3k2a1b2c3d4e5f/vms/0mhx3k2a9z8y7x6w5v' })
  instance: string;

  @ApiProperty({ example: 'resource.not_found', description: 'Stable, machine-readable error code.' })
  code: string;

  @ApiProperty({ example: '0mhx3k2a1q2w3e4r5t' })
  requestId: string;

  @ApiPropertyOptional({ type: FieldErrorDto, isArray: true, description: 'Field problems of a validation failure.' })
  errors?: FieldErrorDto[];

  @ApiPropertyOptional({ description: 'On 500s: the id to quote when reporting the problem.' })
  errorId?: string;
}
