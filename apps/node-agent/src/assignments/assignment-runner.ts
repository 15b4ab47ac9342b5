import type { Assignment } from '@statemesh/agent-protocol';
import type { HypervisorDriver } from '../drivers/hypervisor-driver';

/**
 * Carries out one assignment on the hypervisor. Assignments arrive at least
 * once, so each action is written to be safe to repeat: creating a VM that
 * exists, deleting one that is gone, attaching a volume that is attached all
 * end in the state the assignment asked for.
 */
export async function runAssignment(driver: HypervisorDriver, assignment: Assignment): Promise<void> {
  const { vmId } = assignment;
  switch (assignment.action) {
    case 'create-vm': {
      if (!assignment.vm) throw new Error(`assignment ${assignment.id} has no VM spec`);
      const existing = (await driver.listVms()).find((vm) => vm.vmId === vmId);
      if (!existing) await driver.createVm(assignment.vm);
      const attached = existing?.volumes ?? [];
      for (const volume of assignment.vm.volumes ?? []) {
        if (!attached.includes(volume.volumeId)) await driver.attachVolume(vmId, volume);
      }
      return;
    }
    case 'start-vm':
      await driver.startVm(vmId);
      return;
    case 'stop-vm':
      await driver.stopVm(vmId);
      return;
    case 'restart-vm':
      await driver.stopVm(vmId);
      await waitUntilStopped(driver, vmId);
      await driver.startVm(vmId);
      return;
    case 'reset-vm':
      await driver.resetVm(vmId);
      return;
    case 'delete-vm':
      await driver.deleteVm(vmId);
      return;
    case 'attach-volume': {
      if (!assignment.volume) throw new Error(`assignment ${assignment.id} has no volume`);
      const vm = (await driver.listVms()).find((candidate) => candidate.vmId === vmId);
      if (!vm?.volumes.includes(assignment.volume.volumeId)) await driver.attachVolume(vmId, assignment.volume);
      return;
    }
    case 'detach-volume': {
      if (!assignment.volume) throw new Error(`assignment ${assignment.id} has no volume`);
      const vm = (await driver.listVms()).find((candidate) => candidate.vmId === vmId);
      if (vm?.volumes.includes(assignment.volume.volumeId)) await driver.detachVolume(vmId, assignment.volume.volumeId);
      return;
    }
    case 'prepare-volume':
      if (!assignment.volume || !assignment.source) throw new Error(`assignment ${assignment.id} has no volume or source`);
      await driver.prepareVolume(assignment.volume, assignment.source);
      return;
    case 'snapshot-volume':
      if (!assignment.volume || !assignment.snapshotId) throw new Error(`assignment ${assignment.id} has no volume or snapshot id`);
      await driver.snapshotVolume(assignment.volume.volumeId, assignment.snapshotId);
      return;
    case 'snapshot-vm':
      if (!assignment.snapshotId) throw new Error(`assignment ${assignment.id} has no snapshot id`);
      await driver.snapshotVm(vmId, assignment.snapshotId);
      return;
    default:
      return assertNever(assignment.action);
  }
}

/** A clean shutdown finishes in the background; a restart starts the VM again once it has. */
async function waitUntilStopped(driver: HypervisorDriver, vmId: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const vm = (await driver.listVms()).find((candidate) => candidate.vmId === vmId);
    if (!vm || vm.state === 'stopped' || vm.state === 'failed') return;
    if (Date.now() > deadline) throw new Error(`VM ${vmId} did not stop within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function assertNever(value: never): never {
  throw new Error(`unknown assignment action: ${String(value)}`);
}
