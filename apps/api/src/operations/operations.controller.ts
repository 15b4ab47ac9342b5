import { Controller, Get, Header, HttpCode, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CommonErrors, DomainError } from '@statemesh/common';
import { ApiProblems } from '@statemesh/http';
import { Public } from '@statemesh/identity';
import { HealthService, MetricsService } from '@statemesh/observability';
import type { FastifyReply } from 'fastify';

class LivenessDto {
  @ApiProperty({ example: 'ok' })
  status: 'ok';
}

class ReadinessChecksDto {
  @ApiProperty({ enum: ['ok', 'failing'] })
  postgres: 'ok' | 'failing';

  @ApiProperty({ enum: ['ok', 'failing'] })
  redis: 'ok' | 'failing';
}

class ReadinessDto {
  @ApiProperty({ example: 'ready' })
  status: 'ready';

  @ApiProperty({ type: ReadinessChecksDto })
  checks: ReadinessChecksDto;
}

@ApiTags('operations')
@Controller()
@Public()
export class OperationsController {
  constructor(
    private readonly health: HealthService,
    private readonly metrics: MetricsService,
  ) {}

  @Get('healthz')
  @ApiOperation({ summary: 'Liveness: the process is up.' })
  @ApiOkResponse({ type: LivenessDto })
  liveness(): LivenessDto {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiOperation({ summary: 'Readiness: PostgreSQL and Redis are reachable.' })
  @ApiOkResponse({ type: ReadinessDto })
  @ApiProblems(503)
  async readiness(): Promise<ReadinessDto> {
    const readiness = await this.health.readiness();
    if (!readiness.ready) {
      throw new DomainError(CommonErrors['service.unavailable'], 'A dependency is unreachable.', { checks: readiness.checks });
    }
    return { status: 'ready', checks: readiness.checks };
  }

  @Get('metrics')
  @HttpCode(HttpStatus.OK)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics of this API process.' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format.', schema: { type: 'string' } })
  async render(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    reply.header('content-type', this.metrics.contentType);
    return this.metrics.render();
  }
}
