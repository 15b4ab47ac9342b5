import type { RegisterNodeDto } from '@statemesh/sdk';
import { loadPrivateKey, generateNodeKey } from '@statemesh/agent-protocol';
import { join } from 'node:path';
import { AgentApiClient } from '../api/agent-api-client';
import { silentLogger, type AgentLogger } from '../agent-logger';
import { SimulatorDriver, type SimulatorOptions } from '../drivers/simulator-driver';
import { enrollNode } from '../enrollment';
import { AGENT_VERSION, NodeAgent, type NodeAgentOptions } from '../node-agent';
import { loadOrCreateNodeKey } from '../node-identity';

export type FleetNodeSpec = Omit<RegisterNodeDto, 'publicKey'>;

/**
 * The quick-start fleet: three nodes in two zones. The edge node has
 * virtualization, so it is its class alone that must keep VMs off it.
 * Addresses are from TEST-NET-1 (RFC 5737): gateways' routing tables show
 * where traffic would go, and nothing can actually be reached there.
 */
export const DEFAULT_FLEET: FleetNodeSpec[] = [
  { name: 'sim-eu-west-1', zone: 'eu-west', class: 'bare-metal', arch: 'x86_64', virtualization: true, address: '192.0.2.11', capacity: { vcpu: 32, memoryMib: 131_072, diskGib: 2_000 } },
  { name: 'sim-us-east-1', zone: 'us-east', class: 'datacenter', arch: 'x86_64', virtualization: true, address: '192.0.2.21', capacity: { vcpu: 16, memoryMib: 65_536, diskGib: 1_000 } },
  { name: 'sim-eu-west-edge-1', zone: 'eu-west', class: 'edge', arch: 'x86_64', virtualization: true, address: '192.0.2.12', capacity: { vcpu: 4, memoryMib: 8_192, diskGib: 100 } },
];

export interface SimulatedFleetOptions {
  apiUrl: string;
  /** A user who may register nodes in the operator account: the platform admin in the quick start. */
  adminEmail: string;
  adminPassword: string;
  /** The operator account; the user's first account when omitted. */
  accountId?: string;
  nodes?: FleetNodeSpec[];
  /**
   * Where node keys are kept (one `<name>.pem` each). With it, a restarted
   * fleet finds its nodes again; without it, keys live in memory and node
   * names must be new.
   */
  keyDir?: string;
  simulator?: SimulatorOptions;
  logger?: AgentLogger;
  /** Passed to every agent (reconnect backoff, timeouts, ...). */
  agent?: Partial<Omit<NodeAgentOptions, 'apiUrl' | 'nodeId' | 'privateKey' | 'driver'>>;
}

export interface SimulatedNode {
  id: string;
  name: string;
  zone: string;
  class: FleetNodeSpec['class'];
  agent: NodeAgent;
  driver: SimulatorDriver;
}

export interface SimulatedFleet {
  accountId: string;
  nodes: SimulatedNode[];
  stop(): Promise<void>;
}

/**
 * Registers the nodes under the operator account (or finds them, when their
 * keys are kept) and runs an agent with the simulator driver for each, in
 * this process. Returns once every agent is started; the nodes then earn
 * eligibility through the Time Tower like any other.
 */
export async function startSimulatedFleet(options: SimulatedFleetOptions): Promise<SimulatedFleet> {
  const api = new AgentApiClient(options.apiUrl, { userAgent: AGENT_VERSION });
  const logger = options.logger ?? silentLogger;
  const { accessToken } = await api.login(options.adminEmail, options.adminPassword);
  const accountId = options.accountId ?? (await api.accounts(accessToken)).items[0]?.id;
  if (!accountId) throw new Error(`${options.adminEmail} has no account to register nodes in`);

  const nodes: SimulatedNode[] = [];
  for (const spec of options.nodes ?? DEFAULT_FLEET) {
    const key = options.keyDir
      ? loadOrCreateNodeKey(join(options.keyDir, `${spec.name}.pem`))
      : (() => {
          const generated = generateNodeKey();
          return { privateKey: loadPrivateKey(generated.privateKeyPem), publicKey: generated.publicKey };
        })();
    const node = await enrollNode(api, { bearer: accessToken, accountId, node: spec, publicKey: key.publicKey });
    const driver = new SimulatorDriver(options.simulator);
    const agent = new NodeAgent({
      ...options.agent,
      apiUrl: options.apiUrl,
      nodeId: node.id,
      privateKey: key.privateKey,
      driver,
      logger: options.agent?.logger ?? logger,
    });
    agent.start();
    nodes.push({ id: node.id, name: spec.name, zone: spec.zone, class: spec.class, agent, driver });
    logger.info('simulated node started', { nodeId: node.id, nodeName: spec.name, zone: spec.zone, class: spec.class });
  }
  return {
    accountId,
    nodes,
    async stop() {
      await Promise.all(nodes.map(async (node) => {
        await node.agent.stop();
        await node.driver.close();
      }));
    },
  };
}
