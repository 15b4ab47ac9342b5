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
import { ArrearsService } from './runway/arrears.service';
import { RunwayPolicy } from './runway/runway-policy';
import { SettlementRepository } from './settlement/settlement.repository';
import { SettlementService } from './settlement/settlement.service';
import { VmBurnRateSource } from './settlement/vm-burn-rate.source';
import { VmUsageRepository } from './settlement/vm-usage.repository';
import { VmUsageSource } from './settlement/vm-usage.source';
import { VolumeBurnRateSource } from './settlement/volume-burn-rate.source';
import { VolumeUsageRepository } from './settlement/volume-usage.repository';
import { VolumeUsageSource } from './settlement/volume-usage.source';
import { UsageController } from './usage/usage.controller';
import { UsageRepository } from './usage/usage.repository';
import { UsageService } from './usage/usage.service';
import { BurnRateRegistry } from './wallets/burn-rate.registry';
import { WalletProvisioningStep } from './wallets/wallet-provisioning.step';
import { WalletRepository } from './wallets/wallet.repository';
import { WalletsController } from './wallets/wallets.controller';
import { WalletsService } from './wallets/wallets.service';
import { DepositWebhookController } from './webhooks/deposit-webhook.controller';
import { DepositWebhookGuard } from './webhooks/deposit-webhook.guard';

/**
 * Wallets and money: the ledger, account wallets, admin funding, the deposit
 * webhook, versioned prices and hourly settlement. Other contexts use
 * PricingService (prices at an hour), BurnRateRegistry (to report what an
 * account's resources cost per hour), RunwayPolicy (402 before creating or
 * starting what the wallet cannot cover) and ArrearsService (accounts past
 * their grace period).
 */
@Module({
  imports: [IdentityModule],
  controllers: [WalletsController, AdminWalletsController, AdminLedgerController, DepositWebhookController, PricingController, AdminPricingController, UsageController],
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
    SettlementRepository,
    VmUsageRepository,
    VmUsageSource,
    VmBurnRateSource,
    VolumeUsageRepository,
    VolumeUsageSource,
    VolumeBurnRateSource,
    SettlementService,
    RunwayPolicy,
    ArrearsService,
    UsageRepository,
    UsageService,
  ],
  exports: [LedgerService, PricingService, BurnRateRegistry, SettlementService, RunwayPolicy, ArrearsService, VmBurnRateSource],
})
export class WalletsModule {}
