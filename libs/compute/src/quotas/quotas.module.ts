import { Module } from '@nestjs/common';
import { IdentityModule } from '@statemesh/identity';
import { AdminQuotasController } from './admin-quotas.controller';
import { QuotaRepository } from './quota.repository';
import { QuotasController } from './quotas.controller';
import { QuotasService } from './quotas.service';

/** Account quotas on live VMs; the VM service checks new VMs against them with QuotasService. */
@Module({
  imports: [IdentityModule],
  controllers: [QuotasController, AdminQuotasController],
  providers: [QuotaRepository, QuotasService],
  exports: [QuotasService],
})
export class QuotasModule {}
