import { Module } from '@nestjs/common';
import { IdentityModule } from '@statemesh/identity';
import { AdminWalletsController } from './funding/admin-wallets.controller';
import { FundingService } from './funding/funding.service';
import { AdminLedgerController } from './ledger/admin-ledger.controller';
import { LedgerAdminService } from './ledger/ledger-admin.service';
import { LedgerRepository } from './ledger/ledger.repository';
import { LedgerService } from './ledger/ledger.service';
import { AdminPricingController } from './pricing/admin-pricing.controller';
import { PriceListRepository } from './pricing/price-list.repository';
import { PricingController } from './pricing/pricing.controller';
import { PricingService } from './pricing/pricing.service';
import { BurnRateRegistry } from './wallets/burn-rate.registry';
import { WalletProvisioningStep } from './wallets/wallet-provisioning.step';
import { WalletRepository } from './wallets/wallet.repository';
import { WalletsController } from './wallets/wallets.controller';
import { WalletsService } from './wallets/wallets.service';
import { DepositWebhookController } from './webhooks/deposit-webhook.controller';
import { DepositWebhookGuard } from './webhooks/deposit-webhook.guard';

/**
 * Wallets and money: the ledger, account wallets, admin funding, the deposit
 * webhook and versioned prices. Other contexts use LedgerService (settlement),
 * PricingService (prices at an hour) and BurnRateRegistry (to report what an
 * account's resources cost per hour).
 */
@Module({
  imports: [IdentityModule],
  controllers: [WalletsController, AdminWalletsController, AdminLedgerController, DepositWebhookController, PricingController, AdminPricingController],
  providers: [
    LedgerRepository,
    WalletRepository,
    PriceListRepository,
    LedgerService,
    LedgerAdminService,
    WalletsService,
    FundingService,
    PricingService,
    BurnRateRegistry,
    WalletProvisioningStep,
    DepositWebhookGuard,
  ],
  exports: [LedgerService, PricingService, BurnRateRegistry],
})
export class WalletsModule {}
