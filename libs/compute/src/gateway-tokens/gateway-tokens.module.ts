import { Module } from '@nestjs/common';
import { IdentityModule } from '@statemesh/identity';
import { CatalogModule } from '../catalog/catalog.module';
import { AdminGatewayTokensController } from './admin-gateway-tokens.controller';
import { GatewayTokenGuard } from './gateway-token.guard';
import { GatewayTokenRepository } from './gateway-token.repository';
import { GatewayTokensService } from './gateway-tokens.service';

/**
 * Edge gateway tokens: admin routes to issue and revoke them, and the guard
 * of `@GatewayRoute()` routes. Modules with gateway routes import it.
 */
@Module({
  imports: [IdentityModule, CatalogModule],
  controllers: [AdminGatewayTokensController],
  providers: [GatewayTokenRepository, GatewayTokensService, GatewayTokenGuard],
  exports: [GatewayTokenGuard, GatewayTokenRepository],
})
export class GatewayTokensModule {}
