// Settlement throughput at fleet scale: 10,000 nodes and 100,000 running VMs
// in a throwaway database; one period settled by the batched path (one
// database transaction for the period: set-based reads, array inserts, one
// ledger transaction per tenant), against the naive path — one database
// transaction and one ledger transaction per resource — measured in the
// same run on a sample of the next period.
//
//   node scripts/run.mjs bench/settlement/settlement.bench.ts [vms] [naive sample]
import 'reflect-metadata';
import { periodStartOf, planPeriodSettlement, tenantSettlements } from '@statemesh/billing';
import { newId, projectRoot } from '@statemesh/common';
import { loadConfig } from '@statemesh/config';
import { PrismaService, TransactionRunner } from '@statemesh/database';
import { createLogger } from '@statemesh/observability';
import { LedgerService, SettlementService } from '@statemesh/wallets';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApiApp } from '../../apps/api/src/create-api-app';
import { createDatabaseIfMissing, dropDatabase, withDatabase } from '../../libs/database/src/migrations/migration-adapter';
import { applyMigrations } from '../../libs/database/src/migrations/schema-engine';

const VMS = Number(process.argv[2] ?? 100_000);
const NAIVE_SAMPLE = Number(process.argv[3] ?? 2_000);
const NODES = 10_000;
const OPERATORS = 1_000;
const TENANTS = 20_000;
const PERIOD_SECONDS = 3600;

async function main(): Promise<void> {
  const base = loadConfig().database.url;
  const databaseUrl = withDatabase(base, `statemesh_bench_settlement_${Date.now()}`);
  await createDatabaseIfMissing(databaseUrl);
  const root = projectRoot();
  await applyMigrations(databaseUrl, { schemaDir: join(root, 'prisma/schema'), migrationsDir: join(root, 'prisma/migrations') });
  const config = loadConfig({ ...process.env, DATABASE_URL: databaseUrl, SETTLEMENT_PERIOD_SECONDS: String(PERIOD_SECONDS), LOG_LEVEL: 'error', NODE_ENV: 'test' });
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const app = await createApiApp({ config, logger: createLogger(config, 'bench', silent) });
  const prisma = app.get(PrismaService);
  try {
    console.log(`settlement bench: ${VMS} VMs on ${NODES} nodes, ${TENANTS} tenants, ${OPERATORS} operators; ${process.version}, ${cpus().length} cores, ${cpus()[0]?.model}`);
    const now = new Date();
    const p0 = new Date(periodStartOf(now, PERIOD_SECONDS).getTime() - 3 * PERIOD_SECONDS * 1000);
    const seedStarted = Date.now();
    await seed(prisma, p0);
    console.log(`seeded in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s (bulk SQL)`);

    // Batched: settle exactly one period, p0 (VMs running from before it, stops and unreachable nodes within it).
    await prisma.$executeRaw`INSERT INTO settlement_cursors (source, "settledUntil") VALUES ('vm', ${p0})`;
    const settlement = app.get(SettlementService);
    const cpuBefore = await cpuSeconds(prisma);
    const started = process.hrtime.bigint();
    const run = await settlement.settleDuePeriods(new Date(p0.getTime() + PERIOD_SECONDS * 1000), 1);
    if (run.settled[0]?.periodStart.getTime() !== p0.getTime()) throw new Error('the bench must settle period p0');
    const batchedMs = Number(process.hrtime.bigint() - started) / 1e6;
    const cpuAfter = await cpuSeconds(prisma);
    const [period] = run.settled;
    const batchedRate = period.lines / (batchedMs / 1000);
    console.log(`batched: ${period.lines} resource-hours, ${period.transactions} ledger transactions in ${batchedMs.toFixed(0)} ms → ${batchedRate.toFixed(0)} resource-hours/s`);
    // On a shared machine the wall clock counts other processes' turns too; the CPU time this run used does not.
    const cpu = {
      node: cpuAfter.node - cpuBefore.node,
      database: [...cpuAfter.database].reduce((total, [pid, seconds]) => total + seconds - (cpuBefore.database.get(pid) ?? 0), 0),
    };
    console.log(`CPU used: database ${cpu.database.toFixed(1)} s, bench process ${cpu.node.toFixed(1)} s → ${(period.lines / (cpu.database + cpu.node)).toFixed(0)} resource-hours per CPU-second; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    const phaseTotal = period.phases.reduce((total, { ms }) => total + ms, 0);
    console.log(`phases of the period (${period.shards} tenant shard(s) settled at once, each in its own transaction; time summed over the shards):`);
    for (const { phase, ms } of period.phases) console.log(`  ${phase.padEnd(48)} ${ms.toFixed(0).padStart(7)} ms  ${((100 * ms) / phaseTotal).toFixed(1).padStart(5)} %`);

    // Naive: the next period, one database transaction and one ledger transaction per resource, on a sample.
    const naiveMs = await naive(app.get(TransactionRunner), app.get(LedgerService), prisma, new Date(p0.getTime() + PERIOD_SECONDS * 1000));
    const naiveRate = NAIVE_SAMPLE / (naiveMs / 1000);
    console.log(`naive (per resource): ${NAIVE_SAMPLE} resource-hours in ${naiveMs.toFixed(0)} ms → ${naiveRate.toFixed(0)} resource-hours/s`);
    console.log(`speed-up: ${(batchedRate / naiveRate).toFixed(1)}×; target ≥ 20000 resource-hours/s: ${batchedRate >= 20_000 ? 'met' : 'NOT met'}`);
    const consistent = (await app.get(LedgerService).reconcile()).consistent;
    console.log(`ledger reconciliation after both: ${consistent ? 'consistent' : 'INCONSISTENT'}`);
  } finally {
    await app.close();
    if (process.env.BENCH_KEEP_DATABASE === '1') console.log(`database kept: ${databaseUrl}`);
    else await dropDatabase(databaseUrl);
  }
}

async function seed(prisma: PrismaService, p0: Date): Promise<void> {
  const before = new Date(p0.getTime() - 60_000);
  await prisma.$executeRaw`INSERT INTO price_lists (id, "effectiveFrom", "platformFeeBps", "publicUdpPortPerHour", "publicIpv4PerHour", "createdBy")
    VALUES ('bench', to_timestamp(0), 1500, 1000, 0, 'bench')`;
  await prisma.$executeRaw`INSERT INTO instance_type_prices ("priceListId", "instanceType", "perHour")
    SELECT 'bench', t, (10000 * i)::bigint FROM unnest(ARRAY['s1.small','s1.medium','s1.large','u1.small','m1.small']) WITH ORDINALITY AS x(t, i)`;
  await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`INSERT INTO accounts (id, name, "updatedAt") SELECT 'acct' || lpad(g::text, 6, '0'), 'bench ' || g, now() FROM generate_series(1, ${OPERATORS + TENANTS}::int) g`;
    await tx.$executeRaw`INSERT INTO wallets (id, kind, "accountId", balance) SELECT 'w' || id, 'account', id, 0 FROM accounts WHERE id LIKE 'acct%'`;
  });
  // Tenants' money, through the ledger like any credit (one bulk transaction per tenant, set-based here for speed).
  await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`INSERT INTO ledger_transactions (id, type, description, actor, reference)
      SELECT 'seed' || g, 'credit', 'bench credit', 'bench', 'bench:' || g FROM generate_series(${OPERATORS + 1}::int, ${OPERATORS + TENANTS}::int) g`;
    await tx.$executeRaw`INSERT INTO ledger_entries ("transactionId", "walletId", amount, "balanceAfter", role)
      SELECT 'seed' || g, w, a, b, NULL FROM generate_series(${OPERATORS + 1}::int, ${OPERATORS + TENANTS}::int) g,
        LATERAL (VALUES ('wacct' || lpad(g::text, 6, '0'), 100000000::bigint, 100000000::bigint),
                        ('platform_funding', -100000000::bigint, -100000000::bigint * (g - ${OPERATORS}))) AS e(w, a, b)`;
    await tx.$executeRaw`UPDATE wallets SET balance = 100000000 WHERE kind = 'account' AND "accountId" > ${'acct' + String(OPERATORS).padStart(6, '0')}`;
    await tx.$executeRaw`UPDATE wallets SET balance = balance - ${BigInt(TENANTS) * 100_000_000n} WHERE id = 'platform_funding'`;
  });
  await prisma.$executeRaw`INSERT INTO nodes (id, "accountId", name, zone, class, arch, virtualization, "publicKey", "capacityVcpu", "capacityMemoryMib",
      "capacityDiskGib", status, "statusChangedAt", "createdAt", "updatedAt")
    SELECT 'node' || g, 'acct' || lpad((1 + g % ${OPERATORS})::text, 6, '0'), 'node-' || g, 'eu-west', 'datacenter', 'x86_64', true, 'key' || g,
           128, 524288, 4000, 'active', ${before}, ${before}, now()
    FROM generate_series(1, ${NODES}::int) g`;
  // One node in fifty was unreachable for ten minutes of the period.
  await prisma.$executeRaw`UPDATE nodes SET status = 'unreachable', "statusChangedAt" = ${new Date(p0.getTime() + 600_000)} WHERE id IN (SELECT 'node' || g FROM generate_series(1, ${NODES}::int, 50) g)`;
  await prisma.$executeRaw`UPDATE nodes SET status = 'active', "statusChangedAt" = ${new Date(p0.getTime() + 1_200_000)} WHERE status = 'unreachable'`;
  await prisma.$executeRaw`INSERT INTO vms (id, "accountId", name, "liveName", zone, "instanceType", vcpu, "memoryMib", image, "rootDiskGib", mode, "runStrategy",
      status, "nodeId", "createdAt", "updatedAt")
    SELECT 'vm' || g, 'acct' || lpad((${OPERATORS + 1} + g % ${TENANTS})::text, 6, '0'), 'vm' || g, 'vm' || g, 'eu-west',
           (ARRAY['s1.small','s1.medium','s1.large','u1.small','m1.small'])[1 + g % 5], 1, 2048, 'ubuntu-24.04', 20, 'persistent', 'always',
           'running', 'node' || (1 + g % ${NODES}), ${before}, now()
    FROM generate_series(1, ${VMS}::int) g`;
  await prisma.$executeRaw`INSERT INTO vm_status_changes ("vmId", "accountId", status, "nodeId", "changedAt")
    SELECT id, "accountId", 'running', "nodeId", ${before} FROM vms`;
  // One VM in ten holds a public UDP port; one in twenty stops half way through the period.
  await prisma.$executeRaw`INSERT INTO vm_ports ("vmId", protocol, "targetPort", zone, fqdn, "publicPort")
    SELECT id, 'udp', 5000, 'eu-west', id || '.bench', 20000 + row_number() OVER (ORDER BY id) FROM vms WHERE right(id, 1) = '0'`;
  await prisma.$executeRaw`INSERT INTO vm_status_changes ("vmId", "accountId", status, "nodeId", "changedAt")
    SELECT id, "accountId", 'stopped', NULL, ${new Date(p0.getTime() + 1_800_000)} FROM vms WHERE right(id, 2) IN ('05', '55')`;
  // As autovacuum would have left them in a running system: visibility hints set, statistics fresh.
  await prisma.$executeRaw`VACUUM ANALYZE`;
}

/** CPU seconds used so far by this process and by the database's server processes serving this database. */
async function cpuSeconds(prisma: PrismaService): Promise<{ node: number; database: Map<number, number> }> {
  const usage = process.cpuUsage();
  const pids = await prisma.$queryRaw<Array<{ pid: number }>>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`;
  const database = new Map<number, number>();
  for (const { pid } of pids) {
    try {
      // Fields 14 and 15 of /proc/<pid>/stat (counted after the parenthesised command): user and system time, in 1/100 s.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      database.set(pid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // not visible from here (another host or container): not counted
    }
  }
  return { node: (usage.user + usage.system) / 1e6, database };
}

/** The per-resource path: meter the sample like the batched path, then one database and one ledger transaction each. */
async function naive(transactions: TransactionRunner, ledger: LedgerService, prisma: PrismaService, start: Date): Promise<number> {
  const vms = await prisma.$queryRaw<Array<{ id: string; accountId: string; nodeId: string; operator: string; perHour: bigint }>>`
    SELECT v.id, v."accountId", v."nodeId", n."accountId" AS operator, p."perHour"
    FROM vms v JOIN nodes n ON n.id = v."nodeId" JOIN instance_type_prices p ON p."instanceType" = v."instanceType"
    WHERE v.status = 'running' AND right(v.id, 2) NOT IN ('05', '55') ORDER BY v.id LIMIT ${NAIVE_SAMPLE}`;
  const end = new Date(start.getTime() + PERIOD_SECONDS * 1000);
  const started = process.hrtime.bigint();
  for (const vm of vms) {
    const lines = planPeriodSettlement(
      [{ resourceKind: 'vm', resourceId: vm.id, tenantAccountId: vm.accountId, seconds: PERIOD_SECONDS,
         parts: [{ component: 'compute', nodeId: vm.nodeId, operatorAccountId: vm.operator, seconds: PERIOD_SECONDS, quantity: 1, pricePerHourMicro: BigInt(vm.perHour) }] }],
      1500,
      PERIOD_SECONDS,
    );
    const [tenant] = tenantSettlements(lines);
    const transactionId = newId();
    await transactions.run(async (tx) => {
      await tx.$executeRaw`INSERT INTO settlement_lines (id, "resourceKind", "resourceId", "periodStart", "periodEnd", "accountId", seconds, "chargeMicro", "transactionId")
        VALUES (${newId()}, 'vm', ${vm.id}, ${start}, ${end}, ${vm.accountId}, ${PERIOD_SECONDS}, ${lines[0].chargeMicro}, ${transactionId})`;
      await ledger.postTransaction(tx, {
        id: transactionId,
        type: 'settlement',
        description: `Usage of ${vm.id}`,
        actor: 'bench',
        reference: `bench-naive:${start.toISOString()}:${vm.id}`,
        postings: tenant.postings,
        overdraft: 'allow',
      });
    });
  }
  return Number(process.hrtime.bigint() - started) / 1e6;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
