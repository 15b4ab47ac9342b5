import { AgentApiClient } from './api/agent-api-client';
import { createAgentLogger } from './agent-logger';
import { USAGE, UsageError, parseAgentOptions, type AgentCliOptions } from './agent-options';
import { createDriver } from './drivers/create-driver';
import { enrollNode } from './enrollment';
import { detectHardware } from './hardware';
import { AGENT_VERSION, NodeAgent } from './node-agent';
import { loadOrCreateNodeKey, readEnrollment, writeEnrollment, type NodeKey } from './node-identity';

// node-agent: the reference node agent. See docs/node-agent.md.

async function resolveNodeId(options: AgentCliOptions, key: NodeKey): Promise<string> {
  if (options.nodeId) return options.nodeId;
  const enrolled = readEnrollment(options.keyPath);
  if (enrolled && enrolled.apiUrl === options.apiUrl) return enrolled.nodeId;
  if (!options.register) {
    throw new UsageError('The node is not enrolled: pass --node-id <id> (from registering it through the API), or --register.');
  }
  const hardware = detectHardware();
  const registration = options.register;
  const node = await enrollNode(new AgentApiClient(options.apiUrl, { userAgent: AGENT_VERSION }), {
    bearer: registration.bearer,
    accountId: registration.accountId,
    publicKey: key.publicKey,
    node: {
      name: registration.name,
      zone: registration.zone,
      class: registration.class,
      arch: registration.arch ?? hardware.arch,
      virtualization: registration.virtualization ?? hardware.virtualization,
      capacity: {
        vcpu: registration.vcpu ?? hardware.vcpu,
        memoryMib: registration.memoryMib ?? hardware.memoryMib,
        diskGib: registration.diskGib ?? hardware.diskGib,
      },
      ...(registration.address ? { address: registration.address } : {}),
    },
  });
  writeEnrollment(options.keyPath, { nodeId: node.id, apiUrl: options.apiUrl });
  return node.id;
}

async function main(): Promise<void> {
  let options: AgentCliOptions;
  try {
    options = parseAgentOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message ? `${error.message}\n\n${USAGE}` : USAGE);
    process.exit(error.message ? 2 : 0);
  }
  const logger = createAgentLogger(options.logLevel);
  const key = loadOrCreateNodeKey(options.keyPath);
  if (key.created) logger.info('generated a node key', { path: options.keyPath, publicKey: key.publicKey });
  const nodeId = await resolveNodeId(options, key);
  const agent = new NodeAgent({
    apiUrl: options.apiUrl,
    nodeId,
    privateKey: key.privateKey,
    driver: createDriver(options),
    logger,
    address: options.address,
  });
  agent.start();
  void agent.whenStopped().then(async () => {
    if (!agent.refused) return;
    await agent.stop();
    process.exit(3);
  });
  const shutdown = async (signal: string) => {
    logger.info(`${signal}: stopping`);
    await agent.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? `${error.message}\n\n${USAGE}` : error);
  process.exit(error instanceof UsageError ? 2 : 1);
});
