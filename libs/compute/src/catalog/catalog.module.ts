import { Module } from '@nestjs/common';
import { IdentityModule } from '@statemesh/identity';
import { WalletsModule } from '@statemesh/wallets';
import { AdminCatalogController } from './admin-catalog.controller';
import { CatalogAdminService } from './catalog-admin.service';
import { CatalogController } from './catalog.controller';
import { CatalogRepository } from './catalog.repository';
import { CatalogService } from './catalog.service';

/**
 * The compute catalog: zones, images and instance types, read publicly and
 * changed by platform admins. The VM service uses CatalogService to resolve
 * what a VM is made of.
 */
@Module({
  imports: [IdentityModule, WalletsModule],
  controllers: [CatalogController, AdminCatalogController],
  providers: [CatalogRepository, CatalogService, CatalogAdminService],
  exports: [CatalogService],
})
export class CatalogModule {}
