import { GENESIS_PREVIOUS_HASH, challengeInput } from '@statemesh/vdf';
import { PROOF_REJECTIONS, checkProofSubmission, nextChallenge, type ChainHead, type ProofContext, type ProofSubmission } from './proof-rules';

const NODE = 'node0000000000000a';
const SEED = 'a'.repeat(64);
const T0 = new Date('2026-11-22T10:00:00.000Z');
const head: ChainHead = { sequence: 4, hash: 'b'.repeat(64), acceptedAt: new Date(T0.getTime() + 10_000) };

function context(overrides: Partial<ProofContext> = {}): ProofContext {
  return {
    nodeId: NODE,
    epoch: { number: 7, seed: SEED, openedAt: T0 },
    head,
    inputAlreadyAccepted: false,
    iterations: 2000,
    proofIntervalMs: 60_000,
    minimumProvingMs: 500,
    now: new Date(T0.getTime() + 70_000),
    ...overrides,
  };
}

function submission(overrides: Partial<ProofSubmission> = {}): ProofSubmission {
  return { epoch: 7, previousHash: head.hash, input: challengeInput(head.hash, SEED, NODE), iterations: 2000, ...overrides };
}

describe('nextChallenge', () => {
  it('starts a chain at sequence 0 on the genesis hash', () => {
    expect(nextChallenge(NODE, null, context().epoch)).toEqual({
      epoch: 7,
      sequence: 0,
      previousHash: GENESIS_PREVIOUS_HASH,
      input: challengeInput(GENESIS_PREVIOUS_HASH, SEED, NODE),
    });
  });

  it('extends the head, and differs between nodes', () => {
    const challenge = nextChallenge(NODE, head, context().epoch);
    expect(challenge).toMatchObject({ sequence: 5, previousHash: head.hash });
    expect(nextChallenge('node0000000000000b', head, context().epoch).input).not.toBe(challenge.input);
  });
});

describe('checkProofSubmission', () => {
  it('accepts a proof that extends the head on the open epoch', () => {
    expect(checkProofSubmission(submission(), context())).toEqual({ ok: true, challenge: nextChallenge(NODE, head, context().epoch) });
  });

  it('accepts a first proof on the genesis hash', () => {
    const first = submission({ previousHash: GENESIS_PREVIOUS_HASH, input: challengeInput(GENESIS_PREVIOUS_HASH, SEED, NODE) });
    expect(checkProofSubmission(first, context({ head: null }))).toMatchObject({ ok: true, challenge: { sequence: 0 } });
  });

  const cases: Array<[string, Partial<ProofSubmission>, Partial<ProofContext>, keyof typeof PROOF_REJECTIONS]> = [
    ['another delay', { iterations: 1000 }, {}, 'proof.wrong_iterations'],
    ['the epoch that just closed', { epoch: 6 }, {}, 'proof.stale_epoch'],
    ['an epoch long gone', { epoch: 3 }, {}, 'proof.wrong_epoch'],
    ['a future epoch', { epoch: 8 }, {}, 'proof.wrong_epoch'],
    ['an input already in the chain', {}, { inputAlreadyAccepted: true }, 'proof.replayed'],
    ['a fork off an older entry', { previousHash: 'c'.repeat(64) }, {}, 'proof.broken_chain'],
    ['another node’s input', { input: challengeInput(head.hash, SEED, 'node0000000000000b') }, {}, 'proof.wrong_input'],
    ['an input on another seed', { input: challengeInput(head.hash, 'f'.repeat(64), NODE) }, {}, 'proof.wrong_input'],
    ['faster than the delay allows', {}, { now: new Date(head.acceptedAt.getTime() + 499) }, 'proof.too_fast'],
    ['faster than the delay allows after the epoch opened', {}, { head: null, now: new Date(T0.getTime() + 10) }, 'proof.too_fast'],
    ['sooner than half an interval', {}, { now: new Date(head.acceptedAt.getTime() + 29_000) }, 'proof.too_early'],
  ];

  it.each(cases)('rejects %s', (_, submitted, situation, expected) => {
    const check = checkProofSubmission(
      submission({ ...(situation.head === null ? { previousHash: GENESIS_PREVIOUS_HASH, input: challengeInput(GENESIS_PREVIOUS_HASH, SEED, NODE) } : {}), ...submitted }),
      context(situation),
    );
    expect(check).toMatchObject({ ok: false, rejection: expected });
  });

  it('counts what only a faulty or dishonest node does, not what an honest one can run into', () => {
    const counted = Object.entries(PROOF_REJECTIONS).filter(([, rule]) => rule.counted).map(([code]) => code);
    expect(counted.sort()).toEqual(['proof.broken_chain', 'proof.invalid', 'proof.replayed', 'proof.too_fast', 'proof.wrong_epoch', 'proof.wrong_input']);
  });

  it('tells a rate-limited agent how long to wait', () => {
    const check = checkProofSubmission(submission(), context({ now: new Date(head.acceptedAt.getTime() + 20_000) }));
    expect(check).toMatchObject({ ok: false, rejection: 'proof.too_early', retryAfterMs: 10_000 });
  });
});
