import {
  accountsMe,
  agentNodeGet,
  agentProofsChallenge,
  agentProofsSubmit,
  agentSessionsChallenge,
  agentSessionsOpen,
  heartbeatsRecord,
  nodesDecommission,
  tokensCreate,
  type HeartbeatDto,
  type SubmitProofDto,
} from '@statemesh/sdk';
import { generateNodeKey, loadPrivateKey, signSessionChallenge } from '@statemesh/agent-protocol';
import { PrismaService } from '@statemesh/database';
import { EpochsService, NodeLivenessService } from '@statemesh/nodes';
import { send, startApi, type ApiHarness, type SdkClient } from '../support/api-harness';
import { TIME_TOWER_TEST_ENV, openSession, proveChallenge, registerNode, signupOperator, sleep, type Operator, type RegisteredNode } from './time-tower-fixtures';

const HEARTBEAT: HeartbeatDto = { usage: { vcpu: 0.5, memoryMib: 512, diskGib: 3 }, vms: [{ id: 'vm0abc', state: 'running' }], agentVersion: 'test-agent/1' };

describe('agent API: node sessions, heartbeats and presence proofs', () => {
  let api: ApiHarness;
  let operator: Operator;

  beforeAll(async () => {
    api = await startApi(TIME_TOWER_TEST_ENV);
    operator = await signupOperator(api);
  });

  afterAll(async () => {
    await api.close();
  });

  async function challengeFor(node: RegisteredNode) {
    const challenge = await send(agentSessionsChallenge({ client: api.client(), body: { nodeId: node.id } }));
    expect(challenge.status).toBe(201);
    return challenge.data!;
  }

  /** The next proof as an honest agent computes it, waiting out the rate limit. */
  async function honestProof(agent: SdkClient): Promise<SubmitProofDto> {
    const challenge = (await send(agentProofsChallenge({ client: agent }))).data!;
    if (challenge.notBefore) await sleep(Math.max(0, new Date(challenge.notBefore).getTime() - Date.now()) + 5);
    return proveChallenge(challenge);
  }

  async function submitUntilAccepted(agent: SdkClient, tamper: (proof: SubmitProofDto) => SubmitProofDto = (proof) => proof) {
    for (let attempt = 0; attempt < 5; attempt++) {
      const result = await send(agentProofsSubmit({ client: agent, body: tamper(await honestProof(agent)) }));
      if (result.status !== 409 || (result.error as { code: string }).code !== 'proof.stale_epoch') return result;
    }
    throw new Error('the epoch kept closing under the proof');
  }

  async function standing(agent: SdkClient) {
    return (await send(agentNodeGet({ client: agent }))).data!;
  }

  it('opens a session with a signed nonce; the token reads only its own node', async () => {
    const node = await registerNode(operator);
    const challenge = await challengeFor(node);
    expect(challenge.signingInput).toBe(`statemesh/agent-session/v1\n${node.id}\n${challenge.nonce}`);
    const session = await send(agentSessionsOpen({
      client: api.client(),
      body: { nodeId: node.id, nonce: challenge.nonce, signature: signSessionChallenge(node.privateKey, node.id, challenge.nonce) },
    }));
    expect(session.status).toBe(201);
    expect(session.data).toMatchObject({ tokenType: 'Bearer', expiresIn: 600, node: { id: node.id, status: 'candidate' } });
    expect(session.data!.settings).toEqual({ heartbeatIntervalSeconds: 0.5, unreachableAfterSeconds: 2, selfFenceAfterSeconds: 120, proofIntervalSeconds: 0.25, vdfIterations: 2000, epochSeconds: 2 });

    const self = await send(agentNodeGet({ client: api.client(session.data!.token) }));
    expect(self.status).toBe(200);
    expect(self.data!.id).toBe(node.id);
    // A node token is not a user session.
    expect((await send(accountsMe({ client: api.client(session.data!.token) }))).status).toBe(401);
  });

  it('refuses a forged signature, and the nonce is spent by the attempt', async () => {
    const node = await registerNode(operator);
    const challenge = await challengeFor(node);
    const impostor = loadPrivateKey(generateNodeKey().privateKeyPem);
    const forged = await send(agentSessionsOpen({
      client: api.client(),
      body: { nodeId: node.id, nonce: challenge.nonce, signature: signSessionChallenge(impostor, node.id, challenge.nonce) },
    }));
    expect(forged.status).toBe(401);
    expect(forged.error).toMatchObject({ code: 'agent.invalid_signature' });
    const genuine = await send(agentSessionsOpen({
      client: api.client(),
      body: { nodeId: node.id, nonce: challenge.nonce, signature: signSessionChallenge(node.privateKey, node.id, challenge.nonce) },
    }));
    expect(genuine.status).toBe(401);
    expect(genuine.error).toMatchObject({ code: 'agent.invalid_challenge' });
  });

  it('refuses a reused nonce, another node’s nonce and an expired nonce', async () => {
    const node = await registerNode(operator);
    const other = await registerNode(operator);
    const challenge = await challengeFor(node);
    const body = { nodeId: node.id, nonce: challenge.nonce, signature: signSessionChallenge(node.privateKey, node.id, challenge.nonce) };
    expect((await send(agentSessionsOpen({ client: api.client(), body }))).status).toBe(201);
    const reused = await send(agentSessionsOpen({ client: api.client(), body }));
    expect(reused.status).toBe(401);
    expect(reused.error).toMatchObject({ code: 'agent.invalid_challenge' });

    const forOther = await challengeFor(other);
    const swapped = await send(agentSessionsOpen({
      client: api.client(),
      body: { nodeId: node.id, nonce: forOther.nonce, signature: signSessionChallenge(node.privateKey, node.id, forOther.nonce) },
    }));
    expect(swapped.status).toBe(401);

    const late = await challengeFor(node);
    await sleep(2_100);
    const expired = await send(agentSessionsOpen({
      client: api.client(),
      body: { nodeId: node.id, nonce: late.nonce, signature: signSessionChallenge(node.privateKey, node.id, late.nonce) },
    }));
    expect(expired.status).toBe(401);
    expect(expired.error).toMatchObject({ code: 'agent.invalid_challenge' });
    expect((await send(agentSessionsChallenge({ client: api.client(), body: { nodeId: 'nonexistent00000000' } }))).status).toBe(400);
    expect((await send(agentSessionsChallenge({ client: api.client(), body: { nodeId: 'zzzzzzzzzzzzzzzzzz' } }))).status).toBe(404);
  });

  it('answers 401 to user sessions, API tokens and no token on agent routes', async () => {
    const token = await send(tokensCreate({ client: operator.client, path: { accountId: operator.accountId }, body: { name: 'n', scopes: ['nodes:write'] } }));
    for (const client of [operator.client, api.client(token.data!.token), api.client(), api.client('garbage')]) {
      const heartbeat = await send(heartbeatsRecord({ client, body: HEARTBEAT }));
      expect(heartbeat.status).toBe(401);
      expect(heartbeat.error).toMatchObject({ code: 'agent.unauthenticated' });
      expect((await send(agentProofsChallenge({ client }))).status).toBe(401);
    }
  });

  it('records heartbeats, and an unreachable node that speaks again is a candidate', async () => {
    const node = await registerNode(operator);
    const agent = api.client(await openSession(api, node));
    const ack = await send(heartbeatsRecord({ client: agent, body: { ...HEARTBEAT, address: '198.51.100.4' } }));
    expect(ack.status).toBe(200);
    expect(ack.data).toMatchObject({ nodeId: node.id, status: 'candidate', eligible: false, heartbeatIntervalSeconds: 0.5 });
    expect(await standing(agent)).toMatchObject({
      usage: { vcpu: 0.5, memoryMib: 512, diskGib: 3, vms: 1 },
      address: '198.51.100.4',
      agentVersion: 'test-agent/1',
      // Agents report usage, never capacity.
      capacity: { vcpu: 16, memoryMib: 65536, diskGib: 500 },
    });

    await sleep(2_100);
    await api.app.get(NodeLivenessService).markUnreachable();
    expect((await standing(agent)).status).toBe('unreachable');
    const back = await send(heartbeatsRecord({ client: agent, body: HEARTBEAT }));
    expect(back.data).toMatchObject({ status: 'candidate', eligible: false });
    expect((await standing(agent)).epochStanding.consecutiveGoodEpochs).toBe(0);
  });

  it('accepts honest proofs onto the node’s chain', async () => {
    const node = await registerNode(operator);
    const agent = api.client(await openSession(api, node));
    const first = await submitUntilAccepted(agent);
    expect(first.status).toBe(201);
    expect(first.data).toMatchObject({ sequence: 0, previousHash: '0'.repeat(64), iterations: 2000 });
    const second = await submitUntilAccepted(agent);
    expect(second.data).toMatchObject({ sequence: 1, previousHash: first.data!.hash });
    expect((await standing(agent)).epochStanding.current!.validProofs).toBeGreaterThanOrEqual(1);
  });

  it('rejects a tampered output or proof and counts it against the node', async () => {
    const node = await registerNode(operator);
    const agent = api.client(await openSession(api, node));
    const flip = (hex: string) => hex.slice(0, -1) + (hex.endsWith('0') ? '2' : '0');
    const wrongOutput = await submitUntilAccepted(agent, (proof) => ({ ...proof, output: flip(proof.output) }));
    expect(wrongOutput.status).toBe(422);
    expect(wrongOutput.error).toMatchObject({ code: 'proof.invalid', countedAgainstNode: true });
    const wrongProof = await submitUntilAccepted(agent, (proof) => ({ ...proof, proof: flip(proof.proof) }));
    expect(wrongProof.error).toMatchObject({ code: 'proof.invalid' });
    const malformed = await submitUntilAccepted(agent, (proof) => ({ ...proof, output: proof.output.toUpperCase() }));
    expect(malformed.status).toBe(400);

    const counts = await api.app.get(PrismaService).nodeEpochRecord.findMany({ where: { nodeId: node.id } });
    expect(counts.reduce((sum, record) => sum + record.invalidProofs, 0)).toBe(2);
    expect(counts.some((record) => record.validProofs > 0)).toBe(false);
  });

  it('rejects replays, broken chains and another node’s work, counted; a wrong delay or a stale epoch is not counted', async () => {
    const node = await registerNode(operator);
    const agent = api.client(await openSession(api, node));
    const accepted = await honestProof(agent);
    expect((await send(agentProofsSubmit({ client: agent, body: accepted }))).status).toBe(201);
    await sleep(130);
    const replay = await send(agentProofsSubmit({ client: agent, body: accepted }));
    expect(replay.error).toMatchObject({ code: 'proof.replayed', countedAgainstNode: true });

    const next = await honestProof(agent);
    const fork = await send(agentProofsSubmit({ client: agent, body: { ...next, previousHash: '0'.repeat(64) } }));
    expect(fork.error).toMatchObject({ code: 'proof.broken_chain', countedAgainstNode: true });

    // Another node's valid work, presented with this node's token.
    const other = await registerNode(operator);
    const otherAgent = api.client(await openSession(api, other));
    const stolen = await honestProof(otherAgent);
    const theft = await send(agentProofsSubmit({ client: agent, body: stolen }));
    expect(theft.status).toBe(422);
    expect(['proof.broken_chain', 'proof.wrong_input']).toContain((theft.error as { code: string }).code);
    // The other node's own token still only acts for the other node.
    expect((await send(agentNodeGet({ client: otherAgent }))).data!.id).toBe(other.id);

    const wrongDelay = await send(agentProofsSubmit({ client: agent, body: { ...next, iterations: 1000 } }));
    expect(wrongDelay.error).toMatchObject({ code: 'proof.wrong_iterations', countedAgainstNode: false });

    const epochs = api.app.get(EpochsService);
    const pending = await honestProof(agent);
    await epochs.close(pending.epoch);
    const stale = await send(agentProofsSubmit({ client: agent, body: pending }));
    expect(stale.status).toBe(409);
    expect(stale.error).toMatchObject({ code: 'proof.stale_epoch', countedAgainstNode: false });

    const records = await api.app.get(PrismaService).nodeEpochRecord.findMany({ where: { nodeId: node.id } });
    expect(records.reduce((sum, record) => sum + record.invalidProofs, 0)).toBe(3);
    const otherRecords = await api.app.get(PrismaService).nodeEpochRecord.findMany({ where: { nodeId: other.id } });
    expect(otherRecords.reduce((sum, record) => sum + record.invalidProofs, 0)).toBe(0);
  });

  it('limits a node to about one proof per interval, without counting it against the node', async () => {
    // A long interval of its own, so "early" does not depend on how fast this machine answers.
    const slowApi = await startApi({ ...TIME_TOWER_TEST_ENV, EPOCH_SECONDS: '120', PROOF_INTERVAL_SECONDS: '60' });
    try {
      const node = await registerNode(await signupOperator(slowApi));
      const agent = slowApi.client(await openSession(slowApi, node));
      expect((await submitUntilAccepted(agent)).status).toBe(201);
      const challenge = (await send(agentProofsChallenge({ client: agent }))).data!;
      const early = await send(agentProofsSubmit({ client: agent, body: proveChallenge(challenge) }));
      expect(early.status).toBe(409);
      expect(early.error).toMatchObject({ code: 'proof.too_early', countedAgainstNode: false });
    } finally {
      await slowApi.close();
    }
  });

  it('ends the sessions of a decommissioned node', async () => {
    const node = await registerNode(operator);
    const agent = api.client(await openSession(api, node));
    expect((await send(heartbeatsRecord({ client: agent, body: HEARTBEAT }))).status).toBe(200);
    await send(nodesDecommission({ client: operator.client, path: { accountId: operator.accountId, nodeId: node.id } }));
    expect((await send(heartbeatsRecord({ client: agent, body: HEARTBEAT }))).status).toBe(401);
    expect((await send(agentSessionsChallenge({ client: api.client(), body: { nodeId: node.id } }))).status).toBe(404);
  });
});
