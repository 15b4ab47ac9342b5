import { Injectable, Logger } from '@nestjs/common';
import { DomainError, Batcher, newId, notFound, type BatchOutcome } from '@statemesh/common';
import { AdvisoryLocks, Prisma, TransactionRunner, isTransientDatabaseFailure, isUniqueViolation, type AdvisoryLock, type Db, type Operation, type VmPort } from '@statemesh/database';
import { JobEnqueuer } from '@statemesh/queue';
import { RunwayPolicy } from '@statemesh/wallets';
import { catalogGatesForVm } from '../catalog/catalog-gate';
import { CatalogService, type VmCatalogRequest } from '../catalog/catalog.service';
import type { ResolvedVmCatalog } from '../catalog/catalog.types';
import { healingColumnsForCreate } from '../healing/vm-healing-fields';
import { OperationRepository } from '../operations/operation.repository';
import { accountQuotaLock } from '../quotas/quota-lock';
import { QuotasService, quotaRefusal } from '../quotas/quotas.service';
import type { CreateVmDto } from './dto/vm.dto';
import { VmAcceptanceMetrics } from './vm-acceptance.metrics';
import { VmRepository, liveNameKey, type AcceptedVmDraft, type VmWithPorts } from './vm.repository';
import { VmsErrors } from './vms.errors';

/** The most creates one transaction accepts. */
const MAX_CREATES_PER_TRANSACTION = 64;
/** How many accepting transactions one API process runs at once. */
const ACCEPTING_TRANSACTIONS = 2;
const UDP_CLAIM_ATTEMPTS = 8;
/** A create not judged by its transaction because a lock it needs was held elsewhere. */
const LOCK_HELD = Symbol('lock held');

/** A create that passed the checks made outside the transaction, ready to be accepted. */
export interface VmAcceptRequest {
  id: string;
  accountId: string;
  actor: string;
  input: CreateVmDto;
  /** The entrypoint name of the VM's ports. */
  fqdn: string;
  /** The VM snapshot the VM boots from, on the snapshot's node. */
  restore: { id: string; nodeId: string } | null;
  /** What the VM costs per hour, checked against the account's runway; null for a VM created stopped (run strategy halted). */
  hourlyPrice: bigint | null;
}

export interface AcceptedVm {
  vm: VmWithPorts;
  operation: Operation;
}

/**
 * Accepts new VMs: each VM, its entrypoints (with public UDP ports from the
 * zone's pool), its first event, its operation and its placement job commit
 * in one transaction, so an accepted VM is never lost and never placed
 * without its record.
 *
 * Concurrent creates share transactions (group commit, `Batcher`): up
 * to MAX_CREATES_PER_TRANSACTION creates waiting while earlier ones commit
 * are accepted together: one lock statement, one read of the catalog
 * entries, wallets, burn rates, quotas and taken names for all of them, one
 * write. Each create is judged on its own, in arrival order, exactly as it
 * would be alone: a refused one (runway, quota, name, catalog) gets its own
 * error and the others go on. Should the transaction itself fail, each of
 * its creates is tried again in a transaction of its own, so one create's
 * failure is never another's.
 */
@Injectable()
export class VmAcceptanceService {
  private readonly logger = new Logger(VmAcceptanceService.name);
  /** Creates that went back to the batcher once because a lock they need was held. */
  private readonly requeued = new WeakSet<VmAcceptRequest>();
  private readonly group = new Batcher<VmAcceptRequest, AcceptedVm>((requests) => this.commit(requests), {
    maxBatch: MAX_CREATES_PER_TRANSACTION,
    maxInFlight: ACCEPTING_TRANSACTIONS,
  });

  constructor(
    private readonly tx: TransactionRunner,
    private readonly locks: AdvisoryLocks,
    private readonly vms: VmRepository,
    private readonly operations: OperationRepository,
    private readonly catalog: CatalogService,
    private readonly quotas: QuotasService,
    private readonly runway: RunwayPolicy,
    private readonly jobs: JobEnqueuer,
    private readonly metrics: VmAcceptanceMetrics,
  ) {}

  /** Resolves with the accepted VM once its transaction committed; rejects with the reason it was refused. */
  accept(request: VmAcceptRequest): Promise<AcceptedVm> {
    // A UDP port that cannot be claimed fails the transaction: such creates are accepted alone.
    return this.group.submit(request, { alone: (request.input.ports ?? []).some((port) => port.protocol === 'udp') });
  }

  private async commit(requests: VmAcceptRequest[]): Promise<Array<BatchOutcome<AcceptedVm>>> {
    try {
      const outcomes = await this.tx.run((db) => this.acceptTogether(requests, db, 'try'));
      // Handed on only once the transaction is over: a create that waits for a lock this transaction held must not
      // take a second connection of the pool while this one still holds it.
      return outcomes.map((outcome, index) => (outcome === LOCK_HELD ? { ok: true, value: this.handOn(requests[index]) } : outcome));
    } catch (error) {
      if (requests.length === 1) return [{ ok: false, error: translated(error, requests[0]) }];
      // What one create can cause (a name taken by a rename under way, text the database refuses) must fail
      // only that create: each is tried again alone, outside the batcher. Anything else fails them all at once.
      if (!mayBeOneCreatesFault(error)) return requests.map(() => ({ ok: false, error }));
      this.logger.warn(`accepting ${requests.length} creates together failed (${String(error)}); accepting each alone`);
      this.metrics.handedOn('failed-together', requests.length);
      return requests.map((request) => ({ ok: true, value: this.acceptAlone(request) }));
    }
  }

  /**
   * A create whose lock was held: most often by the other transaction of this
   * process (another create of its account), which commits in a moment, so it
   * joins the next batch once; held again then, it waits in a transaction of its own.
   */
  private handOn(request: VmAcceptRequest): Promise<AcceptedVm> {
    if (this.requeued.has(request)) return this.acceptAlone(request);
    this.requeued.add(request);
    return this.group.submit(request);
  }

  /** One create in a transaction of its own, waiting for its locks as long as they are held: outside the batcher's slots. */
  private async acceptAlone(request: VmAcceptRequest): Promise<AcceptedVm> {
    try {
      const [outcome] = await this.tx.run((db) => this.acceptTogether([request], db, 'wait'));
      if (outcome === LOCK_HELD) throw new Error('a create that waited for its locks found one held');
      if (!outcome.ok) throw outcome.error;
      return outcome.value;
    } catch (error) {
      throw translated(error, request);
    }
  }

  /**
   * `try`: takes the locks that are free now and never waits for one, so a
   * lock held elsewhere (a long catalog change, another transaction of the
   * same account) holds up only the creates that need it: those answer
   * LOCK_HELD, and `commit` hands them on. `wait`: waits for all.
   */
  private async acceptTogether(requests: readonly VmAcceptRequest[], db: Db, locking: 'try' | 'wait'): Promise<Array<BatchOutcome<AcceptedVm> | typeof LOCK_HELD>> {
    // Until commit: each account's quota lock, so that two creates cannot both fit into the last free slot,
    // and the catalog entries' gates, so that none can be retired under the VMs; in one statement, sorted.
    const needs = new Map(requests.map((request) => [request, [accountQuotaLock(request.accountId), ...catalogGatesForVm(request.input)]]));
    const locks = distinctSorted([...needs.values()].flat());
    let contended: VmAcceptRequest[] = [];
    if (locking === 'wait') await this.locks.hold(db, locks);
    else {
      const held = await this.locks.tryHold(db, locks);
      const missing = new Set(locks.filter((_, index) => !held[index]).map(lockKey));
      contended = requests.filter((request) => needs.get(request)!.some((lock) => missing.has(lockKey(lock))));
      if (contended.length > 0) this.metrics.handedOn('lock-held', contended.length);
    }
    const together = requests.filter((request) => !contended.includes(request));
    if (together.length > 0) this.metrics.judgedTogether(together.length);
    const judged = together.length > 0 ? await this.judgeAndWrite(together, db) : new Map<VmAcceptRequest, BatchOutcome<AcceptedVm>>();
    return requests.map((request) => judged.get(request) ?? LOCK_HELD);
  }

  /** Judges each create in order, exactly as alone (each locked by the caller), and writes the accepted ones. */
  private async judgeAndWrite(requests: readonly VmAcceptRequest[], db: Db): Promise<Map<VmAcceptRequest, BatchOutcome<AcceptedVm>>> {
    const accountIds = [...new Set(requests.map((request) => request.accountId))];
    const specs = await this.catalog.recheckManyForVms(requests.map(catalogRequestOf), db);
    const runways = await this.runway.standingsOf([...new Set(requests.filter((request) => request.hourlyPrice !== null).map((request) => request.accountId))], db);
    const quotas = await this.quotas.standingsOf(accountIds, db);
    const taken = await this.vms.liveNamesTaken(requests.map((request) => ({ accountId: request.accountId, name: request.input.name })), db);

    const outcomes = new Map<VmAcceptRequest, BatchOutcome<AcceptedVm>>();
    const accepted: Array<{ request: VmAcceptRequest; spec: ResolvedVmCatalog }> = [];
    for (const [index, request] of requests.entries()) {
      const spec = specs[index];
      if (spec instanceof DomainError) {
        outcomes.set(request, { ok: false, error: spec });
        continue;
      }
      const refusal = this.refusalOf(request, spec, runways, quotas, taken);
      if (refusal) {
        outcomes.set(request, { ok: false, error: refusal });
        continue;
      }
      // Later creates of the account see this one, as they would had it committed first.
      const quota = quotas.get(request.accountId)!;
      quota.usage = { vms: quota.usage.vms + 1, vcpu: quota.usage.vcpu + spec.instanceType.vcpu, memoryMib: quota.usage.memoryMib + spec.instanceType.memoryMib };
      taken.add(liveNameKey(request.accountId, request.input.name));
      accepted.push({ request, spec });
    }
    for (const [request, vm] of await this.write(accepted, db)) outcomes.set(request, { ok: true, value: vm });
    return outcomes;
  }

  /** Why the create cannot be accepted (402 runway, 422 quota, 409 name), or null; checked in that order, as alone. */
  private refusalOf(
    request: VmAcceptRequest,
    spec: ResolvedVmCatalog,
    runways: Awaited<ReturnType<RunwayPolicy['standingsOf']>>,
    quotas: Awaited<ReturnType<QuotasService['standingsOf']>>,
    taken: ReadonlySet<string>,
  ): DomainError | null {
    if (request.hourlyPrice !== null) {
      const runway = runways.get(request.accountId);
      if (!runway) return notFound('Wallet');
      const refusal = this.runway.refusal(runway, request.hourlyPrice);
      if (refusal) return refusal;
    }
    const quota = quotas.get(request.accountId)!;
    const refusal = quotaRefusal(quota.limits, quota.usage, { vms: 1, vcpu: spec.instanceType.vcpu, memoryMib: spec.instanceType.memoryMib });
    if (refusal) return refusal;
    return taken.has(liveNameKey(request.accountId, request.input.name)) ? nameTaken(request.input.name) : null;
  }

  /** Writes the accepted VMs with their operations and placement jobs in one statement, then claims their UDP ports. */
  private async write(accepted: ReadonlyArray<{ request: VmAcceptRequest; spec: ResolvedVmCatalog }>, db: Db): Promise<Map<VmAcceptRequest, AcceptedVm>> {
    const written = new Map<VmAcceptRequest, AcceptedVm>();
    if (accepted.length === 0) return written;
    const operations = this.operations.prepareMany(
      accepted.map(({ request }) => ({ id: newId(), accountId: request.accountId, type: 'vm.create' as const, targetId: request.id, status: isHalted(request) ? ('succeeded' as const) : ('pending' as const) })),
    );
    // One placement job for the transaction's VMs: one queue round trip for all of them.
    const toPlace = accepted.filter(({ request }) => !isHalted(request)).map(({ request }) => request.id);
    const placements = this.jobs.prepareMany('placement.place-vms', toPlace.length > 0 ? [{ payload: { vmIds: toPlace } }] : []);
    const drafts = accepted.map(({ request, spec }) => draftOf(request, spec));
    const rows = await this.vms.createAccepted(drafts, [operations.statement, placements.statement], db);
    for (const [index, { request, spec }] of accepted.entries()) {
      const named = drafts[index].ports.map((port): VmPort => ({ ...port, vmId: request.id, zone: spec.zone.name, publicPort: null }));
      const udp = await this.claimUdpPorts(request, spec, db);
      written.set(request, { vm: { ...rows[index], ports: [...named, ...udp] }, operation: operations.operations[index] });
    }
    return written;
  }

  /** Claims a public port of the zone's pool for each UDP port of the new VM (409 when the pool is exhausted). */
  private async claimUdpPorts(request: VmAcceptRequest, spec: ResolvedVmCatalog, db: Db): Promise<VmPort[]> {
    const ports: VmPort[] = [];
    for (const port of request.input.ports ?? []) {
      if (port.protocol !== 'udp') continue;
      let claimed: number | null = null;
      for (let attempt = 0; attempt < UDP_CLAIM_ATTEMPTS && claimed === null; attempt++) {
        const result = await this.vms.claimUdpPort(
          { vmId: request.id, targetPort: port.targetPort, zone: spec.zone.name, fqdn: request.fqdn },
          { min: spec.zone.udpPortMin, max: spec.zone.udpPortMax },
          db,
        );
        if (result.claimed !== null) claimed = result.claimed;
        else if (result.exhausted) break;
      }
      if (claimed === null) {
        throw new DomainError(VmsErrors['entrypoint.udp_pool_exhausted'], `Every public UDP port of zone ${spec.zone.name} (${spec.zone.udpPortMin}-${spec.zone.udpPortMax}) is taken.`);
      }
      ports.push({ vmId: request.id, protocol: 'udp', targetPort: port.targetPort, zone: spec.zone.name, fqdn: request.fqdn, publicPort: claimed });
    }
    return ports;
  }
}

function isHalted(request: VmAcceptRequest): boolean {
  return request.input.runStrategy === 'halted';
}

function draftOf(request: VmAcceptRequest, spec: ResolvedVmCatalog): AcceptedVmDraft {
  const { input } = request;
  const halted = isHalted(request);
  return {
    vm: {
      id: request.id,
      accountId: request.accountId,
      name: input.name,
      zone: spec.zone.name,
      instanceType: spec.instanceType.name,
      vcpu: spec.instanceType.vcpu,
      memoryMib: spec.instanceType.memoryMib,
      gpuModel: spec.instanceType.gpuModel,
      gpuCount: spec.instanceType.gpuCount,
      image: spec.image.name,
      arch: spec.image.arch,
      rootDiskGib: input.rootDiskGib ?? spec.image.minDiskGib,
      mode: input.mode ?? 'persistent',
      runStrategy: input.runStrategy ?? 'always',
      placementStrategy: input.placementStrategy ?? 'binpack',
      antiAffinityGroup: input.antiAffinityGroup ?? null,
      cloudInit: input.cloudInit ?? null,
      sshKeys: input.sshKeys ?? [],
      labels: input.labels ?? {},
      status: halted ? 'stopped' : 'pending',
      desiredStatus: halted ? 'stopped' : 'running',
      pinnedNodeId: request.restore?.nodeId ?? null,
      fromSnapshotId: request.restore?.id ?? null,
      ...healingColumnsForCreate(input),
    },
    ports: (input.ports ?? []).flatMap((port) => (port.protocol === 'udp' ? [] : [{ protocol: port.protocol, targetPort: port.targetPort, fqdn: request.fqdn }])),
    event: { type: 'action', reason: 'create', message: halted ? 'Created stopped (run strategy halted).' : 'Create requested.', actor: request.actor },
  };
}

export function catalogRequestOf(request: { accountId: string; input: CreateVmDto }): VmCatalogRequest {
  const { input } = request;
  return { zone: input.zone, image: input.image, instanceType: input.instanceType, rootDiskGib: input.rootDiskGib, accountId: request.accountId };
}

function lockKey(lock: AdvisoryLock): string {
  return `${lock.key}\u0000${lock.mode}`;
}

function distinctSorted(locks: readonly AdvisoryLock[]): AdvisoryLock[] {
  const byKey = new Map(locks.map((lock) => [lockKey(lock), lock]));
  return [...byKey.keys()].sort().map((key) => byKey.get(key)!);
}

/** Errors of a statement that one create's data can cause; connection losses, timeouts and the like are everyone's. */
function mayBeOneCreatesFault(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && !isTransientDatabaseFailure(error) && !error.code.startsWith('P1');
}

function nameTaken(name: string): DomainError {
  return new DomainError(VmsErrors['vm.name_taken'], `The account already has a VM named ${name}.`, {}, [
    { field: 'name', code: 'name_taken', message: `a VM named ${name} exists` },
  ]);
}

/** A name taken by a rename under way shows only as the unique violation. */
function translated(error: unknown, request: VmAcceptRequest): unknown {
  return isUniqueViolation(error, 'vms_accountId_liveName_key') ? nameTaken(request.input.name) : error;
}
