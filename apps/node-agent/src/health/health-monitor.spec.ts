import { SimulatorDriver } from '../drivers/simulator-driver';
import { HealthMonitor } from './health-monitor';

const check = { type: 'tcp' as const, port: 22, intervalSeconds: 1, unhealthyThreshold: 2 };

async function runningVm(driver: SimulatorDriver): Promise<void> {
  await driver.createVm({ vmId: 'vm1', vcpu: 1, memoryMib: 512, diskGib: 10, image: 'ubuntu-24.04' });
  await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('HealthMonitor', () => {
  it('reports healthy at the first passing check, unhealthy after the threshold, and only changes', async () => {
    const driver = new SimulatorDriver({ bootDelayMs: 1 });
    await runningVm(driver);
    const monitor = new HealthMonitor(driver);
    monitor.watch('vm1', check);
    let now = 10_000;
    expect((await monitor.round(now)).map((verdict) => verdict.healthy)).toEqual([true]);
    now += 1_000;
    expect(await monitor.round(now)).toEqual([]);
    driver.setHealthy('vm1', false);
    now += 1_000;
    expect(await monitor.round(now)).toEqual([]);
    now += 500;
    expect(await monitor.round(now)).toEqual([]); // not due yet
    now += 500;
    expect((await monitor.round(now)).map((verdict) => verdict.healthy)).toEqual([false]);
    now += 1_000;
    expect(await monitor.round(now)).toEqual([]);
    await driver.close();
  });
});
