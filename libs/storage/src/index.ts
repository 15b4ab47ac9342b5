export { classifyAddress, isPublicAddress, type AddressCategory } from './url-guard/address.classifier';
export {
  checkSourceUrl,
  MAX_SOURCE_URL_LENGTH,
  SOURCE_URL_REFUSAL_CODES,
  type HostResolver,
  type SourceUrlCheck,
  type SourceUrlRefusalCode,
} from './url-guard/source-url.checker';
