import { VdfError, prove } from '@statemesh/vdf';
import { parentPort } from 'node:worker_threads';

// The worker thread that does the squarings, so that the agent's event loop
// keeps heartbeating and serving assignments while a proof takes seconds.

export interface ProveRequest {
  id: number;
  input: string;
  iterations: number;
  /** Int32 flag the agent sets to 1 to cancel: messages cannot arrive while proving. */
  abort: SharedArrayBuffer;
}

export type ProveResponse =
  | { id: number; output: string; proof: string }
  | { id: number; error: string; aborted: boolean };

parentPort?.on('message', (request: ProveRequest) => {
  const abort = new Int32Array(request.abort);
  try {
    const result = prove(Buffer.from(request.input, 'hex'), request.iterations, { shouldAbort: () => Atomics.load(abort, 0) === 1 });
    parentPort!.postMessage({ id: request.id, ...result } satisfies ProveResponse);
  } catch (error) {
    const aborted = error instanceof VdfError && error.code === 'vdf.aborted';
    parentPort!.postMessage({ id: request.id, error: (error as Error).message, aborted } satisfies ProveResponse);
  }
});
