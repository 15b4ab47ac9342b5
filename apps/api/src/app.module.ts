import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AccountImagesModule, CatalogModule, ComputeModule, GatewayTokenGuard, GatewayTokensModule, QuotasModule } from '@statemesh/compute';
import { ConfigModule, type AppConfig } from '@statemesh/config';
import { DatabaseModule } from '@statemesh/database';
import { EtagInterceptor, HttpConventionsModule, IdempotencyInterceptor, ProblemFilter, RESPONSE_SEALER, RateLimitGuard } from '@statemesh/http';
import { AccessGuard, IdentityModule } from '@statemesh/identity';
import { NodeSessionGuard, NodesModule } from '@statemesh/nodes';
import { ObservabilityModule } from '@statemesh/observability';
import { RedisModule } from '@statemesh/redis';
import { EnvelopeResponseSealer, SecretsModule } from '@statemesh/secrets';
import { VolumesModule } from '@statemesh/storage';
import { WalletsModule } from '@statemesh/wallets';
import { OperationsController } from './operations/operations.controller';

/**
 * The API process: every bounded context's HTTP surface plus the
 * conventions applied to all of it. Guards run in order (who are you — a
 * user or token, or on agent routes a node, on gateway routes a gateway —
 * may you, how often); interceptors from the outside in (idempotent replay,
 * then ETag).
 */
@Module({
  imports: [
    DatabaseModule,
    RedisModule,
    ObservabilityModule,
    HttpConventionsModule,
    IdentityModule,
    SecretsModule,
    WalletsModule,
    NodesModule,
    CatalogModule,
    QuotasModule,
    ComputeModule,
    AccountImagesModule,
    GatewayTokensModule,
    VolumesModule,
  ],
  controllers: [OperationsController],
  providers: [
    // Stored idempotent responses may hold credentials shown once: sealed like account secrets.
    { provide: RESPONSE_SEALER, useExisting: EnvelopeResponseSealer },
    IdempotencyInterceptor,
    { provide: APP_FILTER, useExisting: ProblemFilter },
    { provide: APP_GUARD, useExisting: AccessGuard },
    { provide: APP_GUARD, useExisting: NodeSessionGuard },
    { provide: APP_GUARD, useExisting: GatewayTokenGuard },
    { provide: APP_GUARD, useExisting: RateLimitGuard },
    { provide: APP_INTERCEPTOR, useExisting: IdempotencyInterceptor },
    { provide: APP_INTERCEPTOR, useExisting: EtagInterceptor },
  ],
})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: AppModule, imports: [ConfigModule.forRoot(config)] };
  }
}
