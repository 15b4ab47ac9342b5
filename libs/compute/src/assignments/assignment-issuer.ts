import { Injectable } from '@nestjs/common';
import type { AssignmentAction, VmHealthCheckSpec, VmSpec, VolumeAttachmentSpec, VolumeSourceSpec } from '@statemesh/agent-protocol';
import { newId } from '@statemesh/common';
import type { Db, Prisma } from '@statemesh/database';
import type { VmWithPorts } from '../vms/vm.repository';
import { AssignmentRepository } from './assignment.repository';

/**
 * Turns a decision about a VM into work for its node. The stored payload
 * holds what the node needs except secrets: cloud-init is kept as the
 * template and rendered only when the assignment is delivered.
 */
@Injectable()
export class AssignmentIssuer {
  constructor(private readonly assignments: AssignmentRepository) {}

  /** Writes the assignment in the caller's transaction; signal the node (`nodeSignal`) after commit. */
  async issue(
    db: Db,
    vm: VmWithPorts,
    nodeId: string,
    action: AssignmentAction,
    generation: number,
    options: { start?: boolean; volumes?: VolumeAttachmentSpec[]; volume?: VolumeAttachmentSpec; snapshotId?: string } = {},
  ): Promise<string> {
    const id = newId();
    const payload: Prisma.InputJsonObject =
      action === 'create-vm'
        ? { vm: specOf(vm, options.start ?? true, options.volumes ?? []) as unknown as Prisma.InputJsonObject }
        : options.volume
          ? { volume: options.volume as unknown as Prisma.InputJsonObject }
          : options.snapshotId
            ? { snapshotId: options.snapshotId }
            : {};
    await this.assignments.create({ id, nodeId, vmId: vm.id, action, generation, payload }, db);
    return id;
  }

  /** `issue(db, vm, nodeId, 'create-vm', generation, options)` for many VMs, written in one statement. */
  async issueCreates(
    db: Db,
    creates: ReadonlyArray<{ vm: VmWithPorts; nodeId: string; generation: number; start: boolean; volumes: VolumeAttachmentSpec[] }>,
  ): Promise<void> {
    await this.assignments.createMany(
      creates.map(({ vm, nodeId, generation, start, volumes }) => ({
        id: newId(),
        nodeId,
        vmId: vm.id,
        action: 'create-vm',
        generation,
        payload: { vm: specOf(vm, start, volumes) as unknown as Prisma.InputJsonObject },
      })),
      db,
    );
  }
}

/** Volume work for a node that is not about a VM: fill a volume from its source, snapshot a local volume. */
export async function issueVolumeWork(
  assignments: AssignmentRepository,
  db: Db,
  nodeId: string,
  action: 'prepare-volume' | 'snapshot-volume',
  volume: VolumeAttachmentSpec,
  extra: { source?: VolumeSourceSpec; snapshotId?: string },
): Promise<string> {
  const id = newId();
  const payload = { volume, ...extra } as unknown as Prisma.InputJsonObject;
  await assignments.create({ id, nodeId, vmId: null, volumeId: volume.volumeId, action, generation: 0, payload }, db);
  return id;
}

/** The pub/sub key a node's long-poll waits on. */
export function nodeSignal(nodeId: string): string {
  return `node:${nodeId}`;
}

/** The pub/sub key waiters for a VM's status wait on. */
export function vmSignal(vmId: string): string {
  return `vm:${vmId}`;
}

function specOf(vm: VmWithPorts, start: boolean, volumes: VolumeAttachmentSpec[]): VmSpec {
  return {
    vmId: vm.id,
    name: vm.name,
    vcpu: vm.vcpu,
    memoryMib: vm.memoryMib,
    diskGib: vm.rootDiskGib,
    image: vm.image,
    mode: vm.mode,
    ...(vm.gpuModel && vm.gpuCount > 0 ? { gpus: { model: vm.gpuModel, count: vm.gpuCount } } : {}),
    ...(vm.cloudInit !== null ? { cloudInit: vm.cloudInit } : {}),
    sshKeys: vm.sshKeys,
    ports: vm.ports.map((port) => ({
      protocol: port.protocol,
      targetPort: port.targetPort,
      fqdn: port.fqdn,
      ...(port.publicPort !== null ? { publicPort: port.publicPort } : {}),
    })),
    volumes,
    ...(vm.fromSnapshotId ? { fromSnapshotId: vm.fromSnapshotId } : {}),
    start,
    ...(vm.healthCheck !== null ? { healthCheck: vm.healthCheck as unknown as VmHealthCheckSpec } : {}),
  };
}
