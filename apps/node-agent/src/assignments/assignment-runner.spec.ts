import { SimulatorDriver } from '../drivers/simulator-driver';
import { runAssignment } from './assignment-runner';

describe('runAssignment', () => {
  it('carries out each action, and repeating one changes nothing', async () => {
    const driver = new SimulatorDriver({ bootDelayMs: 1 });
    const vm = { vmId: 'vm1', vcpu: 1, memoryMib: 1024, diskGib: 10, image: 'ubuntu-24.04' };
    const volume = { volumeId: 'vol1', provider: 'statemesh' as const, sizeGib: 5 };
    for (let round = 0; round < 2; round++) {
      await runAssignment(driver, { id: 'a1', action: 'create-vm', vmId: 'vm1', vm });
      await runAssignment(driver, { id: 'a2', action: 'attach-volume', vmId: 'vm1', volume });
      await runAssignment(driver, { id: 'a3', action: 'snapshot-vm', vmId: 'vm1', snapshotId: 'snap1' });
    }
    expect(await driver.listVms()).toMatchObject([{ vmId: 'vm1', volumes: ['vol1'] }]);
    for (let round = 0; round < 2; round++) {
      await runAssignment(driver, { id: 'a4', action: 'detach-volume', vmId: 'vm1', volume });
      await runAssignment(driver, { id: 'a5', action: 'delete-vm', vmId: 'vm1' });
    }
    expect(await driver.listVms()).toEqual([]);
    await expect(runAssignment(driver, { id: 'a6', action: 'create-vm', vmId: 'vm2' })).rejects.toThrow('no VM spec');
    await driver.close();
  });
});
