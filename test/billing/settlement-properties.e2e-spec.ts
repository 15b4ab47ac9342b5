import * as fc from 'fast-check';
import { periodStartOf } from '@statemesh/billing';
import { PrismaService, TransactionRunner } from '@statemesh/database';
import { LedgerService, SettlementService } from '@statemesh/wallets';
import { SettlementFixture, startSettlementApi } from './settlement-fixtures';

const PERIOD = 10;

type Step =
  | { kind: 'credit'; account: number; amount: bigint }
  | { kind: 'debit'; account: number; amount: bigint }
  | { kind: 'start'; vm: number; node: number }
  | { kind: 'stop'; vm: number }
  | { kind: 'delete'; vm: number }
  | { kind: 'unreachable'; node: number; down: boolean }
  | { kind: 'settle'; deliveries: number; crash: boolean }
  | { kind: 'wait'; seconds: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('credit' as const), account: fc.nat(3), amount: fc.bigInt({ min: 1n, max: 50_000n }) }),
  fc.record({ kind: fc.constant('debit' as const), account: fc.nat(3), amount: fc.bigInt({ min: 1n, max: 5_000n }) }),
  fc.record({ kind: fc.constant('start' as const), vm: fc.nat(4), node: fc.nat(2) }),
  fc.record({ kind: fc.constant('stop' as const), vm: fc.nat(4) }),
  fc.record({ kind: fc.constant('delete' as const), vm: fc.nat(4) }),
  fc.record({ kind: fc.constant('unreachable' as const), node: fc.nat(2), down: fc.boolean() }),
  fc.record({ kind: fc.constant('settle' as const), deliveries: fc.integer({ min: 1, max: 3 }), crash: fc.boolean() }),
  fc.record({ kind: fc.constant('wait' as const), seconds: fc.integer({ min: 1, max: 40 }) }),
);

describe('settlement properties (real PostgreSQL)', () => {
  let api: Awaited<ReturnType<typeof startSettlementApi>>;
  let fixture: SettlementFixture;
  let settlement: SettlementService;
  let ledger: LedgerService;
  let transactions: TransactionRunner;
  let clock: number;
  let credits = 0n;
  let debits = 0n;

  beforeAll(async () => {
    api = await startSettlementApi('settlement_props', { SETTLEMENT_PERIOD_SECONDS: String(PERIOD) });
    fixture = new SettlementFixture(api.app.get(PrismaService));
    settlement = api.app.get(SettlementService);
    ledger = api.app.get(LedgerService);
    transactions = api.app.get(TransactionRunner);
    await fixture.prices();
    clock = periodStartOf(new Date(), PERIOD).getTime() + 3 * PERIOD * 1000;
  });

  afterAll(async () => {
    await api?.close();
  });

  function move(accountId: string, amountMicro: bigint, type: 'credit' | 'debit') {
    const other = type === 'credit' ? { kind: 'platform_funding' as const } : { kind: 'platform_revenue' as const };
    const sign = type === 'credit' ? 1n : -1n;
    return transactions.run((tx) =>
      ledger.postTransaction(tx, {
        type,
        description: `test ${type}`,
        actor: 'test',
        overdraft: 'allow',
        postings: [
          { account: other, amountMicro: -sign * amountMicro },
          { account: { kind: 'wallet', accountId }, amountMicro: sign * amountMicro },
        ],
      }),
    );
  }

  it('keeps the ledger whole and settles every resource and period at most once, whatever happens', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 25 }), async (steps) => {
        const accounts = await Promise.all([0, 1, 2, 3].map(() => fixture.account()));
        const nodes = await Promise.all([0, 1, 2].map((i) => fixture.node(accounts[i % 2])));
        const vms = new Map<number, { id: string; tenant: string; state: 'running' | 'stopped' | 'deleted' }>();
        const at = () => new Date(clock);
        for (const s of steps) {
          clock += 1000;
          switch (s.kind) {
            case 'credit':
              credits += s.amount;
              await move(accounts[s.account], s.amount, 'credit');
              break;
            case 'debit':
              debits += s.amount;
              await move(accounts[s.account], s.amount, 'debit');
              break;
            case 'start': {
              let vm = vms.get(s.vm);
              if (vm?.state === 'deleted') break;
              if (!vm) {
                const tenant = accounts[s.vm % 4];
                vm = { id: await fixture.vm(tenant, at(), { udpPorts: s.vm % 2 }), tenant, state: 'stopped' };
                vms.set(s.vm, vm);
              }
              await fixture.vmStatus(vm.id, vm.tenant, 'running', nodes[s.node], at());
              vm.state = 'running';
              break;
            }
            case 'stop':
            case 'delete': {
              const vm = vms.get(s.vm);
              if (!vm || vm.state === 'deleted') break;
              await fixture.vmStatus(vm.id, vm.tenant, s.kind === 'stop' ? 'stopped' : 'deleted', null, at());
              vm.state = s.kind === 'stop' ? 'stopped' : 'deleted';
              break;
            }
            case 'unreachable':
              await fixture.nodeStatus(nodes[s.node], s.down ? 'unreachable' : 'active', at());
              break;
            case 'wait':
              clock += s.seconds * 1000;
              break;
            case 'settle': {
              const now = at();
              if (s.crash) {
                // A worker dies after writing a shard's lines, before its money: that shard rolls back (others may
                // have committed) and the cursor stays, so the next run settles what is left of the period.
                const spy = jest.spyOn(ledger, 'postStaged').mockRejectedValueOnce(new Error('worker crashed'));
                await settlement.settleDuePeriods(now).catch(() => undefined);
                spy.mockRestore();
              }
              // The same job delivered several times at once.
              await Promise.all(Array.from({ length: s.deliveries }, () => settlement.settleDuePeriods(now)));
              break;
            }
          }
        }
        await settlement.settleDuePeriods(new Date(clock + PERIOD * 1000), 1000);

        const prisma = fixture.prisma;
        const [{ accountsTotal, revenue, funding }] = await prisma.$queryRaw<Array<{ accountsTotal: bigint; revenue: bigint; funding: bigint }>>`
          SELECT coalesce(sum(balance) FILTER (WHERE kind = 'account'), 0)::bigint AS "accountsTotal",
                 coalesce(sum(balance) FILTER (WHERE kind = 'platform_revenue'), 0)::bigint AS revenue,
                 coalesce(sum(balance) FILTER (WHERE kind = 'platform_funding'), 0)::bigint AS funding
          FROM wallets`;
        expect(-BigInt(funding)).toBe(credits);
        // Settlement and debits only move money between accounts and revenue.
        expect(BigInt(accountsTotal) + BigInt(revenue)).toBe(credits);
        const [{ duplicates }] = await prisma.$queryRaw<Array<{ duplicates: bigint }>>`
          SELECT count(*)::bigint AS duplicates FROM (
            SELECT 1 FROM settlement_lines GROUP BY "resourceKind", "resourceId", "periodStart" HAVING count(*) > 1) d`;
        expect(Number(duplicates)).toBe(0);
        // Every charged line belongs to exactly one settlement transaction, whose tenant entry is the sum of its lines.
        const [{ mismatched }] = await prisma.$queryRaw<Array<{ mismatched: bigint }>>`
          SELECT count(*)::bigint AS mismatched FROM (
            SELECT l."transactionId", sum(l."chargeMicro") AS charged,
                   (SELECT -sum(e.amount) FROM ledger_entries e WHERE e."transactionId" = l."transactionId" AND e.role = 'usage_charge') AS debited
            FROM settlement_lines l WHERE l."transactionId" IS NOT NULL GROUP BY l."transactionId") t
          WHERE t.charged IS DISTINCT FROM t.debited`;
        expect(Number(mismatched)).toBe(0);
        const reconciliation = await ledger.reconcile();
        expect(reconciliation.mismatches).toEqual([]);
        expect(reconciliation.consistent).toBe(true);
        expect(debits).toBeGreaterThanOrEqual(0n);
      }),
      { numRuns: 12 },
    );
  });
});
