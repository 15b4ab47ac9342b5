import { projectRoot } from '@statemesh/common';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ProveRequest, ProveResponse } from './proof.worker';
import { ProofAbortedError, type Prover, type VdfResult } from './prover';
import { TYPESCRIPT_WORKER_BOOTSTRAP } from './typescript-worker-bootstrap';

interface Pending {
  resolve(result: VdfResult): void;
  reject(error: Error): void;
}

/**
 * Proves on a worker thread, one proof at a time. A proof can be cancelled
 * (the agent stops, or the epoch it was for closed) through a shared flag
 * the worker polls between squarings. A worker that dies is replaced on the
 * next proof.
 */
export class WorkerProver implements Prover {
  private worker?: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  async prove(input: string, iterations: number, signal?: AbortSignal): Promise<VdfResult> {
    if (signal?.aborted) throw new ProofAbortedError();
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const abort = new SharedArrayBuffer(4);
    const onAbort = () => Atomics.store(new Int32Array(abort), 0, 1);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await new Promise<VdfResult>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        worker.postMessage({ id, input, iterations, abort } satisfies ProveRequest);
      });
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.pending.delete(id);
    }
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new ProofAbortedError());
    if (worker) await worker.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = createProofWorker();
    worker.unref();
    worker.on('message', (response: ProveResponse) => {
      const pending = this.pending.get(response.id);
      if (!pending) return;
      if ('error' in response) pending.reject(response.aborted ? new ProofAbortedError() : new Error(response.error));
      else pending.resolve({ output: response.output, proof: response.proof });
    });
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(new Error('the proof worker exited'));
    });
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

function createProofWorker(): Worker {
  const compiled = join(__dirname, 'proof.worker.js');
  if (existsSync(compiled)) return new Worker(compiled);
  return new Worker(TYPESCRIPT_WORKER_BOOTSTRAP, {
    eval: true,
    workerData: { entry: join(__dirname, 'proof.worker.ts'), root: projectRoot(), swcPath: require.resolve('@swc/core') },
  });
}
