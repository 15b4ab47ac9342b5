import { Test, type TestingModule } from '@nestjs/testing';
import { adminNodesGet, adminWalletsCredit, authSignup } from '@statemesh/sdk';
import { ConfigModule, loadConfig, type AppConfig } from '@statemesh/config';
import { newId } from '@statemesh/common';
import { HealingWorkerModule, seedCatalog } from '@statemesh/compute';
import { seedDefaultPrices } from '@statemesh/wallets';
import { DatabaseModule, PrismaService } from '@statemesh/database';
import { ObservabilityModule } from '@statemesh/observability';
import { RedisModule } from '@statemesh/redis';
import { NodeAgent, SimulatorDriver, type NodeAgentOptions } from '../../apps/node-agent/src';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { OutboxRelay } from '@statemesh/queue';
import { TIME_TOWER_TEST_ENV, eventually, registerNode, signInAdmin, signupOperator, type Operator, type RegisteredNode } from '../nodes/time-tower-fixtures';
import { createOwnDatabase } from '../queue/queue-test-stack';
import { newCredentials, send, startApi, type ApiHarness, type SdkClient } from '../support/api-harness';

export interface Tenant {
  accountId: string;
  client: SdkClient;
}

export interface StackNode extends RegisteredNode {
  driver: SimulatorDriver;
  agent: NodeAgent | undefined;
}

let stacks = 0;

/**
 * A whole compute deployment for one suite: its own database and Redis
 * prefix, the real API, real worker processes (Nest contexts) and real node
 * agents with the simulator driver, proving presence until they are active.
 */
export class ComputeStack {
  api!: ApiHarness;
  admin!: SdkClient;
  operator!: Operator;
  readonly workers: TestingModule[] = [];
  readonly nodes: StackNode[] = [];
  private database!: { url: string; drop: () => Promise<void> };
  private env!: Record<string, string>;

  static async start(label: string, env: Record<string, string> = {}): Promise<ComputeStack> {
    const stack = new ComputeStack();
    stacks += 1;
    stack.database = await createOwnDatabase(`${label}`);
    stack.env = {
      ...TIME_TOWER_TEST_ENV,
      RATE_LIMIT_PER_MINUTE: '100000',
      // Standing that survives a loaded machine: nodes here are judged on placement, not on proof timing.
      PROOF_INTERVAL_SECONDS: '0.5',
      ACTIVE_PROOF_THRESHOLD: '0.25',
      ABSENCE_EPOCHS_TO_JAIL: '10',
      NODE_UNREACHABLE_AFTER_SECONDS: '15',
      DATABASE_URL: stack.database.url,
      REDIS_PREFIX: `${process.env.REDIS_PREFIX}:${label}${stacks}`,
      ADMIN_EMAIL: `admin-${label}-${process.pid}@example.test`,
      QUOTA_DEFAULT_MAX_VMS: '200',
      QUOTA_DEFAULT_MAX_VCPU: '400',
      PLACEMENT_RETRY_INITIAL_SECONDS: '0.5',
      PLACEMENT_RETRY_MAX_SECONDS: '2',
      ...env,
    };
    stack.api = await startApi(stack.env);
    await seedTestCatalog(stack.api.app.get(PrismaService));
    stack.admin = await signInAdmin(stack.api);
    stack.operator = await signupOperator(stack.api);
    return stack;
  }

  /** The environment of this stack, for worker processes started outside the test. */
  workerEnv(): Record<string, string> {
    return { NODE_ENV: 'test', ...this.env };
  }

  get config(): AppConfig {
    return this.api.config;
  }

  get prisma(): PrismaService {
    return this.api.app.get(PrismaService);
  }

  async startWorker(env: Record<string, string> = {}): Promise<TestingModule> {
    const config = loadConfig({ ...process.env, NODE_ENV: 'test', ...this.env, ...env });
    const worker = await Test.createTestingModule({ imports: [WorkerModule.forRoot(config)] }).compile();
    this.workers.push(worker);
    await worker.init();
    worker.get(OutboxRelay).start();
    return worker;
  }

  /**
   * The worker's self-healing services without its processors: nothing runs
   * on a timer, the test drives each pass itself.
   */
  async startHealing(): Promise<TestingModule> {
    const config = loadConfig({ ...process.env, NODE_ENV: 'test', ...this.env });
    const healing = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), DatabaseModule, RedisModule, ObservabilityModule, HealingWorkerModule] }).compile();
    this.workers.push(healing);
    await healing.init();
    return healing;
  }

  async stopWorker(worker: TestingModule): Promise<void> {
    this.workers.splice(this.workers.indexOf(worker), 1);
    await worker.close();
  }

  /** Registers a node and starts its agent. */
  async addNode(overrides: Parameters<typeof registerNode>[1] = {}, agent = true): Promise<StackNode> {
    const registered = await registerNode(this.operator, { address: `10.0.0.${this.nodes.length + 1}`, ...overrides });
    const driver = new SimulatorDriver({ bootDelayMs: 50, stopDelayMs: 20 });
    const node: StackNode = { ...registered, driver, agent: undefined };
    if (agent) node.agent = this.startAgent(node);
    this.nodes.push(node);
    return node;
  }

  /**
   * Inserts `count` small active, eligible datacenter nodes (4 vCPU, 8 GiB,
   * 100 GiB) straight into the database, without agents: for tests of
   * placement alone. Ids in ascending order.
   */
  async addSmallNodes(count: number, zone = 'eu-west'): Promise<string[]> {
    const ids = Array.from({ length: count }, () => newId()).sort();
    await this.prisma.node.createMany({
      data: ids.map((id) => ({
        id,
        accountId: this.operator.accountId,
        name: `small-${zone}-${id}`,
        zone,
        class: 'datacenter' as const,
        arch: 'x86_64',
        virtualization: true,
        publicKey: `key-${id}`,
        capacityVcpu: 4,
        capacityMemoryMib: 8192,
        capacityDiskGib: 100,
        status: 'active' as const,
        eligible: true,
        lastSeenAt: new Date(),
      })),
    });
    return ids;
  }

  startAgent(node: StackNode): NodeAgent {
    const options: Partial<NodeAgentOptions> = {
      reconnect: { initialMs: 100, maxMs: 500 },
      assignmentsUnavailableMs: { initialMs: 1_000, maxMs: 1_000 },
      assignmentsWaitSeconds: 5,
      requestTimeoutMs: 10_000,
    };
    const agent = new NodeAgent({ ...options, apiUrl: this.api.baseUrl, nodeId: node.id, privateKey: node.privateKey, driver: node.driver });
    agent.start();
    node.agent = agent;
    return agent;
  }

  /** Waits until every listed node is active and eligible for placement. */
  async untilEligible(nodes: StackNode[], timeoutMs = 30_000): Promise<void> {
    for (const node of nodes) {
      await eventually(
        `node ${node.name} eligible`,
        async () => {
          const view = (await send(adminNodesGet({ client: this.admin, path: { nodeId: node.id } }))).data;
          return view?.status === 'active' && view.epochStanding.eligible ? true : undefined;
        },
        timeoutMs,
      );
    }
  }

  /** A new customer account, its wallet credited with `funds` micro-units (100 USD unless told). */
  async signupTenant(funds = '100000000'): Promise<Tenant> {
    const { data } = await send(authSignup({ client: this.api.client(), body: newCredentials() }));
    const tenant = { accountId: data!.account!.id, client: this.api.client(data!.accessToken) };
    if (funds !== '0') await this.credit(tenant.accountId, funds);
    return tenant;
  }

  async credit(accountId: string, amount: string): Promise<void> {
    const credited = await send(adminWalletsCredit({ client: this.admin, path: { accountId }, body: { amount, reason: 'test funds', reference: `test-${newId()}` } }));
    if (credited.status !== 201 && credited.status !== 200) throw new Error(`credit failed: ${JSON.stringify(credited.error)}`);
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.agent?.stop()));
    await Promise.all(this.workers.map((worker) => worker.close()));
    await this.api.close();
    await this.database.drop();
  }
}

/** The standard catalog, plus a zone whose UDP pool holds two ports. */
export async function seedTestCatalog(prisma: PrismaService): Promise<void> {
  await seedCatalog(prisma);
  await seedDefaultPrices(prisma);
  await prisma.zone.createMany({ data: [{ name: 'tiny-udp', displayName: 'Tiny UDP pool', udpPortMin: 30000, udpPortMax: 30001 }], skipDuplicates: true });
}
