import { Injectable } from '@nestjs/common';
import { DomainError, newId, notFound } from '@statemesh/common';
import { TransactionRunner, type VmSnapshot } from '@statemesh/database';
import { pageRequest, toPage, type Page } from '@statemesh/http';
import type { AccountAccess } from '@statemesh/identity';
import { VolumeAttachmentService, VolumeSnapshotsService } from '@statemesh/storage';
import { AssignmentIssuer } from '../assignments/assignment-issuer';
import { VmRepository } from '../vms/vm.repository';
import { VmsErrors } from '../vms/vms.errors';
import type { CreateVmSnapshotDto, VmSnapshotResponseDto } from './dto/vm-snapshot.dto';
import { VmSnapshotRepository } from './vm-snapshot.repository';

/** Statuses in which a VM is on its node with a root disk to snapshot. */
const SNAPSHOTTABLE = ['running', 'stopped', 'provisioning', 'starting', 'restarting', 'stopping', 'suspended', 'failed', 'crashLoop'];

/**
 * VM snapshots: the node agent snapshots the root disk and the attached
 * volumes at one moment (crash-consistent) through a `snapshot-vm`
 * assignment. The root-disk snapshot stays on that node; each volume gets
 * its own volume snapshot, restorable into a new volume.
 */
@Injectable()
export class VmSnapshotsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly vms: VmRepository,
    private readonly snapshots: VmSnapshotRepository,
    private readonly volumes: VolumeAttachmentService,
    private readonly volumeSnapshots: VolumeSnapshotsService,
    private readonly issuer: AssignmentIssuer,
  ) {}

  async create(access: AccountAccess, vmId: string, input: CreateVmSnapshotDto): Promise<VmSnapshotResponseDto> {
    const vm = await this.vms.findInAccount(access.accountId, vmId);
    if (!vm) throw notFound('VM');
    if (!vm.nodeId || !SNAPSHOTTABLE.includes(vm.status)) {
      throw new DomainError(VmsErrors['vm.invalid_transition'], `A VM that is ${vm.status} has no root disk on a node to snapshot.`, { currentStatus: vm.status });
    }
    const nodeId = vm.nodeId;
    const snapshot = await this.tx.run(async (db) => {
      const attached = await this.volumes.attachedTo(vm.id, db);
      const volumeSnapshots = [];
      for (const volume of attached) volumeSnapshots.push(await this.volumeSnapshots.recordSnapshot({ accountId: vm.accountId, volumeId: volume.id, name: input.name, vmId: vm.id }, db));
      const created = await this.snapshots.create(
        {
          id: newId(),
          accountId: vm.accountId,
          vmId: vm.id,
          name: input.name ?? null,
          nodeId,
          zone: vm.zone,
          image: vm.image,
          rootDiskGib: vm.rootDiskGib,
          volumeSnapshotIds: volumeSnapshots.map((volumeSnapshot) => volumeSnapshot.id),
        },
        db,
      );
      await this.issuer.issue(db, vm, nodeId, 'snapshot-vm', vm.generation, { snapshotId: created.id });
      await this.vms.addEvent({ vmId: vm.id, accountId: vm.accountId, type: 'action', reason: 'snapshot', message: `Snapshot ${created.id} requested.`, actor: 'system:api' }, db);
      return created;
    });
    return toVmSnapshotResponse(snapshot);
  }

  async list(access: AccountAccess, vmId: string, query: { limit?: number; cursor?: string }): Promise<Page<VmSnapshotResponseDto>> {
    if (!(await this.vms.findInAccount(access.accountId, vmId))) throw notFound('VM');
    const request = pageRequest(query);
    return toPage(await this.snapshots.listForVm(vmId, request), request, (row) => row.id, toVmSnapshotResponse);
  }

  /** The node acknowledged its snapshot-vm assignment. Repeated acknowledgements change nothing. */
  async completed(snapshotId: string, outcome: 'done' | 'failed', message?: string): Promise<void> {
    await this.tx.run(async (db) => {
      const done = outcome === 'done';
      const changed = await this.snapshots.complete(snapshotId, done ? { status: 'available' } : { status: 'failed', reason: message ?? 'The node could not take the snapshot.' }, db);
      if (!changed) return;
      const snapshot = await this.snapshots.findById(snapshotId, db);
      for (const id of snapshot?.volumeSnapshotIds ?? []) await this.volumeSnapshots.finish(id, done ? 'available' : 'error', db);
    });
  }
}

export function toVmSnapshotResponse(snapshot: VmSnapshot): VmSnapshotResponseDto {
  return {
    id: snapshot.id,
    vmId: snapshot.vmId,
    name: snapshot.name,
    status: snapshot.status,
    location: 'node',
    nodeId: snapshot.nodeId,
    image: snapshot.image,
    rootDiskGib: snapshot.rootDiskGib,
    volumeSnapshotIds: snapshot.volumeSnapshotIds,
    failureReason: snapshot.failureReason,
    createdAt: snapshot.createdAt.toISOString(),
    completedAt: snapshot.completedAt?.toISOString() ?? null,
  };
}
