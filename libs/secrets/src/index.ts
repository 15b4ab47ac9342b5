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
