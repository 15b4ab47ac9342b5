import { Injectable } from '@nestjs/common';
import { sessionSigningInput, verifySessionSignature } from '@statemesh/agent-protocol';
import { AppConfig } from '@statemesh/config';
import { DomainError, notFound } from '@statemesh/common';
import { createHash, randomBytes } from 'node:crypto';
import { NodesErrors } from '../nodes.errors';
import { NodeRepository } from '../registry/node.repository';
import { agentSettings } from './agent-settings';
import type { NodeSessionDto, SessionChallengeDto } from './dto/agent-session.dto';
import { NodeSessionTokens } from './node-session-tokens';
import { SessionChallengeRepository } from './session-challenge.repository';

function hashNonce(nonce: string): string {
  return createHash('sha256').update(nonce).digest('hex');
}

/**
 * Ed25519 challenge-response: the API issues a single-use, short-lived
 * nonce; the agent signs it (bound to its node id) with the node's key; a
 * valid signature opens a session — a short-lived node token.
 */
@Injectable()
export class AgentSessionsService {
  constructor(
    private readonly nodes: NodeRepository,
    private readonly challenges: SessionChallengeRepository,
    private readonly tokens: NodeSessionTokens,
    private readonly config: AppConfig,
  ) {}

  async challenge(nodeId: string, now = new Date()): Promise<SessionChallengeDto> {
    const node = await this.nodes.findSessionSubject(nodeId);
    if (!node || node.status === 'decommissioned') throw notFound('Node');
    const nonce = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.config.nodes.challengeTtlSeconds * 1000);
    await this.challenges.create({ nonceHash: hashNonce(nonce), nodeId, expiresAt });
    return { nodeId, nonce, signingInput: sessionSigningInput(nodeId, nonce).toString('utf8'), expiresAt: expiresAt.toISOString() };
  }

  /**
   * The nonce is used up before the signature is checked, so a wrong
   * signature costs the caller the nonce: signatures cannot be guessed
   * against one challenge.
   */
  async open(input: { nodeId: string; nonce: string; signature: string }, now = new Date()): Promise<NodeSessionDto> {
    if (!(await this.challenges.consume(hashNonce(input.nonce), input.nodeId, now))) {
      throw new DomainError(NodesErrors['agent.invalid_challenge'], 'Ask for a new challenge: this nonce is unknown, used, expired or not for this node.');
    }
    const node = await this.nodes.findById(input.nodeId);
    if (!node || node.status === 'decommissioned' || !verifySessionSignature(node.publicKey, node.id, input.nonce, input.signature)) {
      throw new DomainError(NodesErrors['agent.invalid_signature'], 'The signature is not the node key’s signature of this challenge.');
    }
    return {
      token: await this.tokens.issue(node.id),
      tokenType: 'Bearer',
      expiresIn: this.tokens.ttlSeconds,
      node: { id: node.id, accountId: node.accountId, name: node.name, status: node.status },
      settings: agentSettings(this.config.nodes),
    };
  }
}
