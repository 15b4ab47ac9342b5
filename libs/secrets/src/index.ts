export * from './envelope/envelope.errors';
export { MasterKeyring, MASTER_KEY_BYTES, parseMasterKeys } from './envelope/master-keyring';
export {
  open,
  rewrap,
  seal,
  type AssociatedData,
  type SealedSecret,
  type StoredSealedSecret,
} from './envelope/secret-envelope';
export * from './secrets.errors';
export * from './secrets.module';
export { MAX_SECRET_VALUE_BYTES, SECRET_NAME_PATTERN, SECRET_NAME_RULE, isSecretName } from './secrets/secret-name';
export { SecretsService, secretAssociatedData, toSecretResponse, type SecretOwner } from './secrets/secrets.service';
export { keyringFromConfig } from './secrets/master-keyring.provider';
export {
  DEFAULT_ROTATION_BATCH_SIZE,
  MasterKeyRotationService,
  type RotationFailure,
  type RotationOptions,
  type RotationSummary,
} from './rotation/master-key-rotation.service';
export { rotateMasterKey } from './rotation/rotate-master-key';
export {
  SecretTemplateError,
  findSecretReferences,
  renderTemplate,
  toYamlDoubleQuoted,
  type SecretTemplateErrorCode,
  type SecretValues,
} from './templates/secret-template';
export { EnvelopeResponseSealer } from './responses/envelope-response-sealer';
