import { agentSessionsChallenge, agentSessionsOpen, authLogin, authSignup, nodesRegister, type RegisterNodeDto } from '@statemesh/sdk';
import { generateNodeKey, loadPrivateKey, signSessionChallenge } from '@statemesh/agent-protocol';
import { PlatformAdminBootstrap } from '@statemesh/identity';
import { prove } from '@statemesh/vdf';
import type { KeyObject } from 'node:crypto';
import { newCredentials, send, type ApiHarness, type SdkClient } from '../support/api-harness';

/**
 * One Time Tower setting for every nodes suite: epochs are platform-wide
 * state in the run's shared database, so suites running side by side must
 * agree on them. Two-second epochs with a proof every quarter second and a
 * tiny VDF delay keep the suites fast.
 */
export const TIME_TOWER_TEST_ENV: Record<string, string> = {
  EPOCH_SECONDS: '2',
  PROOF_INTERVAL_SECONDS: '0.25',
  VDF_ITERATIONS: '2000',
  NODE_UNREACHABLE_AFTER_SECONDS: '2',
  EPOCHS_TO_ACTIVATE: '1',
  ACTIVE_PROOF_THRESHOLD: '0.5',
  JAIL_EPOCHS: '1',
  ABSENCE_EPOCHS_TO_JAIL: '2',
  NODE_CHALLENGE_TTL_SECONDS: '2',
  // An agent proving four times a second makes about 600 requests a minute, the default limit.
  RATE_LIMIT_PER_MINUTE: '5000',
};

export interface Operator {
  accountId: string;
  accessToken: string;
  client: SdkClient;
}

export async function signupOperator(api: ApiHarness): Promise<Operator> {
  const { data } = await send(authSignup({ client: api.client(), body: newCredentials() }));
  return { accountId: data!.account!.id, accessToken: data!.accessToken, client: api.client(data!.accessToken) };
}

/** Makes ADMIN_EMAIL a platform admin (as the deployment would) and signs in. */
export async function signInAdmin(api: ApiHarness): Promise<SdkClient> {
  await api.app.get(PlatformAdminBootstrap).ensure();
  const { data, error } = await send(authLogin({ client: api.client(), body: { email: api.config.admin.email, password: api.config.admin.password } }));
  if (!data) throw new Error(`admin login failed: ${JSON.stringify(error)}`);
  return api.client(data!.accessToken);
}

let nodeCounter = 0;

export function nodeSpec(overrides: Partial<RegisterNodeDto> = {}): { body: RegisterNodeDto; privateKey: KeyObject } {
  nodeCounter += 1;
  const key = generateNodeKey();
  return {
    privateKey: loadPrivateKey(key.privateKeyPem),
    body: {
      name: `node-${process.pid}-${nodeCounter}`,
      zone: 'eu-west',
      class: 'datacenter',
      arch: 'x86_64',
      virtualization: true,
      capacity: { vcpu: 16, memoryMib: 65536, diskGib: 500 },
      publicKey: key.publicKey,
      ...overrides,
    },
  };
}

export interface RegisteredNode {
  id: string;
  privateKey: KeyObject;
  name: string;
}

export async function registerNode(operator: Operator, overrides: Partial<RegisterNodeDto> = {}): Promise<RegisteredNode> {
  const spec = nodeSpec(overrides);
  const created = await send(nodesRegister({ client: operator.client, path: { accountId: operator.accountId }, body: spec.body }));
  if (created.status !== 201) throw new Error(`registration failed: ${JSON.stringify(created.error)}`);
  return { id: created.data!.id, privateKey: spec.privateKey, name: spec.body.name };
}

/** Opens a node session by hand: challenge, signature, token. */
export async function openSession(api: ApiHarness, node: { id: string; privateKey: KeyObject }): Promise<string> {
  const challenge = await send(agentSessionsChallenge({ client: api.client(), body: { nodeId: node.id } }));
  const signature = signSessionChallenge(node.privateKey, node.id, challenge.data!.nonce);
  const session = await send(agentSessionsOpen({ client: api.client(), body: { nodeId: node.id, nonce: challenge.data!.nonce, signature } }));
  if (session.status !== 201) throw new Error(`session failed: ${JSON.stringify(session.error)}`);
  return session.data!.token;
}

/** Proves a challenge as an honest agent would. */
export function proveChallenge(challenge: { epoch: number; input: string; previousHash: string; iterations: number }) {
  const result = prove(Buffer.from(challenge.input, 'hex'), challenge.iterations);
  return { epoch: challenge.epoch, input: challenge.input, previousHash: challenge.previousHash, iterations: challenge.iterations, ...result };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(everyMs);
  }
}
