// Placement end to end: N eligible nodes, M VM creates through the public API,
// K worker processes relaying the outbox and placing from BullMQ. Prints
// placements/s from the first create to the last VM scheduled, create→scheduled
// latency, the scheduler's decision latency over the same fleet, and checks that
// no node is over-committed and no VM was placed twice.
//
//   npm run -s bench:placement:e2e -- --nodes 10000 --vms 100000 --workers 1 --concurrency 256
//
// Everything runs against a throwaway database and Redis prefix, dropped at the
// end, also on failure or Ctrl-C. The API and the workers are separate processes
// (the compiled entry points), as in a deployment.
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SERVICE_NODE_FLAGS } from '@statemesh/common';
import { loadConfig } from '@statemesh/config';
import { PlacementScheduler, type CandidateNode, type PlacementRequest } from '@statemesh/compute';
import { Redis } from 'ioredis';
import pg from 'pg';
import { seed } from '../../prisma/seed';
import { defaultMigrationPaths } from '../../libs/database/src/migrations/cli';
import { dropDatabase } from '../../libs/database/src/migrations/migration-adapter';
import { applyMigrations } from '../../libs/database/src/migrations/schema-engine';

const { values: flags } = parseArgs({
  options: {
    nodes: { type: 'string', default: process.env.BENCH_NODES ?? '10000' },
    vms: { type: 'string', default: process.env.BENCH_VMS ?? '100000' },
    // One worker: on two cores a second only adds its own rounds and queue traffic (bench/RESULTS.md).
    workers: { type: 'string', default: process.env.BENCH_WORKERS ?? '1' },
    // Many clients creating at once, as on a public cloud API; 64 in flight leaves the shared create transactions half empty.
    concurrency: { type: 'string', default: process.env.BENCH_CONCURRENCY ?? '256' },
    accounts: { type: 'string', default: process.env.BENCH_ACCOUNTS ?? '' },
    baseline: { type: 'string', default: process.env.BENCH_BASELINE ?? '' },
    'worker-concurrency': { type: 'string', default: process.env.BENCH_WORKER_CONCURRENCY ?? '4' },
    'keep-database': { type: 'boolean', default: false },
  },
});

const NODES = Number(flags.nodes);
const VMS = Number(flags.vms);
const WORKERS = Number(flags.workers);
const CONCURRENCY = Number(flags.concurrency);
/**
 * Creates in one account take turns (the quota check locks the account), and
 * each sums the account's live VMs: enough accounts that neither dominates,
 * as with many tenants.
 */
const ACCOUNTS = Number(flags.accounts || Math.max(CONCURRENCY, Math.ceil(VMS / 1000)));
/** Creates made with the workers stopped: the API's own ceiling, measured in the same run. */
const BASELINE_VMS = Number(flags.baseline || Math.min(10_000, Math.max(1_000, Math.round(VMS / 10))));
const WORKER_CONCURRENCY = Number(flags['worker-concurrency']);
const DECISIONS = 2_000;

const root = resolve(__dirname, '../../..');
const dist = join(root, 'dist');
const suffix = randomBytes(4).toString('hex');
const serverUrl = new URL(process.env.BENCH_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/statemesh_bench_${suffix}` }).toString();
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisPrefix = `smbench_${suffix}`;
const apiPort = 20_000 + Math.floor(Math.random() * 20_000);
const baseUrl = `http://127.0.0.1:${apiPort}`;

/** The deployment's settings: limits raised so that only throughput is measured, epochs long enough that no node is judged mid-run. */
const env: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  NODE_ENV: 'development',
  LOG_LEVEL: 'warn',
  PORT: String(apiPort),
  HOST: '127.0.0.1',
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_SIZE: process.env.BENCH_DATABASE_POOL_SIZE ?? '20',
  REDIS_URL: redisUrl,
  REDIS_PREFIX: redisPrefix,
  RATE_LIMIT_PER_MINUTE: '1000000',
  QUOTA_DEFAULT_MAX_VMS: '1000000',
  // Wallets are not what this measures: creates need no funds here.
  MIN_RUNWAY_HOURS: '0',
  QUOTA_DEFAULT_MAX_VCPU: '10000000',
  QUOTA_DEFAULT_MAX_MEMORY_MIB: String(2 ** 31 - 1),
  ACCESS_TOKEN_TTL_SECONDS: '86400',
  EPOCH_SECONDS: '86400',
  NODE_UNREACHABLE_AFTER_SECONDS: '86400',
  WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
  ADMIN_EMAIL: `bench-admin-${suffix}@example.test`,
  ADMIN_PASSWORD: `bench-admin-${suffix}`,
};

const children = new Set<ChildProcess>();
let database: pg.Pool | undefined;
let cleaning: Promise<void> | undefined;

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

function startProcess(name: string, entry: string): ChildProcess {
  // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of every process to <dir> when it stops.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, ...SERVICE_NODE_FLAGS, '--enable-source-maps', join(dist, entry)], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  children.add(child);
  child.on('exit', (code, signal) => {
    children.delete(child);
    if (!cleaning && code !== 0) log(`${name} exited (${signal ?? code})`);
  });
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    keepAlive.destroy();
    await Promise.all([...children].map(stopProcess));
    await database?.end().catch(() => undefined);
    if (!flags['keep-database']) await dropDatabase(databaseUrl).catch((error) => log(`could not drop the database: ${String(error)}`));
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    } catch (error) {
      log(`could not delete the Redis keys ${redisPrefix}*: ${String(error)}`);
    } finally {
      redis.disconnect();
    }
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    log(`\n${signal}: stopping and cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  });
}

/** Keep-alive connections, as many as requests in flight: node:http costs the load generator less CPU than fetch. */
const keepAlive = new Agent({ keepAlive: true, maxSockets: 1024 });

function post(path: string, body: unknown, token?: string): Promise<{ status: number; json: any }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${baseUrl}${path}`,
      {
        method: 'POST',
        agent: keepAlive,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: response.statusCode ?? 0, json: text ? JSON.parse(text) : undefined });
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

async function untilApiReady(): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('the API did not become ready within 60 s');
    await sleep(200);
  }
}

interface Tenant {
  accountId: string;
  token: string;
}

async function signupTenants(count: number): Promise<Tenant[]> {
  const tenants: Tenant[] = [];
  let next = 0;
  // Password hashing dominates sign-up: a few at a time.
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < count) {
        const i = next++;
        const { status, json } = await post('/v1/auth/signup', { email: `bench-${suffix}-${i}@example.test`, password: `bench-password-${suffix}-${i}` });
        if (status !== 201 && status !== 200) throw new Error(`signup answered ${status}: ${JSON.stringify(json)}`);
        tenants.push({ accountId: json.account.id, token: json.accessToken });
      }
    }),
  );
  return tenants;
}

/** N nodes straight into the table: active, eligible, seen just now, each with room for 64 small VMs. */
async function insertNodes(db: pg.Pool, ownerAccountId: string, count: number): Promise<void> {
  await db.query(
    `INSERT INTO nodes (id, "accountId", name, zone, class, arch, virtualization, "publicKey",
                        "capacityVcpu", "capacityMemoryMib", "capacityDiskGib", status, eligible, "lastActiveEpoch", "lastSeenAt", "updatedAt")
     SELECT 'bench-node-' || lpad(i::text, 6, '0'), $1, 'bench-node-' || i, 'eu-west', 'datacenter', 'x86_64', true,
            'bench-key-' || $2 || '-' || i, 64, 262144, 2000, 'active', true, 0, now(), now()
     FROM generate_series(1, $3) AS i`,
    [ownerAccountId, suffix, count],
  );
}

interface CreateRun {
  created: number;
  failed: number;
  seconds: number;
}

/** Creates `count` VMs with `concurrency` requests in flight, spread round-robin over the tenants. */
async function createVms(tenants: Tenant[], prefix: string, count: number, concurrency: number, progress?: () => void): Promise<CreateRun> {
  let next = 0;
  let created = 0;
  let failed = 0;
  let firstError: string | undefined;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const tenant = tenants[i % tenants.length];
        const { status, json } = await post(
          `/v1/accounts/${tenant.accountId}/vms`,
          { name: `${prefix}-${i}`, zone: 'eu-west', instanceType: 's1.small', image: 'ubuntu-24.04' },
          tenant.token,
        );
        if (status === 202) created++;
        else {
          failed++;
          firstError ??= `${status} ${JSON.stringify(json)}`;
        }
        progress?.();
      }
    }),
  );
  if (firstError) {
    log(`  ${failed} create(s) failed; first: ${firstError}`);
    // Waiting for VMs that were never accepted would never end.
    throw new Error(`${failed} of ${count} creates failed`);
  }
  return { created, failed, seconds: (performance.now() - started) / 1000 };
}

async function countScheduled(db: pg.Pool, prefix: string): Promise<number> {
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM vms WHERE name LIKE $1 AND status = 'scheduled'`, [`${prefix}-%`]);
  return rows[0].n;
}

/** Waits until `expected` VMs of the phase are scheduled, printing progress every second; returns when the last one was. */
async function untilScheduled(db: pg.Pool, prefix: string, expected: number, startedAt: number, creates?: { done: () => number }): Promise<void> {
  let last = 0;
  let stalled = 0;
  for (;;) {
    const placed = await countScheduled(db, prefix);
    const elapsed = (performance.now() - startedAt) / 1000;
    const created = creates ? `created ${fmt(creates.done())}, ` : '';
    log(`  ${elapsed.toFixed(1).padStart(6)} s  ${created}scheduled ${fmt(placed)}/${fmt(expected)}  (${fmt(placed / elapsed)}/s overall, ${fmt(placed - last)} in the last second)`);
    if (placed >= expected) return;
    stalled = placed === last ? stalled + 1 : 0;
    if (stalled >= 60) throw new Error(`no placement for 60 s (${placed} of ${expected} scheduled)`);
    last = placed;
    await sleep(1_000);
  }
}

interface PhaseTimes {
  firstCreate: Date;
  lastScheduled: Date;
  seconds: number;
}

/** Wall time of a phase from the database's own timestamps: first VM created to last VM scheduled. */
async function phaseTimes(db: pg.Pool, prefix: string): Promise<PhaseTimes> {
  const { rows } = await db.query(
    `SELECT min(v."createdAt") AS first, max(c."changedAt") AS last
       FROM vms v JOIN vm_status_changes c ON c."vmId" = v.id AND c.status = 'scheduled'
      WHERE v.name LIKE $1`,
    [`${prefix}-%`],
  );
  const first = rows[0].first as Date;
  const last = rows[0].last as Date;
  return { firstCreate: first, lastScheduled: last, seconds: (last.getTime() - first.getTime()) / 1000 };
}

async function createToScheduled(db: pg.Pool, prefix: string): Promise<{ p50: number; p99: number; max: number }> {
  const { rows } = await db.query(
    `WITH firsts AS (
       SELECT v.id, extract(epoch FROM min(c."changedAt") - v."createdAt") * 1000 AS ms
         FROM vms v JOIN vm_status_changes c ON c."vmId" = v.id AND c.status = 'scheduled'
        WHERE v.name LIKE $1
        GROUP BY v.id, v."createdAt")
     SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99,
            max(ms) AS max
       FROM firsts`,
    [`${prefix}-%`],
  );
  return { p50: Number(rows[0].p50), p99: Number(rows[0].p99), max: Number(rows[0].max) };
}

interface Verification {
  vms: number;
  scheduled: number;
  notScheduled: number;
  placedTwice: number;
  overCommitted: number;
  allocationMismatch: number;
}

/**
 * Zero over-commit: no node holds more than its capacity, every node's
 * allocation equals the sum of the VMs placed on it, every VM is scheduled,
 * and each one was placed exactly once (one `scheduled` entry in its history).
 */
async function verify(db: pg.Pool): Promise<Verification> {
  const { rows } = await db.query(`
    SELECT
      (SELECT count(*) FROM vms)::int AS vms,
      (SELECT count(*) FROM vms WHERE status = 'scheduled' AND "nodeId" IS NOT NULL)::int AS scheduled,
      (SELECT count(*) FROM vms WHERE status <> 'scheduled' OR "nodeId" IS NULL)::int AS "notScheduled",
      (SELECT count(*) FROM (SELECT "vmId" FROM vm_status_changes WHERE status = 'scheduled' GROUP BY "vmId" HAVING count(*) > 1) AS twice)::int AS "placedTwice",
      (SELECT count(*) FROM nodes
        WHERE "allocatedVcpu" > "capacityVcpu" OR "allocatedMemoryMib" > "capacityMemoryMib" OR "allocatedDiskGib" > "capacityDiskGib")::int AS "overCommitted",
      (SELECT count(*) FROM nodes n
         LEFT JOIN (SELECT "nodeId", sum(vcpu) AS vcpu, sum("memoryMib") AS memory, sum("rootDiskGib") AS disk
                      FROM vms WHERE "nodeId" IS NOT NULL GROUP BY "nodeId") p ON p."nodeId" = n.id
        WHERE n."allocatedVcpu" <> coalesce(p.vcpu, 0) OR n."allocatedMemoryMib" <> coalesce(p.memory, 0)
           OR n."allocatedDiskGib" <> coalesce(p.disk, 0))::int AS "allocationMismatch"`);
  return rows[0] as Verification;
}

/**
 * The decision itself, which the end-to-end path does not expose: the pure
 * scheduler over the same fleet as the workers saw it (read back from the
 * database, with the run's final allocations), for the request the bench made.
 */
async function decisionLatency(db: pg.Pool): Promise<{ p50: number; p99: number; perSecond: number }> {
  const { rows } = await db.query(
    `SELECT id, zone, class::text AS class, arch, virtualization, status::text AS status, eligible,
            "capacityVcpu", "capacityMemoryMib", "capacityDiskGib", "allocatedVcpu", "allocatedMemoryMib", "allocatedDiskGib"
       FROM nodes WHERE status <> 'decommissioned' ORDER BY id`,
  );
  // A fleet half full, as it is midway through a run: the decision ranks among every node with room.
  const nodes: CandidateNode[] = rows.map((row, i) => ({
    id: row.id,
    zone: row.zone,
    class: row.class,
    arch: row.arch,
    virtualization: row.virtualization,
    status: row.status,
    eligible: row.eligible,
    capacity: { vcpu: row.capacityVcpu, memoryMib: row.capacityMemoryMib, diskGib: row.capacityDiskGib, gpus: [] },
    allocated: { vcpu: i % 64, memoryMib: (i % 64) * 2048, diskGib: (i % 64) * 10, gpus: [] },
    antiAffinityGroups: [],
  }));
  const scheduler = new PlacementScheduler();
  const request: PlacementRequest = { vcpu: 1, memoryMib: 2048, diskGib: 10, zone: 'eu-west', arch: 'x86_64', strategy: 'binpack' };
  for (let i = 0; i < 200; i++) scheduler.place(request, nodes);
  const micros = new Float64Array(DECISIONS);
  for (let i = 0; i < DECISIONS; i++) {
    const before = process.hrtime.bigint();
    scheduler.place(request, nodes);
    micros[i] = Number(process.hrtime.bigint() - before) / 1000;
  }
  const total = micros.reduce((sum, value) => sum + value, 0);
  micros.sort();
  return { p50: micros[Math.floor(DECISIONS * 0.5)], p99: micros[Math.floor(DECISIONS * 0.99)], perSecond: (DECISIONS * 1e6) / total };
}

async function main(): Promise<void> {
  loadConfig(env); // the same validation the processes run; fails here with the full list of problems
  const cpu = cpus();
  log(
    `Placement end-to-end benchmark: ${fmt(NODES)} nodes, ${fmt(VMS)} VM creates (+ ${fmt(BASELINE_VMS)} baseline), ` +
      `${WORKERS} worker process(es) (WORKER_CONCURRENCY ${WORKER_CONCURRENCY}), ${CONCURRENCY} creates in flight, ${ACCOUNTS} accounts`,
  );
  log(
    `node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${fmt(totalmem() / 2 ** 30, 1)} GiB RAM, ` +
      `load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}, ${new Date().toISOString()}`,
  );
  log(`database ${new URL(databaseUrl).pathname.slice(1)}, Redis prefix ${redisPrefix}`);

  await applyMigrations(databaseUrl, defaultMigrationPaths());
  await seed(loadConfig(env), () => undefined);
  database = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const db = database;

  const api = startProcess('API', 'apps/api/src/main.js');
  await untilApiReady();
  const tenants = await signupTenants(ACCOUNTS);
  await insertNodes(db, tenants[0].accountId, NODES);
  // Statistics for what the set-up filled, as autovacuum keeps them on a running system. Not for the VM tables: an
  // ANALYZE of them while empty would tell the planner they stay empty, and plans cached by long-lived connections
  // (the foreign-key checks') would scan them whole for the rest of the run, until autovacuum analyses them again.
  await db.query('ANALYZE nodes, node_status_changes, accounts, users, memberships, wallets');
  log(`set up: ${fmt(NODES)} active eligible nodes, ${tenants.length} accounts, API on ${baseUrl} (pid ${api.pid})`);

  // Baseline: the API alone (no worker runs), creates only.
  log(`\nbaseline: ${fmt(BASELINE_VMS)} creates with no worker running`);
  await createVms(tenants, 'warm', Math.min(500, BASELINE_VMS), CONCURRENCY);
  const baseline = await createVms(tenants, 'base', BASELINE_VMS, CONCURRENCY);
  const baselineRate = baseline.created / baseline.seconds;
  log(`  ${fmt(baseline.created)} created in ${baseline.seconds.toFixed(2)} s: ${fmt(baselineRate)} creates/s`);

  // Workers start with a backlog: how fast they drain it is placement alone, without the API competing for the CPU.
  const backlog = Math.min(500, BASELINE_VMS) + baseline.created;
  log(`\nbacklog: ${WORKERS} worker(s) start on ${fmt(backlog)} pending VMs`);
  const drainStarted = performance.now();
  for (let i = 0; i < WORKERS; i++) startProcess(`worker ${i + 1}`, 'apps/worker/src/main.js');
  let drained = 0;
  for (let stalled = 0; drained < backlog; ) {
    await sleep(1_000);
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM vms WHERE status = 'scheduled'`);
    stalled = rows[0].n === drained ? stalled + 1 : 0;
    drained = rows[0].n;
    log(`  ${((performance.now() - drainStarted) / 1000).toFixed(1).padStart(6)} s  scheduled ${fmt(drained)}/${fmt(backlog)}`);
    if (stalled >= 60) throw new Error('the backlog stopped draining');
  }
  const { rows: drainRows } = await db.query(
    `SELECT min(c."changedAt") AS first, max(c."changedAt") AS last, count(*)::int AS n
       FROM vm_status_changes c JOIN vms v ON v.id = c."vmId" WHERE c.status = 'scheduled' AND v.name LIKE 'base-%'`,
  );
  const drainSeconds = (drainRows[0].last.getTime() - drainRows[0].first.getTime()) / 1000;
  const drainRate = drainRows[0].n / drainSeconds;
  log(`  placed ${fmt(drainRows[0].n)} in ${drainSeconds.toFixed(2)} s (first to last placement): ${fmt(drainRate)} placements/s`);

  // End to end: creates through the API while the workers place them.
  log(`\nend to end: ${fmt(VMS)} creates, ${CONCURRENCY} in flight, ${WORKERS} worker(s) placing`);
  const started = performance.now();
  let done = 0;
  const creating = createVms(tenants, 'vm', VMS, CONCURRENCY, () => done++);
  const watching = untilScheduled(db, 'vm', VMS, started, { done: () => done });
  const run = await creating;
  log(`  creates finished: ${fmt(run.created)} in ${run.seconds.toFixed(2)} s (${fmt(run.created / run.seconds)}/s while placing)`);
  if (run.failed > 0) throw new Error(`${run.failed} creates failed`);
  await watching;
  const times = await phaseTimes(db, 'vm');
  const rate = VMS / times.seconds;
  const latency = await createToScheduled(db, 'vm');

  await Promise.all([...children].filter((child) => child !== api).map(stopProcess));
  const check = await verify(db);
  const decision = await decisionLatency(db);
  const pass = check.vms === check.scheduled && check.notScheduled === 0 && check.placedTwice === 0 && check.overCommitted === 0 && check.allocationMismatch === 0;

  log(`\nresults (${fmt(NODES)} nodes, ${WORKERS} worker process(es), load average now ${loadavg()[0].toFixed(2)})`);
  log(`  end to end: ${fmt(VMS)} VMs from first create to last scheduled in ${times.seconds.toFixed(2)} s: ${fmt(rate)} placements/s`);
  log(`  create → scheduled: p50 ${fmt(latency.p50, 1)} ms, p99 ${fmt(latency.p99, 1)} ms, max ${fmt(latency.max, 1)} ms`);
  log(`  decision (PlacementScheduler.place over the ${fmt(NODES)} nodes, in-process): p50 ${fmt(decision.p50, 1)} µs, p99 ${fmt(decision.p99, 1)} µs (${fmt(decision.perSecond)} decisions/s)`);
  log(`  baseline, API creates alone (no worker): ${fmt(baselineRate)} creates/s; end to end is ${fmt(rate / baselineRate, 2)}× that`);
  log(`  baseline, workers alone draining ${fmt(backlog)} pending VMs: ${fmt(drainRate)} placements/s; end to end is ${fmt(rate / drainRate, 2)}× that`);
  log(`  target ≥ 1,000 placements/s: ${rate >= 1000 ? 'reached' : 'NOT reached'}`);
  log(
    `  over-commit check: ${pass ? 'PASS' : 'FAIL'} — ${fmt(check.scheduled)}/${fmt(check.vms)} VMs scheduled, ${check.placedTwice} placed twice, ` +
      `${check.overCommitted} node(s) over capacity, ${check.allocationMismatch} node(s) whose allocation differs from their VMs`,
  );
  if (!pass) process.exitCode = 1;
}

main()
  .catch((error: unknown) => {
    log(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  })
  .finally(() => cleanUp());
