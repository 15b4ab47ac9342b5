import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@statemesh/common';
import type { Db, Volume } from '@statemesh/database';
import { VolumeSnapshotRepository } from '../snapshots/volume-snapshot.repository';
import { StorageErrors } from '../storage.errors';
import { VOLUME_ATTACHMENT_NOTIFIER, type VolumeAttachmentNotifier } from './volume-attachment.notifier';
import { VolumeRepository, type AttachableVm } from './volume.repository';
import { LocalDiskLedger } from './local-disk.ledger';

/** What a node loss took with it. */
export interface NodeLoss {
  volumeIds: string[];
  snapshotIds: string[];
}

/**
 * Volume attachment rules, for the volume routes and for the compute context
 * (VM creation with volumes, placement, VM deletion, node loss). Methods that
 * take `db` run inside the caller's transaction.
 *
 * Rules: a volume is attached to at most one VM; the VM must be live, in the
 * account and in the volume's zone; a `local` volume pins the VM to the node
 * its disk is on, so all local volumes of a VM are on one node, which is the
 * VM's node once it is placed.
 */
@Injectable()
export class VolumeAttachmentService {
  constructor(
    private readonly volumes: VolumeRepository,
    private readonly snapshots: VolumeSnapshotRepository,
    private readonly localDisks: LocalDiskLedger,
    @Inject(VOLUME_ATTACHMENT_NOTIFIER) private readonly notifier: VolumeAttachmentNotifier,
  ) {}

  /**
   * The volume, if a new VM in `zone` may be created with it attached:
   * live, in the account and the zone, and attached to nothing. Throws the
   * problem to answer otherwise (422 `volume.unknown`, 422
   * `volume.zone_mismatch`, 409 `volume.attached_elsewhere`,
   * 409 `volume.not_available`).
   */
  async findAttachable(accountId: string, volumeId: string, zone: string, db?: Db): Promise<Volume> {
    const volume = await this.volumes.findLive(accountId, volumeId, db);
    if (!volume) throw new DomainError(StorageErrors['volume.unknown'], `The account has no volume ${volumeId}.`, { volumeId });
    if (volume.zone !== zone) {
      throw new DomainError(StorageErrors['volume.zone_mismatch'], `Volume ${volumeId} is in zone ${volume.zone}, not ${zone}.`, { volumeId });
    }
    if (volume.attachedVmId !== null) {
      throw new DomainError(StorageErrors['volume.attached_elsewhere'], `Volume ${volumeId} is attached to VM ${volume.attachedVmId}.`, {
        volumeId,
        attachedVmId: volume.attachedVmId,
      });
    }
    if (volume.status !== 'available') throw notAvailable(volume);
    return volume;
  }

  /**
   * Attaches the volume to a live VM of its account (idempotent for the same
   * VM) and tells the notifier, in the caller's transaction. A local volume
   * without a node is bound to the VM's node, or to the node its other local
   * volumes pin it to. Throws 422 `volume.vm_unknown` / `volume.zone_mismatch`,
   * 409 `volume.attached_elsewhere` / `volume.node_mismatch` / `volume.not_available`.
   */
  async markAttached(volumeId: string, vmId: string, db: Db): Promise<Volume> {
    const volume = await this.volumes.findById(volumeId, db);
    if (!volume || volume.status === 'deleted') {
      throw new DomainError(StorageErrors['volume.unknown'], `There is no volume ${volumeId}.`, { volumeId });
    }
    const vm = await this.volumes.findLiveVm(volume.accountId, vmId, db);
    if (!vm) throw new DomainError(StorageErrors['volume.vm_unknown'], `The account has no live VM ${vmId}.`, { vmId });
    return this.attach(volume, vm, db);
  }

  /** The volume and VM are known to be of one account: apply the rules and attach. */
  async attach(volume: Volume, vm: AttachableVm, db: Db): Promise<Volume> {
    if (volume.attachedVmId === vm.id) return volume;
    if (volume.attachedVmId !== null) {
      throw new DomainError(StorageErrors['volume.attached_elsewhere'], `Volume ${volume.id} is attached to VM ${volume.attachedVmId}; detach it first.`, {
        attachedVmId: volume.attachedVmId,
      });
    }
    if (volume.status !== 'available') throw notAvailable(volume);
    if (volume.zone !== vm.zone) {
      throw new DomainError(StorageErrors['volume.zone_mismatch'], `The volume is in zone ${volume.zone} and VM ${vm.id} in ${vm.zone}.`);
    }
    const bindNodeId = volume.provider === 'local' ? await this.localNodeFor(volume, vm, db) : null;
    const attached = await this.volumes.attach(volume.id, vm.id, bindNodeId, db);
    if (!attached) {
      // Someone else changed it between the read and the write.
      const current = await this.volumes.findById(volume.id, db);
      if (current?.attachedVmId === vm.id) return current;
      if (current?.attachedVmId) {
        throw new DomainError(StorageErrors['volume.attached_elsewhere'], `Volume ${volume.id} is attached to VM ${current.attachedVmId}.`, {
          attachedVmId: current.attachedVmId,
        });
      }
      throw notAvailable(current ?? volume);
    }
    if (bindNodeId !== null && volume.nodeId === null) await this.localDisks.hold(bindNodeId, attached.sizeGib, db);
    await this.notifier.attached(attached, vm.id, db);
    return attached;
  }

  /**
   * Detaches the volume from its VM (idempotent: null when it was attached
   * to nothing) and tells the notifier, in the caller's transaction.
   */
  async markDetached(volumeId: string, db: Db): Promise<Volume | null> {
    const before = await this.volumes.findById(volumeId, db);
    if (!before?.attachedVmId) return null;
    const detached = await this.volumes.detach(volumeId, db);
    if (detached) await this.notifier.detached(detached, before.attachedVmId, db);
    return detached;
  }

  /** Detaches every volume of a VM that is being deleted. Local volumes keep their node. */
  async detachAllFromVm(vmId: string, db: Db): Promise<Volume[]> {
    const detached: Volume[] = [];
    for (const volume of await this.volumes.findAttachedTo(vmId, db)) {
      const result = await this.volumes.detach(volume.id, db);
      if (result) detached.push(result);
    }
    return detached;
  }

  /** Volumes attached to a VM, in id order (for the VM's response and its agent's assignment). */
  attachedTo(vmId: string, db?: Db): Promise<Volume[]> {
    return this.volumes.findAttachedTo(vmId, db);
  }

  /** The volumes attached to each of the VMs (those with none are absent from the map). */
  async attachedToEach(vmIds: readonly string[], db?: Db): Promise<Map<string, Volume[]>> {
    const byVm = new Map<string, Volume[]>();
    if (vmIds.length === 0) return byVm;
    for (const volume of await this.volumes.findAttachedToAny(vmIds, db)) {
      const vmId = volume.attachedVmId as string;
      byVm.set(vmId, [...(byVm.get(vmId) ?? []), volume]);
    }
    return byVm;
  }

  /** The node a VM must be placed on because a local volume of it is there; null when it is free to go anywhere. */
  async localPinOf(vmId: string, db?: Db): Promise<string | null> {
    const nodes = await this.volumes.localNodesOf(vmId, db);
    return nodes[0] ?? null;
  }

  /** After placement: binds the VM's still unbound local volumes to its node. Returns how many were bound. */
  async bindLocalVolumes(vmId: string, nodeId: string, db: Db): Promise<number> {
    const bound = await this.volumes.bindLocalVolumes(vmId, nodeId, db);
    for (const volume of bound) await this.localDisks.hold(nodeId, volume.sizeGib, db);
    return bound.length;
  }

  /**
   * A node is gone for good: its local volumes and the snapshots kept on it
   * are `lost` (platform and S3 volumes are unaffected; they stay attached
   * and follow their VM wherever it is rescheduled).
   */
  async markLostForNode(nodeId: string, db?: Db): Promise<NodeLoss> {
    return { volumeIds: await this.volumes.markLostOnNode(nodeId, db), snapshotIds: await this.snapshots.markLostOnNode(nodeId, db) };
  }

  /** A node agent (or the storage layer) finished filling a `creating` volume. Null if it was not creating. */
  finishCreation(volumeId: string, outcome: { status: 'available' | 'error'; reason?: string }, db?: Db): Promise<Volume | null> {
    return this.volumes.finishCreation(volumeId, { status: outcome.status, reason: outcome.reason ?? null }, db);
  }

  private async localNodeFor(volume: Volume, vm: AttachableVm, db: Db): Promise<string | null> {
    const pinned = await this.volumes.localNodesOf(vm.id, db);
    const wanted = [volume.nodeId, vm.nodeId, ...pinned].filter((node): node is string => node !== null);
    const distinct = [...new Set(wanted)];
    if (distinct.length > 1) {
      throw new DomainError(
        StorageErrors['volume.node_mismatch'],
        volume.nodeId !== null
          ? `The volume's disk is on node ${volume.nodeId}, but VM ${vm.id} is (or must be) on node ${distinct.find((node) => node !== volume.nodeId)}.`
          : `VM ${vm.id} is tied to more than one node.`,
        { nodeId: volume.nodeId },
      );
    }
    return volume.nodeId === null ? (distinct[0] ?? null) : null;
  }
}

export function notAvailable(volume: Volume): DomainError {
  return new DomainError(StorageErrors['volume.not_available'], `The volume is ${volume.status}.`, { currentStatus: volume.status });
}
