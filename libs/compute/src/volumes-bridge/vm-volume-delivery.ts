import { Injectable, OnModuleInit } from '@nestjs/common';
import type { VolumeAttachmentSpec } from '@statemesh/agent-protocol';
import type { Db, Volume } from '@statemesh/database';
import { VolumeAttachmentRelay, type VolumeAttachmentNotifier } from '@statemesh/storage';
import { AssignmentIssuer } from '../assignments/assignment-issuer';
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
