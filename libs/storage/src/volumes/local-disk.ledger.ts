import { Injectable } from '@nestjs/common';
import { DomainError } from '@statemesh/common';
import type { Db } from '@statemesh/database';
import { NodeCapacityRepository } from '@statemesh/nodes';
import { StorageErrors } from '../storage.errors';

/**
 * A local volume is a disk on one node: its size is held on that node's disk
 * capacity from the moment it is bound to the node, with the same
 * conditional update VM placement uses, so local volumes and root disks
 * together never over-commit a node's disk. Released when the volume is deleted.
 */
@Injectable()
export class LocalDiskLedger {
  constructor(private readonly capacity: NodeCapacityRepository) {}

  /** Holds `gib` on the node, in the caller's transaction; 409 `volume.node_full` when the disk cannot take it. */
  async hold(nodeId: string, gib: number, db: Db): Promise<void> {
    if (gib <= 0) return;
    if (!(await this.capacity.reserve(nodeId, { vcpu: 0, memoryMib: 0, diskGib: gib }, db))) {
      throw new DomainError(StorageErrors['volume.node_full'], `Node ${nodeId} has no ${gib} GiB of free disk (or takes no new work).`, { nodeId });
    }
  }

  async release(nodeId: string, gib: number, db: Db): Promise<void> {
    if (gib > 0) await this.capacity.release(nodeId, { vcpu: 0, memoryMib: 0, diskGib: gib }, db);
  }
}
