import type { Provider } from '@nestjs/common';
import { AppConfig } from '@statemesh/config';
import { MasterKeyring } from '../envelope/master-keyring';

/** The keyring of DATA_ENCRYPTION_KEY (active, with its id) and DATA_ENCRYPTION_RETIRED_KEYS. */
export function keyringFromConfig(config: Pick<AppConfig, 'dataEncryption'>): MasterKeyring {
  return new MasterKeyring(config.dataEncryption.keys, config.dataEncryption.activeKeyId);
}

export const masterKeyringProvider: Provider = {
  provide: MasterKeyring,
  useFactory: keyringFromConfig,
  inject: [AppConfig],
};
