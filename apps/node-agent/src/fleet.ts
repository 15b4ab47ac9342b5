import { createAgentLogger } from './agent-logger';
import { DEFAULT_FLEET, startSimulatedFleet, type FleetNodeSpec } from './fleet/simulated-fleet';

// node dist/apps/node-agent/src/fleet.js — runs the quick-start fleet of
// simulated nodes against an API until interrupted. Environment:
//   STATEMESH_API_URL (default http://127.0.0.1:3000)
//   ADMIN_EMAIL, ADMIN_PASSWORD (the API's platform admin; its defaults when unset)
//   FLEET_ACCOUNT_ID       the operator account (default: the admin's first account)
//   FLEET_KEY_DIR          where node keys are kept (default .stack/node-keys)
//   FLEET_NODES            a JSON array of node specs (default: 3 nodes, 2 zones, one edge)
//   SIMULATOR_BOOT_DELAY_MS, LOG_LEVEL

async function main(): Promise<void> {
  const env = process.env;
  const logger = createAgentLogger(env.LOG_LEVEL ?? 'info', { fleet: true });
  const fleet = await startSimulatedFleet({
    apiUrl: env.STATEMESH_API_URL ?? 'http://127.0.0.1:3000',
    adminEmail: env.ADMIN_EMAIL ?? 'admin@statemesh.local',
    adminPassword: env.ADMIN_PASSWORD ?? 'statemesh-admin',
    accountId: env.FLEET_ACCOUNT_ID,
    nodes: env.FLEET_NODES ? (JSON.parse(env.FLEET_NODES) as FleetNodeSpec[]) : DEFAULT_FLEET,
    keyDir: env.FLEET_KEY_DIR ?? '.stack/node-keys',
    simulator: env.SIMULATOR_BOOT_DELAY_MS ? { bootDelayMs: Number(env.SIMULATOR_BOOT_DELAY_MS) } : undefined,
    logger,
  });
  logger.info(`fleet of ${fleet.nodes.length} simulated node(s) running`, { accountId: fleet.accountId, nodeNames: fleet.nodes.map((node) => node.name) });
  const shutdown = async () => {
    await fleet.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
