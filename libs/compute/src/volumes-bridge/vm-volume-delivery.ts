import { Injectable, OnModuleInit } from '@nestjs/common';
import type { VolumeAttachmentSpec } from '@statemesh/agent-protocol';
import type { Db, Volume, VolumeSnapshot } from '@statemesh/database';
import { NodeCapacityRepository } from '@statemesh/nodes';
import { VolumeAttachmentRelay, type VolumeAttachmentNotifier } from '@statemesh/storage';
import { AssignmentIssuer, issueVolumeWork } from '../assignments/assignment-issuer';
import { AssignmentRepository } from '../assignments/assignment.repository';
import { isActiveOnNode } from '../lifecycle/vm-state-machine';
import type { VmStatus } from '../lifecycle/vm-lifecycle.types';
import { VmRepository } from '../vms/vm.repository';

/**
 * Delivers volume changes to the node that runs the VM: an attach, detach or
 * resize of a VM's volume becomes an assignment for its node, written in the
 * transaction that changed the volume. A VM without a node gets nothing now:
 * placement hands it its volumes in the create spec.
 */
@Injectable()
export class VmVolumeDelivery implements VolumeAttachmentNotifier, OnModuleInit {
  constructor(
    private readonly relay: VolumeAttachmentRelay,
    private readonly vms: VmRepository,
    private readonly issuer: AssignmentIssuer,
    private readonly assignments: AssignmentRepository,
    private readonly capacity: NodeCapacityRepository,
  ) {}

  onModuleInit(): void {
    this.relay.connect(this);
  }

  attached(volume: Volume, vmId: string, db: Db): Promise<void> {
    return this.deliver('attach-volume', volume, vmId, db);
  }

  detached(volume: Volume, vmId: string, db: Db): Promise<void> {
    return this.deliver('detach-volume', volume, vmId, db);
  }

  /** The node grows the attached disk to the new size (attach-volume with the size is idempotent). */
  resized(volume: Volume, vmId: string, db: Db): Promise<void> {
    return this.deliver('attach-volume', volume, vmId, db);
  }

  /**
   * A volume to fill from its source: a local volume is filled by its node;
   * a replicated or S3 volume by an active node of its zone. With no such
   * node now, the volume stays `creating` until one is asked again.
   */
  async volumeCreating(volume: Volume, db: Db): Promise<void> {
    const nodeId = volume.provider === 'local' ? volume.nodeId : await this.anyActiveNode(volume.zone, db);
    if (!nodeId || !volume.sourceKind || volume.sourceKind === 'empty') return;
    const source = { kind: volume.sourceKind as 'image' | 'url' | 'snapshot', ...sourceRefOf(volume.sourceKind, volume.sourceRef) };
    await issueVolumeWork(this.assignments, db, nodeId, 'prepare-volume', volumeSpecOf(volume), { source });
  }

  async snapshotCreating(snapshot: VolumeSnapshot, volume: Volume, db: Db): Promise<void> {
    if (!snapshot.nodeId) return;
    await issueVolumeWork(this.assignments, db, snapshot.nodeId, 'snapshot-volume', volumeSpecOf(volume), { snapshotId: snapshot.id });
  }

  private async anyActiveNode(zone: string, db: Db): Promise<string | null> {
    const nodes = await this.capacity.listForPlacement({ zone }, db);
    return nodes.find((node) => node.status === 'active' && node.eligible && node.class !== 'edge')?.id ?? null;
  }

  private async deliver(action: 'attach-volume' | 'detach-volume', volume: Volume, vmId: string, db: Db): Promise<void> {
    const vm = await this.vms.findById(vmId, db);
    if (!vm?.nodeId || !isActiveOnNode(vm.status as VmStatus)) return;
    await this.issuer.issue(db, vm, vm.nodeId, action, vm.generation, { volume: volumeSpecOf(volume) });
  }
}

/** How a node finds a volume: provider-specific, never credentials (S3 keys reach the node through its own secret delivery). */
export function volumeSpecOf(volume: Volume): VolumeAttachmentSpec {
  const source =
    volume.provider === 's3'
      ? `s3://${volume.s3Bucket ?? ''}/${volume.s3Prefix ?? ''}`
      : volume.provider === 'local'
        ? `local://${volume.nodeId ?? ''}/${volume.id}`
        : `statemesh://${volume.zone}/${volume.id}`;
  return { volumeId: volume.id, provider: volume.provider, sizeGib: volume.sizeGib, source };
}

function sourceRefOf(kind: string, ref: string | null): { image?: string; url?: string; snapshotId?: string } {
  if (!ref) return {};
  if (kind === 'image') return { image: ref };
  if (kind === 'url') return { url: ref };
  return { snapshotId: ref };
}
