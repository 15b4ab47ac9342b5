import { usageEarnings, usageList, vmsCreate, vmsStart, vmsStop, vmsWait, walletsGet, type VmResponseDto } from '@statemesh/sdk';
import { chargeFor, splitCharge } from '@statemesh/billing';
import { eventually } from '../nodes/time-tower-fixtures';
import { send } from '../support/api-harness';
import { ComputeStack, type StackNode, type Tenant } from './compute-stack';

const PERIOD_SECONDS = 4;

/**
 * Money with real VMs: the worker settles short periods ("hours" of 4 s)
 * while a VM runs on a node of another account; a wallet that runs dry gets
 * its VMs suspended after the grace period, and they start again after a credit.
 */
describe('settlement of running VMs, and wallets that run dry', () => {
  let stack: ComputeStack;
  let nodes: StackNode[];

  async function balance(who: { accountId: string; client: Tenant['client'] }): Promise<bigint> {
    return BigInt((await send(walletsGet({ client: who.client, path: { accountId: who.accountId } }))).data!.balance);
  }

  async function runVm(tenant: Tenant, name: string): Promise<VmResponseDto> {
    const created = await send(vmsCreate({ client: tenant.client, path: { accountId: tenant.accountId }, body: { name, zone: 'eu-west', instanceType: 'm1.large', image: 'ubuntu-24.04' } }));
    expect(created.status).toBe(202);
    const vmId = (created.data as { vm: VmResponseDto }).vm.id;
    const running = await send(vmsWait({ client: tenant.client, path: { accountId: tenant.accountId, vmId }, query: { status: 'running', timeoutSeconds: 20 } }));
    expect(running.status).toBe(200);
    return running.data!;
  }

  beforeAll(async () => {
    stack = await ComputeStack.start('billing', { SETTLEMENT_PERIOD_SECONDS: String(PERIOD_SECONDS), WALLET_GRACE_HOURS: '0', MIN_RUNWAY_HOURS: '0' });
    await stack.startWorker();
    nodes = [await stack.addNode(), await stack.addNode()];
    await stack.untilEligible(nodes);
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('charges the tenant and pays the operator for two settled periods, to the micro-unit, fee included', async () => {
    const tenant = await stack.signupTenant();
    const operator = { accountId: stack.operator.accountId, client: stack.operator.client };
    const tenantBefore = await balance(tenant);
    const operatorBefore = await balance(operator);
    const vm = await runVm(tenant, 'metered');

    // Two whole periods with the VM running, settled by the worker's own schedule.
    await eventually(
      'two settled periods with the VM running throughout',
      async () => ((await stack.prisma.settlementLine.count({ where: { resourceId: vm.id, seconds: PERIOD_SECONDS } })) >= 2 ? true : undefined),
      60_000,
      500,
    );
    // Stop the VM and let settlement pass the stop: from then on nothing changes, and every figure can be compared.
    expect((await send(vmsStop({ client: tenant.client, path: { accountId: tenant.accountId, vmId: vm.id } }))).status).toBe(202);
    await send(vmsWait({ client: tenant.client, path: { accountId: tenant.accountId, vmId: vm.id }, query: { status: 'stopped', timeoutSeconds: 20 } }));
    const stoppedAt = new Date();
    await eventually(
      'settlement past the stop',
      async () => {
        const cursor = await stack.prisma.settlementCursor.findUnique({ where: { source: 'vm' } });
        return cursor && cursor.settledUntil.getTime() > stoppedAt.getTime() + 1_000 ? true : undefined;
      },
      30_000,
      250,
    );
    const tenantAfter = await balance(tenant);
    const lines = await stack.prisma.settlementLine.findMany({ where: { accountId: tenant.accountId } });
    const pricePerHour = (await stack.prisma.instanceTypePrice.findFirstOrThrow({ where: { instanceType: 'm1.large' }, orderBy: { priceListId: 'desc' } })).perHour;
    for (const line of lines) expect(line.chargeMicro).toBe(chargeFor(line.seconds, BigInt(pricePerHour)));
    const charged = tenantBefore - tenantAfter;
    expect(charged).toBe(lines.reduce((sum, line) => sum + line.chargeMicro, 0n));
    expect(charged).toBeGreaterThanOrEqual(2n * chargeFor(PERIOD_SECONDS, BigInt(pricePerHour)));

    // The public usage route tells the same.
    const usage = await send(usageList({ client: tenant.client, path: { accountId: tenant.accountId }, query: { groupBy: 'resource', limit: 200 } }));
    expect(usage.data!.items.find((item) => item.resourceId === vm.id)).toBeDefined();

    const earnings = await send(usageEarnings({ client: operator.client, path: { accountId: operator.accountId }, query: { limit: 200 } }));
    const ofVmNode = earnings.data!.items.filter((item) => item.nodeId === vm.nodeId);
    const gross = ofVmNode.reduce((sum, item) => sum + BigInt(item.gross), 0n);
    const fee = ofVmNode.reduce((sum, item) => sum + BigInt(item.platformFee), 0n);
    const paid = ofVmNode.reduce((sum, item) => sum + BigInt(item.earnings), 0n);
    // The fee is taken per settlement line (rounded down each time), and an hour of earnings sums several lines.
    const splits = lines.map((line) => splitCharge(line.chargeMicro, 1_500));
    expect(fee).toBe(splits.reduce((sum, split) => sum + split.platformFee, 0n));
    expect(paid).toBe(splits.reduce((sum, split) => sum + split.operatorShare, 0n));
    expect(gross).toBe(fee + paid);
    const operatorAfter = await balance(operator);
    // Every micro-unit the tenant paid reached the operator or the platform fee.
    expect(operatorAfter - operatorBefore).toBe(paid);
    expect(gross).toBe(charged);
  }, 120_000);

  it('suspends the VMs of a wallet in arrears past the grace period, and starts them again after a credit', async () => {
    const tenant = await stack.signupTenant('0');
    const vm = await runVm(tenant, 'dry');
    const path = { accountId: tenant.accountId, vmId: vm.id };

    const suspended = await send(vmsWait({ client: tenant.client, path, query: { status: 'suspended', timeoutSeconds: 30 } }));
    expect(suspended.status).toBe(200);
    expect(suspended.data!.statusReason).toMatch(/wallet/);
    expect(await balance(tenant)).toBeLessThan(0n);
    const node = nodes.find((candidate) => candidate.id === vm.nodeId)!;
    await eventually('the node stopped the suspended VM', async () => ((await node.driver.listVms()).find((entry) => entry.vmId === vm.id)?.state === 'stopped' ? true : undefined));
    const events = await stack.prisma.vmEvent.findMany({ where: { vmId: vm.id, reason: 'wallet_suspended' } });
    expect(events).toHaveLength(1);

    await stack.credit(tenant.accountId, '50000000');
    expect((await send(vmsStart({ client: tenant.client, path }))).status).toBe(202);
    const running = await send(vmsWait({ client: tenant.client, path, query: { status: 'running', timeoutSeconds: 20 } }));
    expect(running.status).toBe(200);
  }, 120_000);
});
