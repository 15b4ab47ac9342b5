import { PlacementRetryLater, PlacementRoundRunner, ROUND_SIZE } from './placement-round-runner';
import type { PlacementRoundService, RoundOutcome, RoundReport } from './placement-round.service';
import type { PlacementOutcome, VmPlacementService } from './vm-placement.service';

type Asked = Map<string, number | undefined>;

/** A fake round service: records what each round was asked and answers with `decide`. */
function roundsThat(decide: (asked: Asked, round: number) => Partial<RoundReport> & { outcomes?: Map<string, RoundOutcome> }) {
  const calls: Asked[] = [];
  const rounds = {
    run: jest.fn(async (asked: Asked, limit: number) => {
      expect(limit).toBe(ROUND_SIZE);
      calls.push(new Map(asked));
      // A round takes a moment: requests made meanwhile wait for the next one.
      await new Promise((resolve) => setImmediate(resolve));
      const answer = decide(asked, calls.length);
      const outcomes = answer.outcomes ?? new Map([...asked.keys()].map((id) => [id, { result: 'placed', nodeId: 'n1' } as RoundOutcome]));
      return { claimed: asked.size, placed: [...outcomes.values()].filter((o) => o.result === 'placed').length, unschedulable: 0, deferred: 0, ...answer, outcomes };
    }),
  };
  return { rounds: rounds as unknown as PlacementRoundService, calls, run: rounds.run };
}

function singleThat(answer: (vmId: string, attempt: number) => Promise<PlacementOutcome>) {
  const place = jest.fn(answer);
  return { single: { place } as unknown as VmPlacementService, place };
}

const noSingle = singleThat(async () => {
  throw new Error('not expected');
}).single;

describe('PlacementRoundRunner', () => {
  it('answers a request with what its round did', async () => {
    const { rounds } = roundsThat(() => ({}));
    const runner = new PlacementRoundRunner(rounds, noSingle);
    await expect(runner.request('vm1')).resolves.toEqual({ result: 'placed', nodeId: 'n1' });
  });

  it('takes every request made while a round runs into the next round', async () => {
    const { rounds, calls } = roundsThat(() => ({}));
    const runner = new PlacementRoundRunner(rounds, noSingle);
    const first = runner.request('vm1');
    const later = ['vm2', 'vm3', 'vm4'].map((id) => runner.request(id, id === 'vm3' ? 2 : undefined));
    await Promise.all([first, ...later]);
    expect(calls).toEqual([
      new Map([['vm1', undefined]]),
      new Map([
        ['vm2', undefined],
        ['vm3', 2],
        ['vm4', undefined],
      ]),
    ]);
  });

  it('asks once for a VM requested twice, with the highest attempt, and answers both requests', async () => {
    const { rounds, calls } = roundsThat((asked) => ({ outcomes: new Map([...asked.keys()].map((id) => [id, { result: 'unschedulable', message: 'full' }])) }));
    const runner = new PlacementRoundRunner(rounds, noSingle);
    const blocker = runner.request('vm0');
    const both = [runner.request('vm1', 1), runner.request('vm1'), runner.request('vm1', 3)];
    await expect(Promise.all(both)).resolves.toEqual(Array(3).fill({ result: 'unschedulable', message: 'full' }));
    await blocker;
    expect(calls[1]).toEqual(new Map([['vm1', 3]]));
  });

  it('answers skipped for a VM no longer waiting', async () => {
    const { rounds } = roundsThat(() => ({ claimed: 0, outcomes: new Map([['vm1', { result: 'skipped' }]]) }));
    await expect(new PlacementRoundRunner(rounds, noSingle).request('vm1')).resolves.toEqual({ result: 'skipped' });
  });

  it('asks again in the next round for a deferred VM', async () => {
    const { rounds, calls } = roundsThat((_, round) => ({
      deferred: round === 1 ? 1 : 0,
      outcomes: new Map([['vm1', round === 1 ? { result: 'deferred' } : { result: 'placed', nodeId: 'n2' }]]),
    }));
    await expect(new PlacementRoundRunner(rounds, noSingle).request('vm1', 4)).resolves.toEqual({ result: 'placed', nodeId: 'n2' });
    expect(calls).toEqual([new Map([['vm1', 4]]), new Map([['vm1', 4]])]);
  });

  it('places a VM the round leaves alone on its own, with its attempt', async () => {
    const { rounds } = roundsThat(() => ({ outcomes: new Map([['vm1', { result: 'own' }]]) }));
    const { single, place } = singleThat(async () => ({ result: 'placed', nodeId: 'pinned' }));
    await expect(new PlacementRoundRunner(rounds, single).request('vm1', 2)).resolves.toEqual({ result: 'placed', nodeId: 'pinned' });
    expect(place).toHaveBeenCalledWith('vm1', 2);
  });

  it('starts a VM placed on its own at attempt 0 when asked without one', async () => {
    const { rounds } = roundsThat(() => ({ outcomes: new Map([['vm1', { result: 'own' }]]) }));
    const { single, place } = singleThat(async () => ({ result: 'skipped' }));
    await new PlacementRoundRunner(rounds, single).request('vm1');
    expect(place).toHaveBeenCalledWith('vm1', 0);
  });

  it('fails the request of a VM another transaction holds, so that its job is retried', async () => {
    const { rounds } = roundsThat(() => ({ claimed: 0, outcomes: new Map([['vm1', { result: 'held' }]]) }));
    await expect(new PlacementRoundRunner(rounds, noSingle).request('vm1')).rejects.toBeInstanceOf(PlacementRetryLater);
  });

  it('fails the requests of a round that failed, and goes on with later requests', async () => {
    const { rounds } = roundsThat((asked) => {
      if (asked.has('vm1')) throw new Error('database gone');
      return {};
    });
    const runner = new PlacementRoundRunner(rounds, noSingle);
    const failing = runner.request('vm1');
    const later = runner.request('vm2');
    await expect(failing).rejects.toThrow('database gone');
    await expect(later).resolves.toEqual({ result: 'placed', nodeId: 'n1' });
  });

  it('runs further rounds unasked while rounds come back full, until one is not', async () => {
    const { rounds, calls } = roundsThat((_, round) => ({ claimed: round < 3 ? ROUND_SIZE : 7 }));
    await new PlacementRoundRunner(rounds, noSingle).request('vm1');
    // Give the runner the time to finish its drain.
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([new Map([['vm1', undefined]]), new Map(), new Map()]);
  });

  it('runs another round after one that deferred VMs nobody asked for', async () => {
    const { rounds, calls } = roundsThat((_, round) => ({ claimed: 3, placed: 2, deferred: round === 1 ? 1 : 0 }));
    await new PlacementRoundRunner(rounds, noSingle).request('vm1');
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toHaveLength(2);
  });

  it('gives up after five rounds in a row that only deferred, failing the deferred requests', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      const { rounds, calls } = roundsThat(() => ({ claimed: 1, placed: 0, deferred: 1, outcomes: new Map([['vm1', { result: 'deferred' }]]) }));
      const request = new PlacementRoundRunner(rounds, noSingle).request('vm1');
      const settled = request.catch((error: unknown) => error);
      for (let i = 0; i < 20; i++) {
        await jest.advanceTimersByTimeAsync(200);
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(await settled).toBeInstanceOf(PlacementRetryLater);
      expect(calls).toHaveLength(5);
    } finally {
      jest.useRealTimers();
    }
  });

  it('takes at most a round of requests at a time, in the order they came', async () => {
    const { rounds, calls } = roundsThat(() => ({}));
    const runner = new PlacementRoundRunner(rounds, noSingle);
    const blocker = runner.request('first');
    const many = Array.from({ length: ROUND_SIZE + 5 }, (_, i) => runner.request(`vm${i}`));
    await Promise.all([blocker, ...many]);
    expect(calls.map((asked) => asked.size)).toEqual([1, ROUND_SIZE, 5]);
    expect([...calls[2].keys()]).toEqual(['vm200', 'vm201', 'vm202', 'vm203', 'vm204']);
  });
});
