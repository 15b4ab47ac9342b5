import { signSessionChallenge } from '@statemesh/agent-protocol';
import type { NodeSessionDto } from '@statemesh/sdk';
import type { KeyObject } from 'node:crypto';
import type { AgentApiClient } from './api/agent-api-client';
import { ApiProblemError } from './api/api-errors';
import { SessionRefusedError } from './session-refused.error';

/** Open a new session this long before the token expires. */
const RENEW_BEFORE_MS = 60_000;

/**
 * Keeps one node session: opens it on first use (challenge, signature,
 * token), renews it before the token expires, and opens a fresh one when
 * the API says the token is no longer good. Concurrent callers share one
 * opening.
 */
export class SessionManager {
  private session?: { token: string; renewAt: number; details: NodeSessionDto };
  private opening?: Promise<NodeSessionDto>;

  constructor(
    private readonly api: AgentApiClient,
    private readonly nodeId: string,
    private readonly privateKey: KeyObject,
    private readonly onOpened: (session: NodeSessionDto) => void = () => undefined,
  ) {}

  async token(signal?: AbortSignal): Promise<string> {
    if (this.session && Date.now() < this.session.renewAt) return this.session.token;
    const session = await this.open(signal);
    return session.token;
  }

  /** The API refused the token (401): the next call opens a new session. */
  invalidate(token: string): void {
    if (this.session?.token === token) this.session = undefined;
  }

  get current(): NodeSessionDto | undefined {
    return this.session?.details;
  }

  private open(signal?: AbortSignal): Promise<NodeSessionDto> {
    this.opening ??= (async () => {
      try {
        const challenge = await this.api.sessionChallenge(this.nodeId, signal).catch((error: unknown) => {
          if (error instanceof ApiProblemError && error.code === 'resource.not_found') {
            throw new SessionRefusedError(`node ${this.nodeId} is unknown to the API or decommissioned`);
          }
          throw error;
        });
        const signature = signSessionChallenge(this.privateKey, this.nodeId, challenge.nonce);
        const session = await this.api.openSession({ nodeId: this.nodeId, nonce: challenge.nonce, signature }, signal).catch((error: unknown) => {
          if (error instanceof ApiProblemError && error.code === 'agent.invalid_signature') {
            throw new SessionRefusedError(`the key is not the key node ${this.nodeId} was registered with`);
          }
          throw error;
        });
        const lifetimeMs = session.expiresIn * 1000;
        this.session = { token: session.token, renewAt: Date.now() + Math.max(lifetimeMs / 2, lifetimeMs - RENEW_BEFORE_MS), details: session };
        this.onOpened(session);
        return session;
      } finally {
        this.opening = undefined;
      }
    })();
    return this.opening;
  }
}
