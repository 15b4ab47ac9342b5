import { Injectable, Logger } from '@nestjs/common';
import { PhaseTimer } from '@statemesh/common';
import { AppConfig } from '@statemesh/config';
import { TransactionRunner, type Prisma, type Volume } from '@statemesh/database';
import { NodeCapacityRepository, type PlacementNode } from '@statemesh/nodes';
import { JobEnqueuer } from '@statemesh/queue';
import { SignalBus } from '@statemesh/redis';
import { VolumeAttachmentService } from '@statemesh/storage';
import { AssignmentIssuer, vmSignal } from '../assignments/assignment-issuer';
import type { VmStatus } from '../lifecycle/vm-lifecycle.types';
import { OperationRepository } from '../operations/operation.repository';
import { VmRepository, type VmWithPorts } from '../vms/vm.repository';
import { volumeSpecOf } from '../volumes-bridge/vm-volume-delivery';
import { CandidateSnapshot } from './candidate-snapshot';
import { planRound, settleRound } from './placement-round';
import { PlacementScheduler } from './scheduler';
import { AWAITING_PLACEMENT, placementRequestOf, retryDelayMs } from './vm-placement.service';

/** Waiting statuses of VMs not judged unschedulable yet: a round takes them whether or not it was asked to. */
const READY_FOR_PLACEMENT: readonly VmStatus[] = ['pending', 'rescheduling'];

/** What became of a VM a round was asked to place. */
export type RoundOutcome =
  | { result: 'placed'; nodeId: string }
  | { result: 'unschedulable'; message: string }
  /** Decided, but its node refused the round's demand: it waits for the next round. */
  | { result: 'deferred' }
  /** A pinned, anti-affinity or local-volume VM: placed on its own (`VmPlacementService.place`). */
  | { result: 'own' }
  /** Still waiting, but another transaction held its row: not placed by this round. */
  | { result: 'held' }
  /** No longer waiting (placed by another round, deleted, stopped...): nothing to do. */
  | { result: 'skipped' };

export interface RoundReport {
  /** One entry per VM the round was asked for. */
  outcomes: Map<string, RoundOutcome>;
  /** VMs the round locked, asked for or not. */
  claimed: number;
  placed: number;
  unschedulable: number;
  deferred: number;
}

/**
 * One placement round: takes up to `limit` waiting VMs — those asked for
 * first, then the oldest others — decides them one after another against
 * the candidate snapshot (each decision seeing the capacity the earlier
 * ones took), and writes the whole round in one transaction with a fixed
 * number of statements whatever its size: the capacity of every chosen node
 * in one conditional UPDATE (a node that can no longer take its share is
 * left alone and its VMs wait for the next round), then the VMs' status
 * moves with their history, the create-vm assignments (each node notified
 * on commit), events, operations and retry jobs.
 *
 * Rounds are serialised across processes by a transaction lock taken
 * first, and the snapshot is brought up to date under it, so a round
 * decides on what every earlier round wrote: concurrent workers do not
 * choose the same capacity twice. The conditional UPDATE still stands
 * between any decision and an over-committed node.
 *
 * A VM asked for with an `attempt` (a retry, or a sweep after an epoch
 * closed) is taken in any waiting status; one asked for without (its
 * create, start or node loss) only while not yet judged unschedulable,
 * since a round that took it unasked has then tried it already.
 */
@Injectable()
export class PlacementRoundService {
  private readonly logger = new Logger(PlacementRoundService.name);
  private readonly scheduler = new PlacementScheduler();

  constructor(
    private readonly tx: TransactionRunner,
    private readonly vms: VmRepository,
    private readonly operations: OperationRepository,
    private readonly capacity: NodeCapacityRepository,
    private readonly snapshot: CandidateSnapshot,
    private readonly issuer: AssignmentIssuer,
    private readonly jobs: JobEnqueuer,
    private readonly signals: SignalBus,
    private readonly volumes: VolumeAttachmentService,
    private readonly config: AppConfig,
  ) {}

  /** Runs one round for the VMs asked for (id → attempt, undefined when not a retry), filled up to `limit` with other waiting VMs. */
  async run(asked: ReadonlyMap<string, number | undefined>, limit: number): Promise<RoundReport> {
    const claim = {
      retries: [...asked].filter(([, attempt]) => attempt !== undefined).map(([id]) => id),
      fresh: [...asked].filter(([, attempt]) => attempt === undefined).map(([id]) => id),
      waiting: AWAITING_PLACEMENT,
      ready: READY_FOR_PLACEMENT,
    };
    const outcomes = new Map<string, RoundOutcome>();
    let reservations = new Map<string, { reserved: boolean; node: PlacementNode }>();
    const started = performance.now();
    const lap = new PhaseTimer();
    const report = await this.tx.run(async (db) => {
      lap.mark('begin');
      await this.vms.lockPlacementRound(db);
      lap.mark('lock');
      const candidates = await this.snapshot.catchUp(db);
      lap.mark('nodes');
      const claimed = await this.vms.claimForPlacement(claim, limit, db);
      lap.mark('claim');
      const claimedIds = new Set(claimed.map((vm) => vm.id));
      const unclaimed = [...asked.keys()].filter((id) => !claimedIds.has(id));
      if (unclaimed.length > 0) {
        const held = new Set(await this.vms.stillWaitingForRound({ ...claim, retries: claim.retries.filter((id) => !claimedIds.has(id)), fresh: claim.fresh.filter((id) => !claimedIds.has(id)) }, db));
        for (const id of unclaimed) outcomes.set(id, { result: held.has(id) ? 'held' : 'skipped' });
      }
      const volumes = await this.volumes.attachedToEach([...claimedIds], db);
      const round: VmWithPorts[] = [];
      for (const vm of claimed) {
        if (needsOwnPlacement(vm, volumes.get(vm.id))) outcomes.set(vm.id, { result: 'own' });
        else round.push(vm);
      }

      lap.mark('volumes');
      const plan = planRound(this.scheduler, candidates, round.map((vm) => ({ vmId: vm.id, request: placementRequestOf(vm) })));
      lap.mark('decide');
      reservations = await this.capacity.reserveRound(plan.demand, db);
      lap.mark('reserve');
      const refused = new Set([...reservations].filter(([, answer]) => !answer.reserved).map(([nodeId]) => nodeId));
      const settled = settleRound(plan.decisions, refused);

      const byId = new Map(round.map((vm) => [vm.id, vm]));
      const placed = settled.placed.map((decision) => ({ ...decision, vm: byId.get(decision.vmId) as VmWithPorts }));
      const unschedulable = settled.unschedulable.map((decision) => ({ ...decision, vm: byId.get(decision.vmId) as VmWithPorts }));
      const now = new Date();
      const scheduled = await this.vms.scheduleMany(
        placed.map(({ vm, nodeId, explanation }) => ({ vm, nodeId, explanation: explanation as unknown as Prisma.InputJsonObject })),
        AWAITING_PLACEMENT,
        now,
        db,
      );
      const judged = await this.vms.markUnschedulableMany(
        unschedulable.map(({ vm, explanation }) => ({ vm, message: explanation.message, explanation: explanation as unknown as Prisma.InputJsonObject })),
        now,
        db,
      );
      // The VMs are locked by this transaction since they were read: a VM that did not move means a broken invariant,
      // and its node's capacity was taken already. Nothing of the round may commit then.
      if (scheduled.length !== placed.length || judged.length !== unschedulable.length) {
        throw new Error(`placement round: ${placed.length - scheduled.length + unschedulable.length - judged.length} locked VM(s) did not move`);
      }

      await this.issuer.issueCreates(
        db,
        placed.map(({ vm, nodeId }) => ({
          vm,
          nodeId,
          generation: vm.generation + 1,
          start: vm.desiredStatus !== 'stopped',
          volumes: (volumes.get(vm.id) ?? []).map(volumeSpecOf),
        })),
      );
      await this.vms.addEvents(
        [
          ...placed.map(({ vm, explanation }) => ({ vmId: vm.id, accountId: vm.accountId, type: 'status_changed', reason: vm.status === 'rescheduling' ? 'rescheduled' : 'placed', message: explanation.message, actor: 'system:placement' })),
          ...unschedulable
            .filter(({ vm }) => vm.status !== 'unschedulable')
            .map(({ vm, explanation }) => ({ vmId: vm.id, accountId: vm.accountId, type: 'status_changed', reason: 'unschedulable', message: explanation.message, actor: 'system:placement' })),
        ],
        db,
      );
      await this.operations.markRunningForEach([...placed, ...unschedulable].map(({ vm }) => vm.id), ['vm.create', 'vm.start'], db);
      const { placementRetryInitialSeconds, placementRetryMaxSeconds } = this.config.compute;
      await this.jobs.enqueueMany(
        db,
        'placement.place-vm',
        unschedulable.map(({ vm }) => {
          const attempt = asked.get(vm.id) ?? 0;
          return {
            payload: { vmId: vm.id, attempt: attempt + 1 },
            options: { jobId: `place-${vm.id}-retry-${attempt + 1}`, delayMs: retryDelayMs(attempt, placementRetryInitialSeconds, placementRetryMaxSeconds) },
          };
        }),
      );

      for (const { vmId, nodeId } of settled.placed) outcomes.set(vmId, { result: 'placed', nodeId });
      for (const { vmId, explanation } of settled.unschedulable) outcomes.set(vmId, { result: 'unschedulable', message: explanation.message });
      for (const { vmId } of settled.deferred) outcomes.set(vmId, { result: 'deferred' });
      lap.mark('write');
      return { claimed: claimed.length, placed: placed.length, unschedulable: unschedulable.length, deferred: settled.deferred.length };
    });
    lap.mark('commit');
    // What the database answered is the truth about these nodes, taken or refused.
    this.snapshot.merge([...reservations.values()].map((answer) => answer.node));
    this.snapshot.refreshIfOld();
    const decided = [...outcomes].filter(([, outcome]) => outcome.result === 'placed' || outcome.result === 'unschedulable');
    await this.signals.signalMany(decided.map(([vmId]) => vmSignal(vmId)));
    if (report.claimed > 0) {
      this.logger.debug(
        `round: ${report.claimed} claimed, ${report.placed} placed, ${report.unschedulable} unschedulable, ${report.deferred} deferred in ${Math.round(performance.now() - started)} ms (${lap.summary()})`,
      );
    }
    return { ...report, outcomes: new Map([...asked.keys()].map((id) => [id, outcomes.get(id) as RoundOutcome])) };
  }
}

/** A VM that a round leaves to the per-VM path: its decision needs more than the shared snapshot. */
function needsOwnPlacement(vm: VmWithPorts, volumes: readonly Volume[] = []): boolean {
  return vm.antiAffinityGroup !== null || vm.pinnedNodeId !== null || volumes.some((volume) => volume.provider === 'local');
}
