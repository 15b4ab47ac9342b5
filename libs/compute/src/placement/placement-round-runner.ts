import { Injectable, Logger } from '@nestjs/common';
import { assertNever } from '../compute.errors';
import { PlacementRoundService, type RoundReport } from './placement-round.service';
import { VmPlacementService, type PlacementOutcome } from './vm-placement.service';

/** How many VMs one round takes at most (asked for, then other waiting ones). */
export const ROUND_SIZE = 200;
/** Rounds in a row that place nothing and only defer before the runner stops and lets the asked VMs' jobs retry. */
const MAX_IDLE_ROUNDS = 5;

/** A round's VM could not be placed by it (held by another transaction, or deferred too often): its job is retried. */
export class PlacementRetryLater extends Error {}

interface Waiter {
  resolve: (outcome: PlacementOutcome) => void;
  reject: (error: unknown) => void;
}

interface Ask {
  /** The highest attempt asked for; undefined while every ask is a first placement. */
  attempt: number | undefined;
  waiters: Waiter[];
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Turns requests to place single VMs (one per `placement.place-vm` job) into
 * placement rounds. Requests that arrive while a round runs wait for the
 * next one, which takes them all (up to ROUND_SIZE) and fills up with other
 * waiting VMs; rounds follow each other while there is work: requests, a
 * full round (more VMs may wait), or VMs the last round deferred. A request
 * is answered when its VM has been dealt with, so a job completes only once
 * its VM is placed, judged unschedulable (with its retry queued), or found
 * no longer waiting. One runner per process; rounds of all processes are
 * serialised by the round lock.
 */
@Injectable()
export class PlacementRoundRunner {
  private readonly logger = new Logger(PlacementRoundRunner.name);
  private readonly asks = new Map<string, Ask>();
  private draining: Promise<void> | undefined;

  constructor(
    private readonly rounds: PlacementRoundService,
    private readonly single: VmPlacementService,
  ) {}

  /** Places the VM in the next round (or on its own when it needs to be); `attempt` as in the job that asks. */
  request(vmId: string, attempt?: number): Promise<PlacementOutcome> {
    return new Promise<PlacementOutcome>((resolve, reject) => {
      this.ask(vmId, attempt, [{ resolve, reject }]);
      this.draining ??= this.drain().finally(() => {
        this.draining = undefined;
      });
    });
  }

  private ask(vmId: string, attempt: number | undefined, waiters: Waiter[]): void {
    const known = this.asks.get(vmId);
    if (!known) {
      this.asks.set(vmId, { attempt, waiters });
      return;
    }
    if (attempt !== undefined) known.attempt = Math.max(known.attempt ?? 0, attempt);
    known.waiters.push(...waiters);
  }

  private async drain(): Promise<void> {
    let more = false;
    let idle = 0;
    while (this.asks.size > 0 || more) {
      const batch = [...this.asks].slice(0, ROUND_SIZE);
      for (const [vmId] of batch) this.asks.delete(vmId);
      let report: RoundReport;
      try {
        report = await this.rounds.run(new Map(batch.map(([vmId, ask]) => [vmId, ask.attempt])), ROUND_SIZE);
      } catch (error) {
        this.logger.warn(`placement round failed: ${String(error)}`);
        for (const [, ask] of batch) for (const waiter of ask.waiters) waiter.reject(error);
        more = false;
        continue;
      }
      const progress = report.placed + report.unschedulable > 0;
      idle = progress || report.deferred === 0 ? 0 : idle + 1;
      const givingUp = idle >= MAX_IDLE_ROUNDS;
      for (const [vmId, ask] of batch) this.answer(vmId, ask, report, givingUp);
      more = !givingUp && (report.claimed >= ROUND_SIZE || report.deferred > 0);
      if (givingUp) idle = 0;
      // Nothing placed, only deferred: the nodes it chose were busy or changed; give them a moment.
      else if (idle > 0) await pause(20 * idle);
    }
  }

  private answer(vmId: string, ask: Ask, report: RoundReport, givingUp: boolean): void {
    const outcome = report.outcomes.get(vmId);
    const settle = (result: PlacementOutcome) => ask.waiters.forEach((waiter) => waiter.resolve(result));
    const fail = (error: unknown) => ask.waiters.forEach((waiter) => waiter.reject(error));
    if (outcome === undefined) return fail(new Error(`placement round gave no outcome for VM ${vmId}`));
    switch (outcome.result) {
      case 'placed':
        return settle({ result: 'placed', nodeId: outcome.nodeId });
      case 'unschedulable':
        return settle({ result: 'unschedulable', message: outcome.message });
      case 'skipped':
        return settle({ result: 'skipped' });
      case 'deferred':
        if (givingUp) return fail(new PlacementRetryLater(`VM ${vmId} was deferred by ${MAX_IDLE_ROUNDS} placement rounds in a row`));
        return this.ask(vmId, ask.attempt, ask.waiters);
      case 'held':
        return fail(new PlacementRetryLater(`VM ${vmId} is held by another transaction`));
      case 'own':
        this.single.place(vmId, ask.attempt ?? 0).then(settle, fail);
        return;
      default:
        return assertNever(outcome);
    }
  }
}
