import type { FieldError } from '@statemesh/common';
import type { StorageErrorCode } from '../storage.errors';

/**
 * The rules of volumes that need no database: names, labels, sizes, which
 * settings fit which provider and source, and the status a new volume starts
 * in. The service gathers the facts (the image, the snapshot) and applies
 * these.
 */

export const VOLUME_PROVIDERS = ['statemesh', 'local', 's3'] as const;
export type VolumeProviderName = (typeof VOLUME_PROVIDERS)[number];

export const VOLUME_STATUSES = ['creating', 'available', 'attached', 'detaching', 'deleting', 'deleted', 'lost', 'error'] as const;
export type VolumeStatusName = (typeof VOLUME_STATUSES)[number];

export const VOLUME_SOURCE_KINDS = ['empty', 'image', 'snapshot', 'url'] as const;
export type VolumeSourceKindName = (typeof VOLUME_SOURCE_KINDS)[number];

/** Names are DNS labels, like VM names: they may end up in mount tags and device names. */
export const VOLUME_NAME_PATTERN = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const VOLUME_NAME_RULE = '1-63 lowercase letters, digits or "-", starting with a letter and not ending with "-"';

export const MIN_VOLUME_GIB = 1;
export const MAX_VOLUME_GIB = 65_536;
export const DEFAULT_REPLICAS = 3;
export const MAX_REPLICAS = 5;

export const MAX_LABELS = 64;
export const LABEL_KEY_PATTERN = /^[a-z0-9]([a-z0-9._/-]{0,61}[a-z0-9])?$/;
export const MAX_LABEL_VALUE_LENGTH = 255;

export function isVolumeName(name: string): boolean {
  return VOLUME_NAME_PATTERN.test(name);
}

/** Problems with a label map (keys: lowercase, 1-63 chars; values: strings up to 255 chars; at most 64). */
export function labelProblems(labels: unknown): FieldError[] {
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    return [{ field: 'labels', code: 'invalid', message: 'labels must be an object of string values' }];
  }
  const entries = Object.entries(labels as Record<string, unknown>);
  const problems: FieldError[] = [];
  if (entries.length > MAX_LABELS) {
    problems.push({ field: 'labels', code: 'too_many', message: `at most ${MAX_LABELS} labels` });
  }
  for (const [key, value] of entries) {
    if (!LABEL_KEY_PATTERN.test(key)) {
      problems.push({
        field: 'labels',
        code: 'invalid_key',
        message: 'label keys are 1-63 lowercase letters, digits, ".", "_", "/" or "-", starting and ending with a letter or digit',
      });
    } else if (typeof value !== 'string' || value.length > MAX_LABEL_VALUE_LENGTH) {
      problems.push({ field: `labels.${key}`, code: 'invalid_value', message: `label values are strings of at most ${MAX_LABEL_VALUE_LENGTH} characters` });
    }
  }
  return problems;
}

export type ResizeVerdict = 'unchanged' | 'grow' | 'shrink';

/** Volumes only grow: a filesystem cannot be shrunk under a running VM without losing data. */
export function resizeVerdict(currentGib: number, requestedGib: number): ResizeVerdict {
  if (requestedGib === currentGib) return 'unchanged';
  return requestedGib > currentGib ? 'grow' : 'shrink';
}

/** What a create request asks for, as far as the rules care. */
export interface VolumePlanRequest {
  provider: VolumeProviderName;
  sizeGib?: number;
  replicas?: number;
  nodeId?: string;
  hasS3Settings: boolean;
  sourceKind: VolumeSourceKindName;
}

/** What the service found out about the source. */
export interface VolumeSourceFacts {
  /** Smallest size the source fits in: an image's minimum disk, a snapshot's size. */
  minSizeGib?: number;
  snapshotLocation?: 'platform' | 'node';
  snapshotNodeId?: string | null;
}

export interface VolumePlan {
  sizeGib: number;
  replicas: number | null;
  nodeId: string | null;
  status: 'available' | 'creating';
}

export type VolumePlanResult =
  | ({ ok: true } & VolumePlan)
  | { ok: false; code: StorageErrorCode | 'request.invalid'; detail: string; errors?: FieldError[] };

function refuse(code: StorageErrorCode | 'request.invalid', detail: string, field?: string): VolumePlanResult {
  return { ok: false, code, detail, ...(field ? { errors: [{ field, code: 'invalid', message: detail }] } : {}) };
}

/**
 * Decides a new volume's size, replicas, node and first status, or why it
 * cannot be created:
 * - `replicas` only for `statemesh` (default 3); `nodeId` only for `local`;
 *   the `s3` settings exactly for `s3`, which only starts empty (the bucket's
 *   content is the customer's).
 * - A snapshot kept on a node restores only into a `local` volume on that node.
 * - The size defaults to the source's and may not be smaller.
 * - Empty volumes, and volumes restored from a platform snapshot into
 *   platform storage (copy-on-write), are `available` at once; everything an
 *   agent must fetch or copy starts `creating`.
 */
export function planVolume(request: VolumePlanRequest, facts: VolumeSourceFacts = {}): VolumePlanResult {
  const { provider, sourceKind } = request;
  if (request.replicas !== undefined && provider !== 'statemesh') {
    return refuse('volume.invalid_provider_settings', 'replicas apply to statemesh volumes only.', 'replicas');
  }
  if (request.nodeId !== undefined && provider !== 'local') {
    return refuse('volume.invalid_provider_settings', 'nodeId applies to local volumes only.', 'nodeId');
  }
  if (provider === 's3' && !request.hasS3Settings) {
    return refuse('volume.invalid_provider_settings', 's3 volumes need the s3 settings (endpoint, region, bucket and keys).', 's3');
  }
  if (provider !== 's3' && request.hasS3Settings) {
    return refuse('volume.invalid_provider_settings', 's3 settings apply to s3 volumes only.', 's3');
  }
  if (provider === 's3' && sourceKind !== 'empty') {
    return refuse('volume.source_not_supported', 's3 volumes start empty: their content is the bucket’s.', 'source');
  }

  let nodeId = request.nodeId ?? null;
  if (sourceKind === 'snapshot' && facts.snapshotLocation === 'node') {
    if (provider !== 'local') {
      return refuse('volume.source_not_supported', 'The snapshot is kept on a node: restore it into a local volume on that node.', 'source');
    }
    if (nodeId !== null && nodeId !== facts.snapshotNodeId) {
      return refuse('volume.source_not_supported', 'The snapshot is kept on another node than nodeId.', 'nodeId');
    }
    nodeId = facts.snapshotNodeId ?? null;
  }

  const sizeGib = request.sizeGib ?? facts.minSizeGib;
  if (sizeGib === undefined) {
    return refuse('request.invalid', 'sizeGib is required for empty volumes and URL sources.', 'sizeGib');
  }
  if (facts.minSizeGib !== undefined && sizeGib < facts.minSizeGib) {
    return refuse('volume.size_too_small', `The source needs at least ${facts.minSizeGib} GiB.`, 'sizeGib');
  }

  const copyOnWrite = sourceKind === 'snapshot' && facts.snapshotLocation === 'platform' && provider === 'statemesh';
  const status = sourceKind === 'empty' || copyOnWrite ? 'available' : 'creating';
  return {
    ok: true,
    sizeGib,
    replicas: provider === 'statemesh' ? (request.replicas ?? DEFAULT_REPLICAS) : null,
    nodeId,
    status,
  };
}
