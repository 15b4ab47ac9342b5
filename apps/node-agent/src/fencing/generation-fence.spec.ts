import type { Assignment } from '@statemesh/agent-protocol';
import type { VmInfo } from '../drivers/hypervisor-driver';
import { GenerationFence } from './generation-fence';

const assignment = (action: Assignment['action'], generation?: number): Assignment => ({ id: `a-${action}-${generation}`, action, vmId: 'vm1', ...(generation !== undefined ? { generation } : {}) });
const copy = (generation?: number): VmInfo => ({ vmId: 'vm1', state: 'running', since: new Date(), vcpu: 1, memoryMib: 512, diskGib: 10, volumes: [], ...(generation !== undefined ? { generation } : {}) });

describe('GenerationFence', () => {
  it('refuses assignments older than a generation already seen', () => {
    const fence = new GenerationFence();
    fence.accept(assignment('create-vm', 3));
    expect(fence.judge(assignment('start-vm', 2), copy(3))).toMatchObject({ kind: 'refuse' });
    expect(fence.judge(assignment('start-vm', 3), copy(3))).toEqual({ kind: 'run' });
    expect(fence.judge(assignment('delete-vm', 5), copy(3))).toEqual({ kind: 'run' });
  });

  it('learns generations from the copies the hypervisor holds (an agent restart forgets nothing)', () => {
    const fence = new GenerationFence();
    fence.observe([copy(4)]);
    expect(fence.judge(assignment('start-vm', 3), copy(4))).toMatchObject({ kind: 'refuse' });
  });

  it('replaces an older local copy when a newer placement creates the VM here', () => {
    const fence = new GenerationFence();
    expect(fence.judge(assignment('create-vm', 5), copy(3))).toEqual({ kind: 'replace' });
    expect(fence.judge(assignment('create-vm', 3), copy(3))).toEqual({ kind: 'run' });
  });

  it('runs assignments without a generation (older control planes)', () => {
    const fence = new GenerationFence();
    fence.accept(assignment('create-vm', 3));
    expect(fence.judge(assignment('stop-vm'), copy(3))).toEqual({ kind: 'run' });
  });
});
