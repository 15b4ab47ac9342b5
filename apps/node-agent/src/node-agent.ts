import type { KeyObject } from 'node:crypto';
import type { Assignment } from '@statemesh/agent-protocol';
import { AgentApiClient } from './api/agent-api-client';
import { ApiProblemError, ApiUnavailableError } from './api/api-errors';
import { runAssignment } from './assignments/assignment-runner';
import { Backoff, pause } from './backoff';
import type { HypervisorDriver, VmInfo } from './drivers/hypervisor-driver';
import { silentLogger, withContext, type AgentLogger } from './agent-logger';
import { GenerationFence } from './fencing/generation-fence';
import { HealthMonitor } from './health/health-monitor';
import { ProofAbortedError, type Prover } from './proving/prover';
import { WorkerProver } from './proving/worker-prover';
import { SessionManager } from './session-manager';
import { SessionRefusedError } from './session-refused.error';

export const AGENT_VERSION = 'statemesh-node-agent/0.1.0';

/** After an epoch's end, give the worker a moment to close it before asking for the next challenge. */
const EPOCH_CLOSE_SLACK_MS = 100;

export interface NodeAgentOptions {
  apiUrl: string;
  nodeId: string;
  privateKey: KeyObject;
  driver: HypervisorDriver;
  logger?: AgentLogger;
  /** The address to report (gateways use it when none was registered). */
  address?: string;
  prover?: Prover;
  /** Reconnect backoff while the API is unreachable. */
  reconnect?: { initialMs: number; maxMs: number };
  /** Long-poll window for assignments. */
  assignmentsWaitSeconds?: number;
  /** How long to wait before asking again when the API has no assignments endpoint (yet). */
  assignmentsUnavailableMs?: { initialMs: number; maxMs: number };
  requestTimeoutMs?: number;
}

export interface NodeAgentStats {
  sessionsOpened: number;
  heartbeatsSent: number;
  proofsAccepted: number;
  proofsRejected: number;
  assignmentsRun: number;
  lastHeartbeatAt: Date | null;
  /** The node's status as of the last heartbeat. */
  nodeStatus: string | null;
  eligible: boolean;
}

/**
 * The reference node agent: keeps a node session, heartbeats, proves
 * presence on schedule on a worker thread, pulls and runs assignments, and
 * reports VM state changes. Each of these runs as its own loop, so a slow
 * proof never delays a heartbeat; every loop backs off and retries while the
 * API is unreachable, and carries on where it left off when it returns.
 */
export class NodeAgent {
  private readonly api: AgentApiClient;
  private readonly sessions: SessionManager;
  private readonly prover: Prover;
  private readonly logger: AgentLogger;
  private readonly controller = new AbortController();
  private loops: Promise<void>[] = [];
  private refusal?: SessionRefusedError;
  private unsubscribe?: () => void;
  private heartbeatIntervalMs = 5_000;
  /** How long the last proof took, to avoid starting one that its epoch's close would make stale. */
  private lastProofMs?: number;
  private proofIntervalMs = 60_000;
  /** Self-fencing: how long the node's VMs may run without the agent reaching the API (from the session settings). */
  private selfFenceAfterMs?: number;
  private readonly fence = new GenerationFence();
  private readonly health: HealthMonitor;
  private readonly statistics: NodeAgentStats = {
    sessionsOpened: 0,
    heartbeatsSent: 0,
    proofsAccepted: 0,
    proofsRejected: 0,
    assignmentsRun: 0,
    lastHeartbeatAt: null,
    nodeStatus: null,
    eligible: false,
  };

  constructor(private readonly options: NodeAgentOptions) {
    this.logger = withContext(options.logger ?? silentLogger, { nodeId: options.nodeId });
    this.api = new AgentApiClient(options.apiUrl, { timeoutMs: options.requestTimeoutMs ?? 10_000, userAgent: AGENT_VERSION });
    this.prover = options.prover ?? new WorkerProver();
    this.health = new HealthMonitor(options.driver);
    this.sessions = new SessionManager(this.api, options.nodeId, options.privateKey, (session) => {
      this.statistics.sessionsOpened += 1;
      this.heartbeatIntervalMs = session.settings.heartbeatIntervalSeconds * 1000;
      this.proofIntervalMs = session.settings.proofIntervalSeconds * 1000;
      this.selfFenceAfterMs = session.settings.selfFenceAfterSeconds ? session.settings.selfFenceAfterSeconds * 1000 : undefined;
      this.logger.info('node session opened', { status: session.node.status, expiresIn: session.expiresIn });
    });
  }

  get nodeId(): string {
    return this.options.nodeId;
  }

  get stats(): Readonly<NodeAgentStats> {
    return { ...this.statistics };
  }

  /** Why the agent gave up by itself (the API refuses this node's sessions for good), if it did. */
  get refused(): SessionRefusedError | undefined {
    return this.refusal;
  }

  /** Resolves when every loop has ended: after stop(), or when the API refuses the node for good. */
  async whenStopped(): Promise<void> {
    await Promise.allSettled(this.loops);
  }

  private get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Starts the loops and returns; they run until stop(). */
  start(): void {
    if (this.loops.length > 0) throw new Error('the agent is already running');
    this.unsubscribe = this.options.driver.onVmStateChange((vm) => void this.reportVm(vm));
    this.loops = [
      this.loop('heartbeat', () => this.heartbeatOnce()),
      this.loop('presence', () => this.proveOnce()),
      this.loop('assignments', () => this.pollAssignmentsOnce(), this.options.assignmentsUnavailableMs ?? { initialMs: 30_000, maxMs: 300_000 }),
      this.loop('health', () => this.checkHealthOnce()),
    ];
    this.logger.info('agent started', { driver: this.options.driver.name, api: this.options.apiUrl });
  }

  /** Stops every loop, cancels a proof in flight and waits for the loops to end. */
  async stop(): Promise<void> {
    this.controller.abort();
    this.unsubscribe?.();
    await this.prover.close();
    await Promise.allSettled(this.loops);
    this.loops = [];
    this.logger.info('agent stopped');
  }

  /**
   * Runs `once` over and over. It returns how long to wait before the next
   * round. Unreachable API: reconnect backoff. A refused token: a new
   * session at once. A route the API does not have (404 route.not_found —
   * e.g. no assignments endpoint yet): the route's own, longer backoff.
   */
  private async loop(name: string, once: () => Promise<number>, missingRoute?: { initialMs: number; maxMs: number }): Promise<void> {
    const reconnect = this.options.reconnect ?? { initialMs: 1_000, maxMs: 30_000 };
    const offline = new Backoff(reconnect.initialMs, reconnect.maxMs);
    const absent = missingRoute ? new Backoff(missingRoute.initialMs, missingRoute.maxMs) : undefined;
    while (!this.signal.aborted) {
      let waitMs: number;
      try {
        waitMs = await once();
        offline.reset();
        absent?.reset();
      } catch (error) {
        if (this.signal.aborted) break;
        if (error instanceof SessionRefusedError) {
          if (!this.refusal) this.logger.error(`giving up: ${error.message}`);
          this.refusal = error;
          this.controller.abort();
          break;
        }
        if (error instanceof ApiUnavailableError) {
          waitMs = Math.max(offline.next(), error.retryAfterMs ?? 0);
          if (offline.attempts === 1 || offline.attempts % 10 === 0) {
            this.logger.warn(`${name}: API unavailable, retrying`, { error: error.message, retryInMs: waitMs });
          }
        } else if (error instanceof ApiProblemError && error.code === 'route.not_found' && absent) {
          waitMs = absent.next();
          if (absent.attempts === 1) this.logger.info(`${name}: not offered by this API, asking again later`, { retryInMs: waitMs });
        } else {
          waitMs = offline.next();
          this.logger.error(`${name}: ${(error as Error).message}`, { retryInMs: waitMs });
        }
      }
      await pause(waitMs, this.signal);
    }
  }

  /** Calls the API with the session token, opening a new session once if the token is refused. */
  private async authorized<T>(call: (token: string) => Promise<T>): Promise<T> {
    const token = await this.sessions.token(this.signal);
    try {
      return await call(token);
    } catch (error) {
      if (!(error instanceof ApiProblemError) || error.status !== 401) throw error;
      this.sessions.invalidate(token);
      return call(await this.sessions.token(this.signal));
    }
  }

  private async heartbeatOnce(): Promise<number> {
    const [usage, vms] = await Promise.all([this.options.driver.usage(), this.options.driver.listVms()]);
    const ack = await this.authorized((token) =>
      this.api.heartbeat(
        token,
        {
          usage,
          vms: vms.map((vm) => ({
            id: vm.vmId,
            state: vm.state,
            since: vm.since.toISOString(),
            ...(vm.message ? { message: vm.message.slice(0, 500) } : {}),
            ...(vm.generation !== undefined ? { generation: vm.generation } : {}),
          })),
          agentVersion: AGENT_VERSION,
          ...(this.options.address ? { address: this.options.address } : {}),
        },
        this.signal,
      ),
    );
    this.statistics.heartbeatsSent += 1;
    this.statistics.lastHeartbeatAt = new Date();
    // The platform has heard from the node: its VMs may keep running for another grace period.
    if (this.selfFenceAfterMs !== undefined) this.options.driver.setFenceLease?.(new Date(Date.now() + this.selfFenceAfterMs));
    if (ack.status !== this.statistics.nodeStatus || ack.eligible !== this.statistics.eligible) {
      this.logger.info('node standing', { status: ack.status, eligible: ack.eligible, epoch: ack.epoch });
    }
    this.statistics.nodeStatus = ack.status;
    this.statistics.eligible = ack.eligible;
    this.heartbeatIntervalMs = ack.heartbeatIntervalSeconds * 1000;
    return this.heartbeatIntervalMs;
  }

  /**
   * One presence proof: the challenge (on the chain head and the open
   * epoch's seed), T squarings on the worker thread, the submission. Proofs
   * start one interval apart; an epoch that closes meanwhile makes the proof
   * stale, and the next round proves on the new epoch at once.
   */
  private async proveOnce(): Promise<number> {
    const started = Date.now();
    const challenge = await this.authorized((token) => this.api.proofChallenge(token, this.signal));
    const notBefore = challenge.notBefore ? new Date(challenge.notBefore).getTime() - Date.now() : 0;
    if (notBefore > 0) return notBefore;
    // A proof that cannot finish before its epoch is due to close would only
    // be stale: wait for the next epoch's seed instead. (An overdue epoch is
    // still open, and a proof on it still counts.)
    const epochLeftMs = new Date(challenge.epochEndsAt).getTime() - Date.now();
    if (this.lastProofMs !== undefined && epochLeftMs > 0 && epochLeftMs < this.lastProofMs) return epochLeftMs + EPOCH_CLOSE_SLACK_MS;
    let result;
    const proving = Date.now();
    try {
      result = await this.prover.prove(challenge.input, challenge.iterations, this.signal);
    } catch (error) {
      if (error instanceof ProofAbortedError) return 0;
      throw error;
    }
    this.lastProofMs = Date.now() - proving;
    const submission = { epoch: challenge.epoch, previousHash: challenge.previousHash, input: challenge.input, iterations: challenge.iterations, ...result };
    try {
      await this.authorized((token) => this.api.submitProof(token, submission, this.signal));
      this.statistics.proofsAccepted += 1;
    } catch (error) {
      if (!(error instanceof ApiProblemError)) throw error;
      if (error.code === 'proof.stale_epoch') return 0;
      if (error.code === 'proof.too_early') return Number(error.problem.retryAfterMs ?? this.proofIntervalMs / 2);
      this.statistics.proofsRejected += 1;
      this.logger.error('presence proof rejected', { code: error.code, detail: error.detail });
    }
    return Math.max(0, started + this.proofIntervalMs - Date.now());
  }

  private async pollAssignmentsOnce(): Promise<number> {
    const waitSeconds = this.options.assignmentsWaitSeconds ?? 25;
    const assignments = await this.authorized((token) => this.api.assignments(token, waitSeconds, this.signal));
    for (const assignment of assignments) {
      const outcome = await this.runFenced(assignment);
      if (outcome.outcome === 'failed') this.logger.warn('assignment failed', { assignmentId: assignment.id, action: assignment.action, error: outcome.message });
      this.statistics.assignmentsRun += 1;
      await this.authorized((token) => this.api.acknowledgeAssignment(token, assignment.id, outcome, this.signal));
    }
    return 0;
  }

  /**
   * Runs an assignment unless it is older than a generation already seen for
   * its VM (fencing); a create-vm of a newer placement replaces an older
   * local copy, and the generation is recorded with the VM it creates.
   */
  private async runFenced(assignment: Assignment): Promise<{ outcome: 'done' | 'failed'; message?: string }> {
    try {
      const local = await this.options.driver.listVms();
      this.fence.observe(local);
      const verdict = this.fence.judge(assignment, local.find((vm) => vm.vmId === assignment.vmId));
      if (verdict.kind === 'refuse') return { outcome: 'failed', message: verdict.reason };
      if (verdict.kind === 'replace') await this.options.driver.deleteVm(assignment.vmId);
      let work = assignment;
      if (assignment.action === 'create-vm' && assignment.vm) {
        work = { ...assignment, vm: { ...assignment.vm, ...(assignment.generation !== undefined ? { generation: assignment.generation } : {}) } };
        this.health.watch(assignment.vmId, assignment.vm.healthCheck);
      }
      this.fence.accept(assignment);
      await runAssignment(this.options.driver, work);
      if (assignment.action === 'delete-vm') this.health.forget(assignment.vmId);
      return { outcome: 'done' };
    } catch (error) {
      return { outcome: 'failed', message: (error as Error).message.slice(0, 500) };
    }
  }

  /** Health checks that are due; changes are reported with the VM's state. */
  private async checkHealthOnce(): Promise<number> {
    for (const verdict of await this.health.round()) {
      const { info } = verdict;
      await this.authorized((token) =>
        this.api.reportVmStatus(token, verdict.vmId, { state: info.state, since: info.since.toISOString(), healthy: verdict.healthy, ...(verdict.healthy ? {} : { message: 'health check failed' }) }, this.signal),
      );
    }
    return 1_000;
  }

  /** Best effort: heartbeats carry every VM's state anyway, so a lost report is repaired by the next one. */
  private async reportVm(vm: VmInfo): Promise<void> {
    if (this.signal.aborted) return;
    try {
      await this.authorized((token) =>
        this.api.reportVmStatus(token, vm.vmId, { state: vm.state, since: vm.since.toISOString(), ...(vm.message ? { message: vm.message } : {}) }, this.signal),
      );
    } catch (error) {
      this.logger.debug('VM status not reported; the next heartbeat carries it', { vmId: vm.vmId, error: (error as Error).message });
    }
  }
}
