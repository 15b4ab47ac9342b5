import type {
  HeartbeatAckDto,
  HeartbeatDto,
  NodeProofDto,
  NodeResponseDto,
  NodeSessionDto,
  ProofChallengeDto,
  RegisterNodeDto,
  SessionChallengeDto,
  SubmitProofDto,
} from '@statemesh/sdk';
import type { AgentVmState, Assignment } from '@statemesh/agent-protocol';
import { ApiProblemError, ApiUnavailableError } from './api-errors';

interface RequestOptions {
  body?: unknown;
  token?: string;
  idempotencyKey?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface AgentApiClientOptions {
  /** Per-request timeout, unless a call says otherwise. */
  timeoutMs?: number;
  userAgent?: string;
}

/**
 * The agent's side of /agent/v1 (and the two user routes enrollment needs),
 * over fetch. Its types come from the generated SDK; the calls are written
 * out here so that the agent controls timeouts, cancellation and retries.
 */
export class AgentApiClient {
  private readonly baseUrl: string;

  constructor(
    apiUrl: string,
    private readonly options: AgentApiClientOptions = {},
  ) {
    this.baseUrl = apiUrl.replace(/\/+$/, '');
  }

  sessionChallenge(nodeId: string, signal?: AbortSignal): Promise<SessionChallengeDto> {
    return this.request('POST', '/agent/v1/sessions/challenge', { body: { nodeId }, signal });
  }

  openSession(body: { nodeId: string; nonce: string; signature: string }, signal?: AbortSignal): Promise<NodeSessionDto> {
    return this.request('POST', '/agent/v1/sessions', { body, signal });
  }

  heartbeat(token: string, body: HeartbeatDto, signal?: AbortSignal): Promise<HeartbeatAckDto> {
    return this.request('POST', '/agent/v1/heartbeats', { token, body, signal });
  }

  proofChallenge(token: string, signal?: AbortSignal): Promise<ProofChallengeDto> {
    return this.request('GET', '/agent/v1/proofs/challenge', { token, signal });
  }

  /** The idempotency key makes a retry after a lost response safe: the API replays its first answer. */
  submitProof(token: string, body: SubmitProofDto, signal?: AbortSignal): Promise<NodeProofDto> {
    return this.request('POST', '/agent/v1/proofs', { token, body, signal, idempotencyKey: `proof-${body.input}` });
  }

  node(token: string, signal?: AbortSignal): Promise<NodeResponseDto> {
    return this.request('GET', '/agent/v1/node', { token, signal });
  }

  /** Long-polls for work; answers an empty list when none arrived within `waitSeconds`. */
  async assignments(token: string, waitSeconds: number, signal?: AbortSignal): Promise<Assignment[]> {
    const result = await this.request<Assignment[] | { items?: Assignment[] }>('GET', `/agent/v1/assignments?waitSeconds=${waitSeconds}`, {
      token,
      signal,
      timeoutMs: (waitSeconds + 10) * 1000,
    });
    return Array.isArray(result) ? result : (result?.items ?? []);
  }

  async acknowledgeAssignment(
    token: string,
    assignmentId: string,
    body: { outcome: 'done' | 'failed'; message?: string },
    signal?: AbortSignal,
  ): Promise<void> {
    await this.request('POST', `/agent/v1/assignments/${encodeURIComponent(assignmentId)}/ack`, { token, body, signal, idempotencyKey: `ack-${assignmentId}` });
  }

  async reportVmStatus(token: string, vmId: string, body: { state: AgentVmState; since: string; message?: string; healthy?: boolean }, signal?: AbortSignal): Promise<void> {
    await this.request('POST', `/agent/v1/vms/${encodeURIComponent(vmId)}/status`, { token, body, signal });
  }

  /** Enrollment, with an operator's access token or API token (nodes:write). */
  login(email: string, password: string): Promise<{ accessToken: string }> {
    return this.request('POST', '/v1/auth/login', { body: { email, password } });
  }

  accounts(bearer: string): Promise<{ items: Array<{ id: string; name: string }> }> {
    return this.request('GET', '/v1/accounts', { token: bearer });
  }

  registerNode(bearer: string, accountId: string, body: RegisterNodeDto): Promise<NodeResponseDto> {
    return this.request('POST', `/v1/accounts/${encodeURIComponent(accountId)}/nodes`, { token: bearer, body });
  }

  listNodes(bearer: string, accountId: string, cursor?: string): Promise<{ items: NodeResponseDto[]; nextCursor: string | null }> {
    const query = `limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    return this.request('GET', `/v1/accounts/${encodeURIComponent(accountId)}/nodes?${query}`, { token: bearer });
  }

  private async request<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const timeout = AbortSignal.timeout(options.timeoutMs ?? this.options.timeoutMs ?? 10_000);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    if (this.options.userAgent) headers['user-agent'] = this.options.userAgent;
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal,
      });
    } catch (error) {
      throw new ApiUnavailableError(`${method} ${path}: ${(error as Error).message}`);
    }
    const text = await response.text().catch(() => '');
    const parsed = text ? safeJson(text) : undefined;
    if (response.ok) return parsed as T;
    if (response.status >= 500 || response.status === 429) {
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new ApiUnavailableError(`${method} ${path}: HTTP ${response.status}`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
    }
    const problem = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
    throw new ApiProblemError(
      response.status,
      typeof problem.code === 'string' ? problem.code : `http.${response.status}`,
      typeof problem.detail === 'string' ? problem.detail : response.statusText,
      problem,
    );
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
