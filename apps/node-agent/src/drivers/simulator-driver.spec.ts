import { DriverError, type VmInfo } from './hypervisor-driver';
import { SimulatorDriver } from './simulator-driver';

const spec = { vmId: 'vm1', vcpu: 2, memoryMib: 4096, diskGib: 20, image: 'ubuntu-24.04' };

describe('SimulatorDriver', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('boots a VM after the boot delay and reports every state change', async () => {
    const driver = new SimulatorDriver({ bootDelayMs: 1_000 });
    const seen: VmInfo['state'][] = [];
    driver.onVmStateChange((vm) => seen.push(vm.state));
    expect((await driver.createVm(spec)).state).toBe('provisioning');
    jest.advanceTimersByTime(999);
    expect((await driver.listVms())[0].state).toBe('provisioning');
    jest.advanceTimersByTime(1);
    expect((await driver.listVms())[0].state).toBe('running');
    expect(seen).toEqual(['provisioning', 'running']);
    await driver.close();
  });

  it('stops, starts and resets; accounts vCPU and memory of live VMs, disk of all', async () => {
    const driver = new SimulatorDriver({ bootDelayMs: 10, stopDelayMs: 10 });
    await driver.createVm(spec);
    jest.advanceTimersByTime(10);
    expect(await driver.usage()).toEqual({ vcpu: 2, memoryMib: 4096, diskGib: 20 });
    await driver.stopVm('vm1');
    jest.advanceTimersByTime(10);
    expect((await driver.listVms())[0].state).toBe('stopped');
    expect(await driver.usage()).toEqual({ vcpu: 0, memoryMib: 0, diskGib: 20 });
    await driver.startVm('vm1');
    jest.advanceTimersByTime(10);
    expect((await driver.listVms())[0].state).toBe('running');
    await driver.resetVm('vm1');
    expect((await driver.listVms())[0].state).toBe('provisioning');
    jest.advanceTimersByTime(10);
    expect((await driver.listVms())[0].state).toBe('running');
    await driver.deleteVm('vm1');
    await driver.deleteVm('vm1');
    expect(await driver.listVms()).toEqual([]);
    await driver.close();
  });

  it('injects boot failures and crashes', async () => {
    const driver = new SimulatorDriver({ bootDelayMs: 10 });
    driver.failNextBoot('vm1');
    await driver.createVm(spec);
    jest.advanceTimersByTime(10);
    expect((await driver.listVms())[0]).toMatchObject({ state: 'failed', message: 'simulated boot failure' });
    await driver.startVm('vm1');
    jest.advanceTimersByTime(10);
    expect((await driver.listVms())[0].state).toBe('running');
    driver.crash('vm1');
    expect((await driver.listVms())[0].state).toBe('failed');

    const flaky = new SimulatorDriver({ bootDelayMs: 10, faults: { bootFailureRate: 1 } });
    await flaky.createVm(spec);
    jest.advanceTimersByTime(10);
    expect((await flaky.listVms())[0].state).toBe('failed');

    const crashy = new SimulatorDriver({ bootDelayMs: 10, faults: { crashRatePerSecond: 1 }, random: () => 0 });
    await crashy.createVm(spec);
    jest.advanceTimersByTime(1_000);
    expect((await crashy.listVms())[0]).toMatchObject({ state: 'failed', message: 'simulated crash' });
    await Promise.all([driver.close(), flaky.close(), crashy.close()]);
  });

  it('attaches volumes and snapshots, refusing what makes no sense', async () => {
    const driver = new SimulatorDriver();
    await driver.createVm(spec);
    await expect(driver.createVm(spec)).rejects.toMatchObject({ code: 'vm.exists' });
    await driver.attachVolume('vm1', { volumeId: 'vol1', provider: 'statemesh', sizeGib: 10 });
    await expect(driver.attachVolume('vm1', { volumeId: 'vol1', provider: 'statemesh', sizeGib: 10 })).rejects.toMatchObject({ code: 'volume.attached' });
    expect((await driver.listVms())[0].volumes).toEqual(['vol1']);
    await driver.detachVolume('vm1', 'vol1');
    await expect(driver.detachVolume('vm1', 'vol1')).rejects.toBeInstanceOf(DriverError);
    const snapshot = await driver.snapshotVm('vm1', 'snap1');
    expect(snapshot).toMatchObject({ snapshotId: 'snap1', vmId: 'vm1', sizeGib: 20 });
    expect(await driver.snapshotVm('vm1', 'snap1')).toEqual(snapshot);
    await expect(driver.startVm('nope')).rejects.toMatchObject({ code: 'vm.not_found' });
    await driver.close();
  });
});
