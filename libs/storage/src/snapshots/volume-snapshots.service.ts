import { Inject, Injectable } from '@nestjs/common';
import { CommonErrors, DomainError, newId, notFound } from '@statemesh/common';
import { PrismaService, TransactionRunner, type Db, type VolumeSnapshot } from '@statemesh/database';
import { Versioned, assertVersion, pageRequest, toPage, type Page } from '@statemesh/http';
import type { AccountAccess } from '@statemesh/identity';
import { StorageErrors } from '../storage.errors';
import { notAvailable } from '../volumes/volume-attachment.service';
import { VOLUME_ATTACHMENT_NOTIFIER, type VolumeAttachmentNotifier } from '../volumes/volume-attachment.notifier';
import { VolumeRepository } from '../volumes/volume.repository';
import type { CreateVolumeSnapshotDto, VolumeSnapshotListQueryDto, VolumeSnapshotResponseDto } from './dto/volume-snapshot.dto';
import { toVolumeSnapshotResponse } from './volume-snapshot.mapper';
import { VolumeSnapshotRepository } from './volume-snapshot.repository';

/** What a snapshot record needs: the volume, and the VM when a VM snapshot takes it. */
export interface SnapshotRequest {
  accountId: string;
  volumeId: string;
  name?: string | null;
  vmId?: string | null;
}

/**
 * Snapshots of volumes. Platform and S3 volumes are snapshotted by the
 * storage layer at once (copy-on-write): the snapshot is `available` when
 * recorded and kept by the platform. A local volume's snapshot is taken by
 * the agent of its node and kept there: it starts `creating`, says
 * `location: "node"` and is lost with the node. Restoring is creating a
 * volume with `source: {kind: "snapshot"}`.
 */
@Injectable()
export class VolumeSnapshotsService {
  constructor(
    private readonly snapshots: VolumeSnapshotRepository,
    private readonly volumes: VolumeRepository,
    private readonly prisma: PrismaService,
    private readonly transactions: TransactionRunner,
    @Inject(VOLUME_ATTACHMENT_NOTIFIER) private readonly notifier: VolumeAttachmentNotifier,
  ) {}

  async create(access: AccountAccess, volumeId: string, input: CreateVolumeSnapshotDto): Promise<Versioned<VolumeSnapshotResponseDto>> {
    const volume = await this.volumes.findLive(access.accountId, volumeId);
    if (!volume) throw notFound('Volume');
    const snapshot = await this.transactions.run(async (tx) => {
      const recorded = await this.recordSnapshot({ accountId: access.accountId, volumeId, name: input.name ?? null }, tx);
      // A local volume's snapshot is taken by its node (a VM snapshot hands its node that work itself).
      if (recorded.status === 'creating') await this.notifier.snapshotCreating(recorded, volume, tx);
      return recorded;
    });
    return versioned(snapshot);
  }

  /**
   * Records a snapshot of a volume that holds data (`available` or
   * `attached`; a local volume must be on a node). For the snapshot route
   * and for VM snapshots, which record one per attached volume inside their
   * own transaction. Throws 422 `volume.unknown`, 409 `volume.not_available`.
   */
  async recordSnapshot(request: SnapshotRequest, db: Db = this.prisma): Promise<VolumeSnapshot> {
    const volume = await this.volumes.findLive(request.accountId, request.volumeId, db);
    if (!volume) throw new DomainError(StorageErrors['volume.unknown'], `The account has no volume ${request.volumeId}.`);
    if (volume.status !== 'available' && volume.status !== 'attached') throw notAvailable(volume);
    const onNode = volume.provider === 'local';
    if (onNode && volume.nodeId === null) {
      throw new DomainError(StorageErrors['volume.not_available'], 'The local volume is not on a node yet: it holds no data to snapshot.', {
        currentStatus: volume.status,
      });
    }
    return this.snapshots.create(
      {
        id: newId(),
        accountId: volume.accountId,
        volumeId: volume.id,
        name: request.name ?? null,
        zone: volume.zone,
        sizeGib: volume.sizeGib,
        provider: volume.provider,
        status: onNode ? 'creating' : 'available',
        location: onNode ? 'node' : 'platform',
        nodeId: onNode ? volume.nodeId : null,
        vmId: request.vmId ?? null,
      },
      db,
    );
  }

  async listForVolume(access: AccountAccess, volumeId: string, query: VolumeSnapshotListQueryDto): Promise<Page<VolumeSnapshotResponseDto>> {
    if (!(await this.volumes.findLive(access.accountId, volumeId))) throw notFound('Volume');
    return this.list(access, { ...query, volumeId });
  }

  async list(access: AccountAccess, query: VolumeSnapshotListQueryDto): Promise<Page<VolumeSnapshotResponseDto>> {
    const request = pageRequest(query);
    const rows = await this.snapshots.list({ accountId: access.accountId, volumeId: query.volumeId, status: query.status }, request);
    return toPage(rows, request, (row) => row.id, toVolumeSnapshotResponse);
  }

  async get(access: AccountAccess, id: string): Promise<Versioned<VolumeSnapshotResponseDto>> {
    return versioned(await this.owned(access, id));
  }

  /** Deletes a snapshot that is not being taken; volumes restored from it are unaffected. */
  async delete(access: AccountAccess, id: string, expectedVersion: number | undefined): Promise<void> {
    const current = await this.owned(access, id);
    assertVersion(expectedVersion, current.version);
    if (await this.snapshots.markDeleted(access.accountId, id, current.version)) return;
    const now = await this.owned(access, id);
    if (now.version !== current.version) {
      throw new DomainError(CommonErrors['request.precondition_failed'], 'The snapshot changed since it was read; fetch it again.');
    }
    throw new DomainError(StorageErrors['snapshot.not_available'], `The snapshot is ${now.status}.`, { currentStatus: now.status });
  }

  /** A node agent finished taking a snapshot kept on its node (or failed to). Null if it was not being taken. */
  finish(snapshotId: string, status: 'available' | 'error', db?: Db): Promise<VolumeSnapshot | null> {
    return this.snapshots.finish(snapshotId, status, db);
  }

  private async owned(access: AccountAccess, id: string): Promise<VolumeSnapshot> {
    const snapshot = await this.snapshots.findLive(access.accountId, id);
    if (!snapshot) throw notFound('Snapshot');
    return snapshot;
  }
}

function versioned(snapshot: VolumeSnapshot): Versioned<VolumeSnapshotResponseDto> {
  return new Versioned(toVolumeSnapshotResponse(snapshot), snapshot.version);
}
