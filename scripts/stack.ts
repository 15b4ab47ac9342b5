import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, SERVICE_NODE_FLAGS } from '@statemesh/common';
import { type AppConfig, loadConfigOrExit } from '@statemesh/config';
import { defaultMigrationPaths } from '../libs/database/src/migrations/cli';
import { applyMigrations } from '../libs/database/src/migrations/schema-engine';
import { seed } from '../prisma/seed';

/**
 * `npm run stack`: the whole system on one machine. Migrates (creating the
 * database if needed), seeds, then runs the API, the worker and simulated
 * node agents as child processes until Ctrl-C / SIGTERM, which stops them
 * cleanly. Honours PORT, DATABASE_URL, REDIS_URL, REDIS_PREFIX, ADMIN_EMAIL
 * and ADMIN_PASSWORD, so several stacks can share a machine.
 */

const READY_TIMEOUT_MS = 30_000;

/**
 * Time Tower settings for a demo on one machine: short epochs and light
 * proofs, so the simulated nodes are active (and take VMs) within seconds
 * rather than the production half hour. Any of them set in the environment wins.
 */
const QUICK_START_DEFAULTS: Record<string, string> = {
  EPOCH_SECONDS: '10',
  PROOF_INTERVAL_SECONDS: '3',
  VDF_ITERATIONS: '32768',
  EPOCHS_TO_ACTIVATE: '1',
  NODE_UNREACHABLE_AFTER_SECONDS: '20',
};

function step(message: string): void {
  console.log(`[stack] ${message}`);
}

interface Service {
  name: string;
  entry: string;
  args?: string[];
  env?: Record<string, string>;
}

function start(service: Service): ChildProcess {
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, '--enable-source-maps', join(projectRoot(), 'dist', service.entry), ...(service.args ?? [])], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...service.env },
  });
  step(`started ${service.name} (pid ${child.pid})`);
  return child;
}

async function waitForReady(config: AppConfig): Promise<void> {
  const url = `http://127.0.0.1:${config.http.port}/readyz`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the API did not become ready within ${READY_TIMEOUT_MS / 1000} s`);
}

async function main(): Promise<void> {
  for (const [name, value] of Object.entries(QUICK_START_DEFAULTS)) process.env[name] ??= value;
  const config = loadConfigOrExit();

  step(`migrating ${new URL(config.database.url).pathname.slice(1)} ...`);
  const applied = await applyMigrations(config.database.url, defaultMigrationPaths());
  step(applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date');
  step('seeding ...');
  await seed(config, (line) => step(line));

  const services: Service[] = [
    { name: 'api', entry: 'apps/api/src/main.js' },
    { name: 'worker', entry: 'apps/worker/src/main.js' },
  ].filter((service) => existsSync(join(projectRoot(), 'dist', service.entry)));
  const children = new Map<ChildProcess, string>();
  let stopping = false;

  const stopAll = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    step(`stopping (${signal}) ...`);
    for (const child of children.keys()) child.kill('SIGTERM');
  };
  process.on('SIGINT', () => stopAll('SIGINT'));
  process.on('SIGTERM', () => stopAll('SIGTERM'));

  const launch = (service: Service) => {
    const child = start(service);
    children.set(child, service.name);
    return new Promise<number>((resolve) =>
      child.on('exit', (code, signal) => {
        children.delete(child);
        if (!stopping) {
          step(`${service.name} exited unexpectedly (${signal ?? code}); stopping the stack`);
          stopAll('SIGTERM');
        }
        resolve(code ?? (signal === 'SIGTERM' ? 0 : 1));
      }),
    );
  };
  const exited = services.map(launch);

  try {
    await waitForReady(config);
    const base = `http://127.0.0.1:${config.http.port}`;
    // Simulated node agents (3 nodes in 2 zones, one of them an edge node that never hosts VMs),
    // operated by the admin's account; their keys are kept per database.
    exited.push(
      launch({
        name: 'simulated nodes',
        entry: 'apps/node-agent/src/fleet.js',
        env: {
          STATEMESH_API_URL: base,
          ADMIN_EMAIL: config.admin.email,
          ADMIN_PASSWORD: config.admin.password,
          FLEET_KEY_DIR: join(projectRoot(), '.stack', new URL(config.database.url).pathname.slice(1), 'node-keys'),
        },
      }),
    );
    console.log(
      [
        '',
        'StateMesh is up.',
        `  API:    ${base}`,
        `  Docs:   ${base}/docs`,
        `  OpenAPI: ${base}/openapi.json`,
        `  Admin:  ${config.admin.email} / ${config.env === 'production' ? '(ADMIN_PASSWORD)' : config.admin.password}`,
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
  } catch (error) {
    step((error as Error).message);
    stopAll('SIGTERM');
  }

  const codes = await Promise.all(exited);
  const failed = codes.some((code) => code !== 0) && !stopping;
  step('stopped');
  process.exit(failed ? 1 : 0);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
