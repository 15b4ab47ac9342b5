import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@statemesh/config';
import { DomainError, notFound } from '@statemesh/common';
import { TransactionRunner, type NodeProof, type Prisma } from '@statemesh/database';
import { pageRequest, toPage, type Page } from '@statemesh/http';
import type { AccountAccess } from '@statemesh/identity';
import { CHAIN_GENESIS, VdfError, minimumProvingMillis, proofEntryHash, verify, verifyChain, type ChainStart, type ProofEntry } from '@statemesh/vdf';
import type { NodeSession } from '../agent-sessions/node-session';
import { EpochRepository, type OpenEpochRow } from '../epochs/epoch.repository';
import { EpochsService } from '../epochs/epochs.service';
import { NodeEpochRecordRepository } from '../epochs/node-epoch-record.repository';
import { NodesErrors } from '../nodes.errors';
import { NodeRepository } from '../registry/node.repository';
import type { NodeProofDto, ProofChainVerificationDto, ProofChallengeDto, ProofListQueryDto, SubmitProofDto } from './dto/proof.dto';
import { toNodeProofResponse, toStoredProofEntry } from './proof.mapper';
import { PROOF_REJECTIONS, checkProofSubmission, nextChallenge, type ProofRejection } from './proof-rules';
import { ProofRepository } from './proof.repository';

const CHAIN_BATCH = 1000;

type Outcome = { accepted: NodeProof } | { rejected: ProofRejection; detail: string; retryAfterMs?: number };

/**
 * Presence proofs: each one a VDF evaluation on the node's next challenge,
 * appended to the node's hash-linked chain once verified. Rejections that
 * only a faulty or dishonest node produces are counted against it in the
 * open epoch (and jail it when the epoch closes).
 */
@Injectable()
export class ProofsService {
  private readonly logger = new Logger(ProofsService.name);

  constructor(
    private readonly proofs: ProofRepository,
    private readonly records: NodeEpochRecordRepository,
    private readonly epochRows: EpochRepository,
    private readonly epochs: EpochsService,
    private readonly nodes: NodeRepository,
    private readonly transactions: TransactionRunner,
    private readonly config: AppConfig,
  ) {}

  private get proofIntervalMs(): number {
    return this.config.nodes.proofIntervalSeconds * 1000;
  }

  async challenge(session: NodeSession): Promise<ProofChallengeDto> {
    const epoch = await this.epochs.current();
    const head = await this.proofs.head(session.nodeId);
    const challenge = nextChallenge(session.nodeId, head, { number: epoch.number, seed: epoch.seed, openedAt: epoch.createdAt });
    return {
      ...challenge,
      epochEndsAt: epoch.endsAt.toISOString(),
      iterations: this.config.nodes.vdfIterations,
      proofIntervalSeconds: this.config.nodes.proofIntervalSeconds,
      notBefore: head ? new Date(head.acceptedAt.getTime() + this.proofIntervalMs / 2).toISOString() : null,
    };
  }

  async submit(session: NodeSession, submission: SubmitProofDto): Promise<NodeProofDto> {
    await this.epochs.current();
    const outcome = await this.transactions.run((tx) => this.accept(tx, session.nodeId, submission));
    if ('accepted' in outcome) return toNodeProofResponse(outcome.accepted);
    const { counted } = PROOF_REJECTIONS[outcome.rejected];
    if (counted) this.logger.warn(`node ${session.nodeId}: proof rejected (${outcome.rejected}), counted against it`);
    throw new DomainError(NodesErrors[outcome.rejected], outcome.detail, {
      countedAgainstNode: counted,
      ...(outcome.retryAfterMs !== undefined ? { retryAfterMs: Math.ceil(outcome.retryAfterMs) } : {}),
    });
  }

  /**
   * Under the open epoch's share lock (so the epoch cannot close under the
   * proof) and the node's row lock (so the node's proofs are serialized).
   * A counted rejection commits its count; the caller then throws.
   */
  private async accept(tx: Prisma.TransactionClient, nodeId: string, submission: SubmitProofDto): Promise<Outcome> {
    const epoch = await this.lockOpenEpoch(tx);
    const node = await this.proofs.lockNode(tx, nodeId);
    if (!node || node.status === 'decommissioned') throw notFound('Node');
    const now = new Date();
    const head = await this.proofs.head(nodeId, tx);
    const check = checkProofSubmission(submission, {
      nodeId,
      epoch: { number: epoch.number, seed: epoch.seed, openedAt: epoch.createdAt },
      head,
      inputAlreadyAccepted: await this.proofs.hasInput(nodeId, submission.input, tx),
      iterations: this.config.nodes.vdfIterations,
      proofIntervalMs: this.proofIntervalMs,
      minimumProvingMs: minimumProvingMillis(this.config.nodes.vdfIterations, this.config.nodes.fastestSquaringsPerSecond),
      now,
    });
    if (!check.ok) {
      if (PROOF_REJECTIONS[check.rejection].counted) await this.records.countInvalid(nodeId, epoch.number, check.rejection, tx);
      return { rejected: check.rejection, detail: check.detail, retryAfterMs: check.retryAfterMs };
    }
    if (!this.verifies(submission)) {
      await this.records.countInvalid(nodeId, epoch.number, 'proof.invalid', tx);
      return { rejected: 'proof.invalid', detail: 'The output is not x^(2^T) for this input, or the proof does not show it.' };
    }
    const entry: ProofEntry = {
      sequence: check.challenge.sequence,
      nodeId,
      epoch: epoch.number,
      input: submission.input,
      output: submission.output,
      proof: submission.proof,
      iterations: submission.iterations,
      previousHash: check.challenge.previousHash,
    };
    const stored = await this.proofs.append({ ...entry, hash: proofEntryHash(entry), acceptedAt: now }, tx);
    await this.records.countValid(nodeId, epoch.number, tx);
    return { accepted: stored };
  }

  private verifies(submission: SubmitProofDto): boolean {
    try {
      return verify(Buffer.from(submission.input, 'hex'), submission.iterations, { output: submission.output, proof: submission.proof });
    } catch (error) {
      // Well-formed hex that is not a canonical group element: a forged proof.
      if (error instanceof VdfError) return false;
      throw error;
    }
  }

  /**
   * A close running meanwhile makes the locked row stop matching (it is no
   * longer open); the statement then sees nothing, and a fresh one sees the
   * epoch the close opened.
   */
  private async lockOpenEpoch(tx: Prisma.TransactionClient): Promise<OpenEpochRow> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const epoch = await this.epochRows.lockOpenForShare(tx);
      if (epoch) return epoch;
    }
    throw new Error('no open epoch to count the proof in');
  }

  async list(access: AccountAccess, nodeId: string, query: ProofListQueryDto): Promise<Page<NodeProofDto>> {
    if (!(await this.nodes.findInAccount(access.accountId, nodeId))) throw notFound('Node');
    const request = pageRequest(query);
    const rows = await this.proofs.list(nodeId, request, query.epoch);
    return toPage(rows, request, (row) => String(row.sequence), toNodeProofResponse);
  }

  /**
   * Re-checks a node's whole chain from its first entry: each entry's
   * stored hash must be the hash of its fields and the next entry's
   * previousHash, and the chain heads recorded when epochs closed must still
   * be there, unchanged — so neither editing an entry nor rewriting or
   * cutting the tail goes unnoticed.
   */
  async verifyChainOf(nodeId: string): Promise<ProofChainVerificationDto> {
    if (!(await this.nodes.findById(nodeId))) throw notFound('Node');
    const recordedHeads = new Map<number, string>();
    for (const record of await this.records.findHeadsOfNode(nodeId)) recordedHeads.set(record.headSequence!, record.headHash!);
    const result = (entries: number, brokenAtSequence: number | null, problem: string | null): ProofChainVerificationDto => ({
      nodeId,
      intact: brokenAtSequence === null,
      entries,
      brokenAtSequence,
      problem,
    });
    let start: ChainStart = CHAIN_GENESIS;
    let checked = 0;
    for (;;) {
      const batch = await this.proofs.chainFrom(nodeId, start.sequence, CHAIN_BATCH);
      if (batch.length === 0) break;
      const broken = verifyChain(batch.map(toStoredProofEntry), start);
      if (broken !== null) {
        return result(checked + broken, start.sequence + broken, 'the entry does not hash to its stored hash or does not link to the entry before it');
      }
      for (const entry of batch) {
        const expected = recordedHeads.get(entry.sequence);
        if (expected !== undefined && expected !== entry.hash) {
          return result(checked, entry.sequence, 'the entry differs from the chain head recorded when an epoch closed');
        }
        recordedHeads.delete(entry.sequence);
      }
      checked += batch.length;
      const last = batch[batch.length - 1];
      start = { previousHash: last.hash, sequence: last.sequence + 1 };
      if (batch.length < CHAIN_BATCH) break;
    }
    if (recordedHeads.size > 0) {
      return result(checked, Math.min(...recordedHeads.keys()), 'entries recorded as chain heads when epochs closed are missing');
    }
    return result(checked, null, null);
  }
}
