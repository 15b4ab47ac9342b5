import { defineErrors } from '@statemesh/common';

/**
 * Error codes of volumes and their snapshots. Details name volumes, zones,
 * images and hosts at most: never an S3 key, never URL credentials.
 */
export const StorageErrors = defineErrors({
  'volume.name_taken': { status: 409, title: 'A volume with this name exists in the account' },
  'volume.zone_unknown': { status: 422, title: 'No enabled zone with this name' },
  'volume.image_unknown': { status: 422, title: 'No enabled image with this name' },
  'volume.snapshot_unknown': { status: 422, title: 'No usable snapshot with this id in the account' },
  'volume.source_not_supported': { status: 422, title: 'This provider cannot be created from this source' },
  'volume.source_url_refused': { status: 422, title: 'The source URL does not lead to a public server' },
  'volume.s3_endpoint_refused': { status: 422, title: 'The S3 endpoint does not lead to a public server' },
  'volume.invalid_provider_settings': { status: 422, title: 'The settings do not fit the volume provider' },
  'volume.node_unknown': { status: 422, title: 'No eligible node with this id in the zone' },
  'volume.size_too_small': { status: 422, title: 'The volume is smaller than its source' },
  'volume.shrink_not_allowed': { status: 422, title: 'Volumes can only grow' },
  'volume.not_available': { status: 409, title: 'The volume is not available for this action' },
  'volume.attached': { status: 409, title: 'The volume is attached to a VM' },
  'volume.attached_elsewhere': { status: 409, title: 'The volume is attached to another VM' },
  'volume.unknown': { status: 422, title: 'No live volume with this id in the account' },
  'volume.vm_unknown': { status: 422, title: 'No live VM with this id in the account' },
  'volume.zone_mismatch': { status: 422, title: 'The volume and the VM are in different zones' },
  'volume.node_mismatch': { status: 409, title: 'The local volume is on another node than the VM' },
  'volume.node_full': { status: 409, title: 'The node has not enough free disk for the local volume' },
  'snapshot.not_available': { status: 409, title: 'The snapshot is not available for this action' },
});

export type StorageErrorCode = keyof typeof StorageErrors;
