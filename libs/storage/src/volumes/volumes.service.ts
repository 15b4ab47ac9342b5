import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommonErrors, DomainError, newId, notFound, type FieldError } from '@statemesh/common';
import { TransactionRunner, isUniqueViolation, type Db, type Volume, type VolumeSourceKind } from '@statemesh/database';
import { Versioned, assertVersion, pageRequest, toPage, type Page } from '@statemesh/http';
import type { AccountAccess } from '@statemesh/identity';
import { SecretsService } from '@statemesh/secrets';
import { VolumeSnapshotRepository } from '../snapshots/volume-snapshot.repository';
import { StorageErrors } from '../storage.errors';
import { checkSourceUrl } from '../url-guard/source-url.checker';
import type { CreateVolumeDto, S3SettingsDto, UpdateVolumeDto, VolumeListQueryDto, VolumeResponseDto, VolumeSourceDto } from './dto/volume.dto';
import { SourceHostResolver } from './source-host.resolver';
import { VolumeAttachmentService, notAvailable } from './volume-attachment.service';
import { toVolumeResponse } from './volume.mapper';
import { labelProblems, planVolume, resizeVerdict, type VolumeSourceFacts } from './volume-rules';
import { VolumeRepository } from './volume.repository';
import { VOLUME_ATTACHMENT_NOTIFIER, type VolumeAttachmentNotifier } from './volume-attachment.notifier';

const LIVE_NAME_CONSTRAINT = 'volumes_accountId_liveName_key';

/** The account secret that holds an s3 volume's access keys. */
export function s3CredentialsSecretName(volumeId: string): string {
  return `volume-${volumeId}-s3`;
}

interface ResolvedSource {
  kind: VolumeSourceKind;
  ref: string | null;
  addresses: string[];
  facts: VolumeSourceFacts;
}

/** Volumes of an account: create (from a source), read, rename, relabel, grow, delete, attach and detach. */
@Injectable()
export class VolumesService {
  private readonly logger = new Logger(VolumesService.name);

  constructor(
    private readonly volumes: VolumeRepository,
    private readonly snapshots: VolumeSnapshotRepository,
    private readonly attachments: VolumeAttachmentService,
    private readonly secrets: SecretsService,
    private readonly resolver: SourceHostResolver,
    private readonly transactions: TransactionRunner,
    @Inject(VOLUME_ATTACHMENT_NOTIFIER) private readonly notifier: VolumeAttachmentNotifier,
  ) {}

  async create(access: AccountAccess, input: CreateVolumeDto): Promise<Versioned<VolumeResponseDto>> {
    assertLabels(input.labels);
    if (!(await this.volumes.zoneIsEnabled(input.zone))) {
      throw new DomainError(StorageErrors['volume.zone_unknown'], `There is no enabled zone named ${input.zone}.`, {}, [
        { field: 'zone', code: 'unknown', message: 'no enabled zone with this name' },
      ]);
    }
    const source = await this.resolveSource(access, input.zone, input.source);
    const plan = planVolume(
      {
        provider: input.provider,
        sizeGib: input.sizeGib,
        replicas: input.replicas,
        nodeId: input.nodeId,
        hasS3Settings: input.s3 !== undefined,
        sourceKind: source.kind,
      },
      source.facts,
    );
    if (!plan.ok) {
      const error = plan.code === 'request.invalid' ? CommonErrors['request.invalid'] : StorageErrors[plan.code];
      throw new DomainError(error, plan.detail, {}, plan.errors);
    }
    if (input.nodeId !== undefined && !(await this.volumes.isEligibleVmNode(input.nodeId, input.zone))) {
      throw new DomainError(StorageErrors['volume.node_unknown'], `Node ${input.nodeId} is not an eligible VM node in zone ${input.zone}.`, {}, [
        { field: 'nodeId', code: 'unknown', message: 'no eligible VM node with this id in the zone' },
      ]);
    }
    const s3Endpoint = input.s3 ? await this.checkS3Endpoint(input.s3.endpoint) : null;

    const id = newId();
    const credentialsSecret = input.s3 ? await this.storeS3Credentials(access, id, input.s3) : null;
    try {
      const volume = await this.transactions.run(async (tx) => {
        const created = await this.volumes.create({
        id,
        accountId: access.accountId,
        name: input.name,
        zone: input.zone,
        sizeGib: plan.sizeGib,
        provider: input.provider,
        replicas: plan.replicas,
        nodeId: plan.nodeId,
        s3Endpoint,
        s3Region: input.s3?.region ?? null,
        s3Bucket: input.s3?.bucket ?? null,
        s3Prefix: input.s3 ? (input.s3.prefix ?? '') : null,
        s3CredentialsSecret: credentialsSecret,
        sourceKind: source.kind,
        sourceRef: source.ref,
        sourceAddresses: source.addresses,
        labels: input.labels ?? {},
        status: plan.status,
      }, tx);
        // A volume filled from a source is filled by a node agent: hand that work over in the same transaction.
        if (created.status === 'creating') await this.notifier.volumeCreating(created, tx);
        return created;
      });
      return versioned(volume);
    } catch (error) {
      if (credentialsSecret) await this.dropS3Credentials(access, credentialsSecret);
      if (isUniqueViolation(error, LIVE_NAME_CONSTRAINT)) throw nameTaken(input.name);
      throw error;
    }
  }

  async list(access: AccountAccess, query: VolumeListQueryDto): Promise<Page<VolumeResponseDto>> {
    const request = pageRequest(query);
    const rows = await this.volumes.list({ accountId: access.accountId, zone: query.zone, status: query.status, provider: query.provider }, request);
    return toPage(rows, request, (row) => row.id, toVolumeResponse);
  }

  async get(access: AccountAccess, id: string): Promise<Versioned<VolumeResponseDto>> {
    return versioned(await this.owned(access, id));
  }

  /** Renames, relabels and grows. Shrinking is refused: data past the new end would be lost. */
  async update(access: AccountAccess, id: string, input: UpdateVolumeDto, expectedVersion: number | undefined): Promise<Versioned<VolumeResponseDto>> {
    assertLabels(input.labels);
    return this.transactions.run(async (tx) => {
      const current = await this.owned(access, id, tx);
      assertVersion(expectedVersion, current.version);
      const verdict = input.sizeGib === undefined ? 'unchanged' : resizeVerdict(current.sizeGib, input.sizeGib);
      if (verdict === 'shrink') {
        throw new DomainError(
          StorageErrors['volume.shrink_not_allowed'],
          `The volume has ${current.sizeGib} GiB; it can grow, not shrink to ${input.sizeGib} GiB.`,
          { currentSizeGib: current.sizeGib },
          [{ field: 'sizeGib', code: 'shrink_not_allowed', message: `sizeGib must be at least ${current.sizeGib}` }],
        );
      }
      if (verdict === 'grow' && current.status !== 'available' && current.status !== 'attached') throw notAvailable(current);
      let updated: Volume | null;
      try {
        updated = await this.volumes.update(
          access.accountId,
          id,
          {
            ...(input.name !== undefined ? { name: input.name } : {}),
            ...(verdict === 'grow' ? { sizeGib: input.sizeGib } : {}),
            ...(input.labels !== undefined ? { labels: input.labels } : {}),
          },
          current.version,
          tx,
        );
      } catch (error) {
        if (isUniqueViolation(error, LIVE_NAME_CONSTRAINT)) throw nameTaken(input.name!);
        throw error;
      }
      if (!updated) throw preconditionFailed();
      if (verdict === 'grow' && updated.attachedVmId) await this.notifier.resized(updated, updated.attachedVmId, tx);
      return versioned(updated);
    });
  }

  /**
   * Deletes a volume that nothing holds (409 `volume.attached` otherwise).
   * The name is free again at once; snapshots of it are kept. An s3 volume's
   * credentials secret is deleted with it; the bucket is left as it is.
   */
  async delete(access: AccountAccess, id: string, expectedVersion: number | undefined): Promise<void> {
    const current = await this.owned(access, id);
    assertVersion(expectedVersion, current.version);
    if (current.attachedVmId !== null) throw attachedError(current);
    const deleted = await this.volumes.markDeleted(access.accountId, id, current.version);
    if (!deleted) {
      const now = await this.owned(access, id);
      if (now.attachedVmId !== null) throw attachedError(now);
      if (now.version !== current.version) throw preconditionFailed();
      throw notAvailable(now);
    }
    if (deleted.s3CredentialsSecret) await this.dropS3Credentials(access, deleted.s3CredentialsSecret);
  }

  async attach(access: AccountAccess, id: string, vmId: string): Promise<Versioned<VolumeResponseDto>> {
    return this.transactions.run(async (tx) => {
      const volume = await this.owned(access, id, tx);
      const vm = await this.volumes.findLiveVm(access.accountId, vmId, tx);
      if (!vm) {
        throw new DomainError(StorageErrors['volume.vm_unknown'], `The account has no live VM ${vmId}.`, {}, [
          { field: 'vmId', code: 'unknown', message: 'no live VM with this id in the account' },
        ]);
      }
      return versioned(await this.attachments.attach(volume, vm, tx));
    });
  }

  /** Detaches the volume from its VM; detaching a volume attached to nothing changes nothing. */
  async detach(access: AccountAccess, id: string): Promise<Versioned<VolumeResponseDto>> {
    return this.transactions.run(async (tx) => {
      const volume = await this.owned(access, id, tx);
      if (volume.attachedVmId === null) return versioned(volume);
      return versioned((await this.attachments.markDetached(volume.id, tx)) ?? volume);
    });
  }

  /** The account's live volume (404 otherwise); locked until the end of the transaction when `lock` is given. */
  private async owned(access: AccountAccess, id: string, lock?: Db): Promise<Volume> {
    const volume = lock ? await this.volumes.findLiveForUpdate(access.accountId, id, lock) : await this.volumes.findLive(access.accountId, id);
    if (!volume) throw notFound('Volume');
    return volume;
  }

  private async resolveSource(access: AccountAccess, zone: string, source: VolumeSourceDto | undefined): Promise<ResolvedSource> {
    const kind = source?.kind ?? 'empty';
    const fieldOfKind = { empty: null, image: 'image', snapshot: 'snapshotId', url: 'url' } as const;
    const extra = (['image', 'snapshotId', 'url'] as const).filter((field) => source?.[field] !== undefined && field !== fieldOfKind[kind]);
    if (extra.length > 0) {
      throw new DomainError(
        CommonErrors['request.invalid'],
        `A source of kind ${kind} takes no ${extra.join(' or ')}.`,
        {},
        extra.map((field) => ({ field: `source.${field}`, code: 'not_applicable', message: `source.${field} does not apply to kind ${kind}` })),
      );
    }
    switch (kind) {
      case 'empty':
        return { kind, ref: null, addresses: [], facts: {} };
      case 'image': {
        const minDiskGib = await this.volumes.imageMinDiskGib(source!.image!);
        if (minDiskGib === null) {
          throw new DomainError(StorageErrors['volume.image_unknown'], `There is no enabled image named ${source!.image}.`, {}, [
            { field: 'source.image', code: 'unknown', message: 'no enabled image with this name' },
          ]);
        }
        return { kind, ref: source!.image!, addresses: [], facts: { minSizeGib: minDiskGib } };
      }
      case 'snapshot': {
        const snapshot = await this.snapshots.findLive(access.accountId, source!.snapshotId!);
        const usable = snapshot && snapshot.status === 'available' && (snapshot.location === 'platform' || snapshot.zone === zone);
        if (!usable) {
          const detail = !snapshot
            ? `The account has no snapshot ${source!.snapshotId}.`
            : snapshot.status !== 'available'
              ? `Snapshot ${snapshot.id} is ${snapshot.status}.`
              : `Snapshot ${snapshot.id} is kept on a node in zone ${snapshot.zone}: restore it in that zone.`;
          throw new DomainError(StorageErrors['volume.snapshot_unknown'], detail, {}, [
            { field: 'source.snapshotId', code: 'unusable', message: 'no available snapshot with this id usable in this zone' },
          ]);
        }
        return {
          kind,
          ref: snapshot.id,
          addresses: [],
          facts: { minSizeGib: snapshot.sizeGib, snapshotLocation: snapshot.location, snapshotNodeId: snapshot.nodeId },
        };
      }
      case 'url': {
        const checked = await checkSourceUrl(source!.url!, (host) => this.resolver.resolve(host));
        if (!checked.ok) {
          throw new DomainError(StorageErrors['volume.source_url_refused'], checked.reason, { reason: checked.code }, [
            { field: 'source.url', code: checked.code, message: checked.reason },
          ]);
        }
        return { kind, ref: checked.url.href, addresses: checked.addresses, facts: {} };
      }
    }
  }

  private async checkS3Endpoint(endpoint: string): Promise<string> {
    const checked = await checkSourceUrl(endpoint, (host) => this.resolver.resolve(host));
    if (!checked.ok) {
      throw new DomainError(StorageErrors['volume.s3_endpoint_refused'], checked.reason, { reason: checked.code }, [
        { field: 's3.endpoint', code: checked.code, message: checked.reason },
      ]);
    }
    return checked.url.href;
  }

  /** Seals the keys as an account secret; the volume row only names it. */
  private async storeS3Credentials(access: AccountAccess, volumeId: string, s3: S3SettingsDto): Promise<string> {
    const name = s3CredentialsSecretName(volumeId);
    await this.secrets.create(access, { name, value: JSON.stringify({ accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }) });
    return name;
  }

  private async dropS3Credentials(access: AccountAccess, name: string): Promise<void> {
    try {
      await this.secrets.delete(access, name, undefined);
    } catch (error) {
      // Already deleted by the account: nothing is left to remove.
      if (!(error instanceof DomainError && error.code === 'resource.not_found')) {
        this.logger.warn({ msg: 'could not delete the credentials secret of an s3 volume', secret: name, errorName: (error as Error).name });
      }
    }
  }
}

function versioned(volume: Volume): Versioned<VolumeResponseDto> {
  return new Versioned(toVolumeResponse(volume), volume.version);
}

function assertLabels(labels: unknown): void {
  if (labels === undefined) return;
  const problems: FieldError[] = labelProblems(labels);
  if (problems.length > 0) {
    throw new DomainError(CommonErrors['request.validation_failed'], `The request has ${problems.length} problem(s) in: labels.`, {}, problems);
  }
}

function nameTaken(name: string): DomainError {
  return new DomainError(StorageErrors['volume.name_taken'], `The account already has a volume named ${name}.`);
}

function attachedError(volume: Volume): DomainError {
  return new DomainError(StorageErrors['volume.attached'], `The volume is attached to VM ${volume.attachedVmId}; detach it first.`, {
    attachedVmId: volume.attachedVmId,
  });
}

function preconditionFailed(): DomainError {
  return new DomainError(CommonErrors['request.precondition_failed'], 'The volume changed since it was read; fetch it again.');
}
