export { classifyAddress, isPublicAddress, type AddressCategory } from './url-guard/address.classifier';
export {
  checkSourceUrl,
  MAX_SOURCE_URL_LENGTH,
  SOURCE_URL_REFUSAL_CODES,
  type HostResolver,
  type SourceUrlCheck,
  type SourceUrlRefusalCode,
} from './url-guard/source-url.checker';
export * from './storage.errors';
export * from './volumes.module';
export { VolumeAttachmentService, type NodeLoss } from './volumes/volume-attachment.service';
export {
  VolumeAttachmentRelay,
  VOLUME_ATTACHMENT_NOTIFIER,
  type VolumeAttachmentNotifier,
} from './volumes/volume-attachment.notifier';
export { VolumesService, s3CredentialsSecretName } from './volumes/volumes.service';
export { SourceHostResolver } from './volumes/source-host.resolver';
export { toVolumeResponse } from './volumes/volume.mapper';
export { VolumeResponseDto } from './volumes/dto/volume.dto';
export {
  VOLUME_NAME_PATTERN,
  VOLUME_PROVIDERS,
  VOLUME_STATUSES,
  isVolumeName,
  planVolume,
  resizeVerdict,
  type VolumeProviderName,
  type VolumeStatusName,
} from './volumes/volume-rules';
export { VolumeSnapshotsService, type SnapshotRequest } from './snapshots/volume-snapshots.service';
export { toVolumeSnapshotResponse } from './snapshots/volume-snapshot.mapper';
export { VolumeSnapshotResponseDto } from './snapshots/dto/volume-snapshot.dto';
