import { modPow, modPowProduct } from './bigint-math';
import { uint64 } from './domain-hash';
import { canonical, elementToBytes, elementToHex, hashToGroup, parseElement } from './group-element';
import { hashToPrime } from './hash-to-prime';
import { RSA_2048_MODULUS } from './rsa-2048';
import { VdfError } from './vdf.errors';

const N = RSA_2048_MODULUS;

/** Names this exact construction, for storing beside proofs in case it ever changes. */
export const VDF_ALGORITHM = 'wesolowski-rsa2048-sha256-v1';

/**
 * 2^19 squarings. A 2048-bit modular squaring costs about 5 µs with V8's
 * BigInt on the project's 2-core machines, so the squarings take about 2.8 s
 * and the proof adds about 11 % (bench/RESULTS.md). That is long enough for
 * proving to stay over 1000 times slower than verifying (about 1.3 ms, most
 * of it fixed cost), and short enough for a node to answer a challenge within
 * seconds from a worker thread.
 */
export const DEFAULT_VDF_ITERATIONS = 2 ** 19;

const DEFAULT_CHECK_EVERY = 4096;

/** About 20 MB of checkpoints; beyond that the prover trades memory for a little more work. */
const DEFAULT_MAX_CHECKPOINTS = 1 << 16;

export interface VdfProof {
  /** y = x^(2^T), 512 lowercase hex digits. */
  output: string;
  /** π = x^floor(2^T / l), 512 lowercase hex digits. */
  proof: string;
}

export interface VdfProgress {
  phase: 'evaluate' | 'prove';
  done: number;
  total: number;
}

export interface ProveOptions {
  /**
   * Called every `checkEvery` steps. In a worker thread the event loop is busy
   * for the whole proof, so messages cannot arrive; read a SharedArrayBuffer
   * flag with Atomics.load here to cancel, and post progress from onProgress.
   */
  shouldAbort?: () => boolean;
  onProgress?: (progress: VdfProgress) => void;
  /** Squarings (or proof steps) between two hook calls; 4096 is about 20 ms. */
  checkEvery?: number;
  /** Upper bound on stored intermediate values (256 bytes each). */
  maxCheckpoints?: number;
}

/** y = x^(2^T) without a proof, where x = hashToGroup(input). */
export function evaluate(input: Uint8Array, iterations: number, options: ProveOptions = {}): string {
  assertIterations(iterations);
  const x = hashToGroup(assertBytes(input));
  const meter = new WorkMeter('evaluate', iterations, options);
  return elementToHex(squareChain(x, iterations, iterations + 1, 0, meter).output);
}

/**
 * Evaluates and proves in one synchronous call. The T sequential squarings
 * keep every (κ·γ)-th intermediate value, and the proof is then assembled from
 * them (Wesolowski's section 4.1) for about T/κ extra multiplications instead
 * of a second chain of T squarings: about 11 % on top of the evaluation.
 * Throws VdfError('vdf.aborted') when `shouldAbort` returns true.
 */
export function prove(input: Uint8Array, iterations: number, options: ProveOptions = {}): VdfProof {
  assertIterations(iterations);
  const x = hashToGroup(assertBytes(input));
  const plan = planProof(iterations, options.maxCheckpoints ?? DEFAULT_MAX_CHECKPOINTS);
  const kept = Math.ceil(plan.digits / plan.stride);
  const chain = squareChain(
    x,
    iterations,
    plan.chunkBits * plan.stride,
    kept,
    new WorkMeter('evaluate', iterations, options),
  );
  const output = canonical(chain.output);
  const prime = challengePrime(x, output, iterations);
  const proofWork = plan.digits + plan.stride * (2 ** plan.chunkBits + plan.chunkBits);
  const meter = new WorkMeter('prove', proofWork, options);
  const proof = proofFromCheckpoints(chain.checkpoints, plan, iterations, prime, meter);
  return { output: elementToHex(output), proof: elementToHex(proof) };
}

/**
 * Checks π^l · x^r = y in Z_N^× / {±1}, with l the challenge prime and
 * r = 2^T mod l: two 128-bit exponentiations sharing their squarings.
 * Returns false for a wrong proof; throws VdfError when the values are not
 * well-formed canonical elements or T is invalid.
 */
export function verify(input: Uint8Array, iterations: number, claim: VdfProof): boolean {
  assertIterations(iterations);
  const output = parseElement(claim.output, 'output');
  const proof = parseElement(claim.proof, 'proof');
  const x = hashToGroup(assertBytes(input));
  const prime = challengePrime(x, output, iterations);
  const remainder = modPow(2n, BigInt(iterations), prime);
  return canonical(modPowProduct(proof, prime, x, remainder, N)) === output;
}

/** Fiat–Shamir: the prime depends on everything the proof speaks about. */
export function challengePrime(x: bigint, output: bigint, iterations: number): bigint {
  return hashToPrime(Buffer.concat([elementToBytes(x), elementToBytes(output), uint64(iterations)]));
}

function assertIterations(iterations: number): void {
  if (!Number.isSafeInteger(iterations) || iterations < 1) {
    throw new VdfError('vdf.invalid-iterations', 'iterations must be a positive safe integer');
  }
}

function assertBytes(input: Uint8Array): Uint8Array {
  if (!(input instanceof Uint8Array)) throw new VdfError('vdf.malformed', 'input must be bytes');
  return input;
}

/**
 * How the quotient q = floor(2^T / l) is cut: digits of κ = chunkBits bits
 * (T/κ of them, the lowest first), and only every γ = stride-th checkpoint
 * kept, so memory stays under the cap whatever T is.
 */
interface ProofPlan {
  chunkBits: number;
  stride: number;
  digits: number;
}

function planProof(iterations: number, maxCheckpoints: number): ProofPlan {
  let best: (ProofPlan & { cost: number }) | undefined;
  for (let chunkBits = 1; chunkBits <= 20; chunkBits++) {
    const digits = Math.floor(iterations / chunkBits);
    const stride = Math.max(1, Math.ceil(digits / Math.max(1, maxCheckpoints)));
    // Multiplications: one per digit into its bucket, 2·2^κ to combine the
    // buckets of each of the γ passes, κ squarings between passes.
    const cost = digits + stride * (2 ** (chunkBits + 1) + chunkBits);
    if (best === undefined || cost < best.cost) best = { chunkBits, stride, digits, cost };
  }
  return best!;
}

function squareChain(
  x: bigint,
  iterations: number,
  every: number,
  kept: number,
  meter: WorkMeter,
): { output: bigint; checkpoints: bigint[] } {
  const checkpoints: bigint[] = kept > 0 ? [x] : [];
  let value = x;
  for (let done = 1; done <= iterations; done++) {
    value = (value * value) % N;
    if (done % every === 0 && checkpoints.length < kept) checkpoints.push(value);
    meter.step();
  }
  meter.finish();
  return { output: value, checkpoints };
}

/**
 * π = ∏ C_i^(b_i), where b_i is the i-th κ-bit digit of q and
 * C_i = x^(2^(κi)). Digit i is floor(2^κ · (2^(T-κ(i+1)) mod l) / l), so q
 * itself (T bits) is never built. Checkpoints sharing a digit value are
 * multiplied together first; the buckets are then combined with running
 * products, which raises bucket b to the power b for 2·2^κ multiplications.
 * With γ > 1, only C_(jγ) is stored, and pass s handles digits i = jγ + s,
 * the passes being joined Horner-style with κ squarings each.
 */
function proofFromCheckpoints(
  checkpoints: bigint[],
  plan: ProofPlan,
  iterations: number,
  prime: bigint,
  meter: WorkMeter,
): bigint {
  const { chunkBits, stride, digits } = plan;
  const shift = BigInt(chunkBits);
  const stepFactor = modPow(2n, BigInt(chunkBits * stride), prime);
  let proof: bigint | undefined;
  for (let pass = stride - 1; pass >= 0; pass--) {
    if (proof !== undefined) {
      for (let i = 0; i < chunkBits; i++) proof = (proof * proof) % N;
    }
    meter.step(chunkBits);
    const buckets = new Array<bigint | undefined>(2 ** chunkBits);
    if (pass < digits) {
      const top = Math.floor((digits - 1 - pass) / stride);
      let remainder = modPow(2n, BigInt(iterations - chunkBits * (top * stride + pass + 1)), prime);
      for (let j = top; j >= 0; j--) {
        const digit = Number((remainder << shift) / prime);
        if (digit !== 0) {
          const bucket = buckets[digit];
          buckets[digit] = bucket === undefined ? checkpoints[j] : (bucket * checkpoints[j]) % N;
        }
        remainder = (remainder * stepFactor) % prime;
        meter.step();
      }
    }
    const part = weightedProduct(buckets, meter);
    if (part !== undefined) proof = proof === undefined ? part : (proof * part) % N;
  }
  meter.finish();
  return proof ?? 1n;
}

/** ∏ buckets[b]^b, by accumulating suffix products from the top bucket down. */
function weightedProduct(buckets: (bigint | undefined)[], meter: WorkMeter): bigint | undefined {
  let running: bigint | undefined;
  let total: bigint | undefined;
  for (let b = buckets.length - 1; b >= 1; b--) {
    const bucket = buckets[b];
    if (bucket !== undefined) running = running === undefined ? bucket : (running * bucket) % N;
    if (running !== undefined) total = total === undefined ? running : (total * running) % N;
    meter.step();
  }
  meter.step();
  return total;
}

/** Calls the caller's hooks every `checkEvery` units of work. */
class WorkMeter {
  private done = 0;
  private untilCheck: number;
  private readonly checkEvery: number;

  constructor(
    private readonly phase: VdfProgress['phase'],
    private readonly total: number,
    private readonly options: ProveOptions,
  ) {
    this.checkEvery = Math.max(1, Math.floor(options.checkEvery ?? DEFAULT_CHECK_EVERY));
    this.untilCheck = this.checkEvery;
  }

  step(units = 1): void {
    this.done += units;
    this.untilCheck -= units;
    if (this.untilCheck <= 0) {
      this.untilCheck = this.checkEvery;
      this.check();
    }
  }

  finish(): void {
    this.done = this.total;
    this.check();
  }

  private check(): void {
    if (this.options.shouldAbort?.()) throw new VdfError('vdf.aborted', 'proof aborted by the caller');
    this.options.onProgress?.({ phase: this.phase, done: Math.min(this.done, this.total), total: this.total });
  }
}
