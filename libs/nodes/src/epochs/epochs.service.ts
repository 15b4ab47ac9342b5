import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@statemesh/config';
import { notFound } from '@statemesh/common';
import { TransactionRunner, type Epoch } from '@statemesh/database';
import { pageRequest, toPage, type Page } from '@statemesh/http';
import { randomBytes } from 'node:crypto';
import { ProofRepository } from '../presence/proof.repository';
import type { EpochDetailDto, EpochResponseDto } from './dto/epoch.dto';
import { canonicalNodeSet, eligibleSetHash } from './eligible-set';
import { toEpochDetail, toEpochResponse } from './epoch.mapper';
import { expectedProofs, judgeEpoch, type EpochEvidence, type EpochRules, type EpochVerdict, type NodeStanding, type StandingTransition } from './epoch-rules';
import { EpochRepository } from './epoch.repository';
import { NodeEpochRecordRepository } from './node-epoch-record.repository';
import { NodeStandingRepository, type StandingRow } from './node-standing.repository';

export interface EpochSummary {
  nodes: number;
  eligible: number;
  byStatus: Record<string, number>;
  transitions: Partial<Record<StandingTransition, number>>;
}

export interface ClosedEpoch {
  number: number;
  eligibleNodeIds: string[];
  eligibleSetHash: string;
  nextSeed: string;
  summary: EpochSummary;
}

function newSeed(): string {
  return randomBytes(32).toString('hex');
}

function standingOf(row: StandingRow): NodeStanding {
  return {
    status: row.status,
    eligible: row.eligible,
    goodEpochs: row.goodEpochs,
    absentEpochs: row.absentEpochs,
    jailedUntilEpoch: row.jailedUntilEpoch,
    jailReason: row.jailReason,
    lastActiveEpoch: row.lastActiveEpoch,
  };
}

function summarize(verdicts: EpochVerdict[]): EpochSummary {
  const summary: EpochSummary = { nodes: verdicts.length, eligible: 0, byStatus: {}, transitions: {} };
  for (const { standing, transition } of verdicts) {
    if (standing.eligible) summary.eligible += 1;
    summary.byStatus[standing.status] = (summary.byStatus[standing.status] ?? 0) + 1;
    if (transition !== 'unchanged') summary.transitions[transition] = (summary.transitions[transition] ?? 0) + 1;
  }
  return summary;
}

/**
 * The Time Tower's clock. Exactly one epoch is open; closing it judges every
 * node on the proofs it sent (epoch-rules.ts), fixes the set of nodes
 * eligible for placement during the next epoch, and opens the next epoch
 * with a fresh seed. The next epoch starts when its seed is published, so
 * every epoch gives nodes its full length to prove in, however late the
 * close ran.
 *
 * Closing is idempotent: any number of workers may call closeDueEpochs at
 * once; one of them closes each epoch and the others find it closed.
 */
@Injectable()
export class EpochsService {
  private readonly logger = new Logger(EpochsService.name);

  constructor(
    private readonly epochs: EpochRepository,
    private readonly standings: NodeStandingRepository,
    private readonly records: NodeEpochRecordRepository,
    private readonly proofs: ProofRepository,
    private readonly transactions: TransactionRunner,
    private readonly config: AppConfig,
  ) {}

  private get rules(): EpochRules {
    const { epochsToActivate, activeProofThreshold, jailEpochs, absenceEpochsToJail } = this.config.nodes;
    return { epochsToActivate, activeProofThreshold, jailEpochs, absenceEpochsToJail };
  }

  private endOf(start: Date): Date {
    return new Date(start.getTime() + this.config.nodes.epochSeconds * 1000);
  }

  /** The open epoch; the first call on a fresh platform opens epoch 0. */
  async current(now: Date = new Date()): Promise<Epoch> {
    const open = await this.epochs.findOpen();
    if (open) return open;
    await this.epochs.openGenesis({ number: 0, seed: newSeed(), startsAt: now, endsAt: this.endOf(now) });
    const opened = await this.epochs.findOpen();
    if (!opened) throw new Error('the epochs table has closed epochs but none open');
    return opened;
  }

  /** Closes every epoch whose end has passed by `now` (at most the open one). Safe to run concurrently. */
  async closeDueEpochs(now: Date = new Date()): Promise<ClosedEpoch[]> {
    const closed: ClosedEpoch[] = [];
    // Twice at most: a lost race (another worker closed it) re-reads the new open epoch, which is not due.
    for (let attempt = 0; attempt < 2; attempt++) {
      const open = await this.current(now);
      if (open.endsAt.getTime() > now.getTime()) break;
      const result = await this.close(open.number, now);
      if (result) closed.push(result);
    }
    return closed;
  }

  /**
   * Closes epoch `number` in one transaction, or returns null if it is
   * already closed (or being closed: the claim waits for that transaction).
   */
  async close(number: number, now: Date = new Date()): Promise<ClosedEpoch | null> {
    const result = await this.transactions.run(
      async (tx) => {
        if (!(await this.epochs.claimClose(tx, number, now))) return null;
        const epoch = (await this.epochs.find(number, tx))!;
        const nodes = await this.standings.lockForEpoch(tx);
        const records = new Map((await this.records.findForEpoch(number, tx)).map((record) => [record.nodeId, record]));
        const heads = await this.proofs.headsOf(
          tx,
          nodes.map((node) => node.id),
        );
        const reachableSince = now.getTime() - this.config.nodes.unreachableAfterSeconds * 1000;
        const judged = nodes.map((node) => {
          const record = records.get(node.id);
          const evidence: EpochEvidence = {
            expectedProofs: expectedProofs(epoch, node.createdAt, this.config.nodes.proofIntervalSeconds),
            validProofs: record?.validProofs ?? 0,
            invalidProofs: record?.invalidProofs ?? 0,
            // A node never seen yet is given the same grace from its registration.
            reachable: (node.lastSeenAt ?? node.createdAt).getTime() >= reachableSince,
            decommissionRequested: node.decommissionRequestedAt !== null,
            hasAllocations: node.allocatedVcpu > 0 || node.allocatedMemoryMib > 0 || node.allocatedDiskGib > 0,
          };
          return { node, evidence, verdict: judgeEpoch(number, standingOf(node), evidence, this.rules) };
        });
        await this.standings.apply(
          tx,
          judged.map(({ node, verdict: { standing } }) => ({
            id: node.id,
            standing,
            changed:
              standing.status !== node.status ||
              standing.eligible !== node.eligible ||
              standing.jailReason !== node.jailReason ||
              standing.jailedUntilEpoch !== node.jailedUntilEpoch,
          })),
          now,
        );
        await this.records.writeResults(
          tx,
          number,
          judged.map(({ node, evidence, verdict }) => ({
            nodeId: node.id,
            expectedProofs: evidence.expectedProofs,
            share: verdict.share,
            statusBefore: node.status,
            statusAfter: verdict.standing.status,
            eligibleAfter: verdict.standing.eligible,
            headSequence: heads.get(node.id)?.sequence ?? null,
            headHash: heads.get(node.id)?.hash ?? null,
          })),
          now,
        );
        const eligibleNodeIds = canonicalNodeSet(judged.filter(({ verdict }) => verdict.standing.eligible).map(({ node }) => node.id));
        const closing = {
          nextSeed: newSeed(),
          eligibleNodeIds,
          eligibleSetHash: eligibleSetHash(eligibleNodeIds),
          summary: summarize(judged.map(({ verdict }) => verdict)),
        };
        await this.epochs.recordClose(tx, number, { ...closing, summary: { ...closing.summary } });
        await this.epochs.open(tx, { number: number + 1, seed: closing.nextSeed, startsAt: now, endsAt: this.endOf(now) });
        return { number, ...closing };
      },
      { timeoutMs: 60_000 },
    );
    if (result) {
      this.logger.log(`closed epoch ${number}: ${result.summary.eligible} of ${result.summary.nodes} node(s) eligible for epoch ${number + 1}`);
    }
    return result;
  }

  async list(query: { limit?: number; cursor?: string }): Promise<Page<EpochResponseDto>> {
    const request = pageRequest(query);
    return toPage(await this.epochs.list(request), request, (epoch) => String(epoch.number), toEpochResponse);
  }

  async currentDetail(): Promise<EpochDetailDto> {
    return toEpochDetail(await this.current());
  }

  async detail(number: number): Promise<EpochDetailDto> {
    const epoch = await this.epochs.find(number);
    if (!epoch) throw notFound('Epoch');
    return toEpochDetail(epoch);
  }
}
