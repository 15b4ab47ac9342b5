import { Module } from '@nestjs/common';
import { MasterKeyring } from './envelope/master-keyring';
import { EnvelopeResponseSealer } from './responses/envelope-response-sealer';
import { MasterKeyRotationService } from './rotation/master-key-rotation.service';
import { masterKeyringProvider } from './secrets/master-keyring.provider';
import { SecretRepository } from './secrets/secret.repository';
import { SecretsController } from './secrets/secrets.controller';
import { SecretsService } from './secrets/secrets.service';

/**
 * Account secrets: the `/v1/accounts/{accountId}/secrets` routes, the
 * service other contexts use to check references and (for node agents only)
 * reveal values, and master key rotation. Needs the global ConfigModule and
 * DatabaseModule.
 */
@Module({
  controllers: [SecretsController],
  providers: [masterKeyringProvider, SecretRepository, SecretsService, MasterKeyRotationService, EnvelopeResponseSealer],
  exports: [MasterKeyring, SecretsService, MasterKeyRotationService, EnvelopeResponseSealer],
})
export class SecretsModule {}
