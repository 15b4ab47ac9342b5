import { Batcher, type BatchOutcome } from './batcher';

interface Deferred {
  items: number[];
  finish: (outcomes?: Array<BatchOutcome<string>>) => void;
  fail: (error: unknown) => void;
}

/** A commit function whose batches finish only when the test says so. */
function controlledCommit() {
  const batches: Deferred[] = [];
  const commit = (items: number[]) =>
    new Promise<Array<BatchOutcome<string>>>((resolve, reject) => {
      batches.push({
        items,
        finish: (outcomes) => resolve(outcomes ?? items.map((item) => ({ ok: true, value: `v${item}` }))),
        fail: reject,
      });
    });
  return { batches, commit };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('Batcher', () => {
  it('commits an item submitted to an idle queue at once, alone', async () => {
    const { batches, commit } = controlledCommit();
    const group = new Batcher(commit, { maxBatch: 10, maxInFlight: 1 });
    const answer = group.submit(1);
    expect(batches.map((batch) => batch.items)).toEqual([[1]]);
    batches[0].finish();
    await expect(answer).resolves.toBe('v1');
  });

  it('gathers the items that arrive while a batch runs into the next batch, up to maxBatch', async () => {
    const { batches, commit } = controlledCommit();
    const group = new Batcher(commit, { maxBatch: 3, maxInFlight: 1 });
    const answers = [1, 2, 3, 4, 5, 6].map((item) => group.submit(item));
    expect(batches.map((batch) => batch.items)).toEqual([[1]]);
    expect(group.waiting).toBe(5);
    batches[0].finish();
    await settle();
    expect(batches.map((batch) => batch.items)).toEqual([[1], [2, 3, 4]]);
    batches[1].finish();
    await settle();
    expect(batches.map((batch) => batch.items)).toEqual([[1], [2, 3, 4], [5, 6]]);
    batches[2].finish();
    await expect(Promise.all(answers)).resolves.toEqual(['v1', 'v2', 'v3', 'v4', 'v5', 'v6']);
  });

  it('runs up to maxInFlight batches at once', async () => {
    const { batches, commit } = controlledCommit();
    const group = new Batcher(commit, { maxBatch: 2, maxInFlight: 2 });
    const answers = [1, 2, 3, 4].map((item) => group.submit(item));
    expect(batches.map((batch) => batch.items)).toEqual([[1], [2]]);
    batches[1].finish();
    await settle();
    expect(batches.map((batch) => batch.items)).toEqual([[1], [2], [3, 4]]);
    batches[0].finish();
    batches[2].finish();
    await expect(Promise.all(answers)).resolves.toEqual(['v1', 'v2', 'v3', 'v4']);
  });

  it('gives each submitter its own outcome', async () => {
    const { batches, commit } = controlledCommit();
    const group = new Batcher(commit, { maxBatch: 5, maxInFlight: 1 });
    const first = group.submit(1);
    const [second, third] = [group.submit(2), group.submit(3)];
    batches[0].finish();
    await settle();
    batches[1].finish([{ ok: false, error: new Error('name taken') }, { ok: true, value: 'three' }]);
    await expect(first).resolves.toBe('v1');
    await expect(second).rejects.toThrow('name taken');
    await expect(third).resolves.toBe('three');
  });

  it('answers an item handed on when its promise settles, without holding the slot', async () => {
    const { batches, commit } = controlledCommit();
    const group = new Batcher(commit, { maxBatch: 5, maxInFlight: 1 });
    let handOn!: (value: string) => void;
    const handedOn = new Promise<string>((resolve) => (handOn = resolve));
    const first = group.submit(1);
    batches[0].finish([{ ok: true, value: handedOn }]);
    await settle();
    // The slot is free again: the next item is committed while the first waits for its promise.
    const second = group.submit(2);
    expect(batches.map((batch) => batch.items)).toEqual([[1], [2]]);
    batches[1].finish();
    await expect(second).resolves.toBe('v2');
    handOn('later');
    await expect(first).resolves.toBe('later');
  });

  it('rejects every item of a batch whose commit throws, and goes on with the next', async () => {
    const { batches, commit } = controlledCommit();
    const group = new Batcher(commit, { maxBatch: 5, maxInFlight: 1 });
    const answers = [1, 2, 3].map((item) => group.submit(item).catch((error: Error) => error.message));
    batches[0].fail(new Error('connection lost'));
    await settle();
    batches[1].fail(new Error('deadlock'));
    await expect(Promise.all(answers)).resolves.toEqual(['connection lost', 'deadlock', 'deadlock']);
    const later = group.submit(4);
    batches[2].finish();
    await expect(later).resolves.toBe('v4');
  });

  it('rejects every item when commit answers the wrong number of outcomes', async () => {
    const { batches, commit } = controlledCommit();
    const group = new Batcher(commit, { maxBatch: 5, maxInFlight: 1 });
    const answer = group.submit(1);
    batches[0].finish([]);
    await expect(answer).rejects.toThrow('a batch of 1 answered 0 outcomes');
  });

  it('commits an item submitted alone in a batch of its own', async () => {
    const { batches, commit } = controlledCommit();
    const group = new Batcher(commit, { maxBatch: 5, maxInFlight: 1 });
    const answers = [group.submit(1), group.submit(2), group.submit(3, { alone: true }), group.submit(4), group.submit(5)];
    for (let round = 0; round < 4; round++) {
      batches[round].finish();
      await settle();
    }
    expect(batches.map((batch) => batch.items)).toEqual([[1], [2], [3], [4, 5]]);
    await expect(Promise.all(answers)).resolves.toEqual(['v1', 'v2', 'v3', 'v4', 'v5']);
  });

  it('refuses nonsensical limits', () => {
    const commit = async () => [];
    expect(() => new Batcher(commit, { maxBatch: 0, maxInFlight: 1 })).toThrow(RangeError);
    expect(() => new Batcher(commit, { maxBatch: 1, maxInFlight: 1.5 })).toThrow(RangeError);
  });
});
