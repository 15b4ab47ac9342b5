import type { Assignment } from '@statemesh/agent-protocol';
import type { VmInfo } from '../drivers/hypervisor-driver';

export type FenceVerdict =
  | { kind: 'run' }
  /** A create-vm of a newer placement while an older copy is still here: remove the old copy first. */
  | { kind: 'replace' }
  /** Older than a generation already seen for the VM: refuse it (acknowledged as failed). */
  | { kind: 'refuse'; reason: string };

/**
 * Fencing by placement generation. The platform bumps a VM's generation at
 * every placement and stamps it on every assignment; this remembers the
 * highest generation seen per VM (from assignments, and from the copies the
 * driver holds, so an agent restart keeps the knowledge) and refuses
 * anything older. A VM placed elsewhere since can then never be started
 * here again by a late or replayed assignment.
 */
export class GenerationFence {
  private readonly highest = new Map<string, number>();

  /** Learns the generations of the copies the hypervisor holds. */
  observe(vms: readonly VmInfo[]): void {
    for (const vm of vms) if (vm.generation !== undefined) this.raise(vm.vmId, vm.generation);
  }

  judge(assignment: Assignment, local: VmInfo | undefined): FenceVerdict {
    const generation = assignment.generation;
    if (generation === undefined) return { kind: 'run' };
    const seen = this.highest.get(assignment.vmId);
    if (seen !== undefined && generation < seen) {
      return { kind: 'refuse', reason: `stale assignment: generation ${generation} is older than ${seen}, already seen for VM ${assignment.vmId}` };
    }
    if (assignment.action === 'create-vm' && local?.generation !== undefined && local.generation < generation) return { kind: 'replace' };
    return { kind: 'run' };
  }

  /** After running (or accepting) an assignment. */
  accept(assignment: Assignment): void {
    if (assignment.generation !== undefined) this.raise(assignment.vmId, assignment.generation);
  }

  generationOf(vmId: string): number | undefined {
    return this.highest.get(vmId);
  }

  private raise(vmId: string, generation: number): void {
    const seen = this.highest.get(vmId);
    if (seen === undefined || generation > seen) this.highest.set(vmId, generation);
  }
}
