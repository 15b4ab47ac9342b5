import { GENESIS_PREVIOUS_HASH, challengeInput, verify } from '@statemesh/vdf';
import { ProofAbortedError } from './prover';
import { WorkerProver } from './worker-prover';

describe('WorkerProver', () => {
  const input = challengeInput(GENESIS_PREVIOUS_HASH, 'seed', 'node0000000000000a');
  let prover: WorkerProver;

  beforeEach(() => {
    prover = new WorkerProver();
  });

  afterEach(async () => {
    await prover.close();
  });

  it('proves on a worker thread while the event loop stays free', async () => {
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 5);
    const result = await prover.prove(input, 30_000);
    clearInterval(ticker);
    expect(verify(Buffer.from(input, 'hex'), 30_000, result)).toBe(true);
    expect(ticks).toBeGreaterThan(3);
  });

  it('cancels a proof in flight', async () => {
    const controller = new AbortController();
    const proving = prover.prove(input, 50_000_000, controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(proving).rejects.toBeInstanceOf(ProofAbortedError);
    // The worker survives a cancelled proof.
    const next = await prover.prove(input, 1_000);
    expect(verify(Buffer.from(input, 'hex'), 1_000, next)).toBe(true);
  });
});
