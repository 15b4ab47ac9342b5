import { VdfError } from './vdf.errors';

/**
 * An upper bound on how many sequential 2048-bit modular squarings anyone can
 * do per second: 10^9, i.e. 1 ns each. For scale: this prover (V8 BigInt)
 * needs about 5 µs, GMP on a fast desktop core a few hundred ns, the winning
 * designs of the 2019 VDF Alliance FPGA competition about 25 ns for a
 * *1024-bit* squaring, and the Alliance's draft evaluator-ASIC specification
 * pencilled in about 2 ns for 2048 bits. The bound is meant to be generous:
 * rejecting an honest node is worse than letting an exotic ASIC through, and
 * the chain already prevents precomputing answers to future challenges.
 */
export const FASTEST_SQUARINGS_PER_SECOND = 1_000_000_000;

/**
 * The least wall-clock time, in milliseconds, in which `iterations`
 * sequential squarings can be done on the fastest known hardware. A proof for
 * a challenge issued less than this long ago cannot be honest.
 */
export function minimumProvingMillis(
  iterations: number,
  fastestSquaringsPerSecond: number = FASTEST_SQUARINGS_PER_SECOND,
): number {
  if (!Number.isSafeInteger(iterations) || iterations < 1) {
    throw new VdfError('vdf.invalid-iterations', 'iterations must be a positive safe integer');
  }
  if (!Number.isFinite(fastestSquaringsPerSecond) || fastestSquaringsPerSecond <= 0) {
    throw new RangeError('fastestSquaringsPerSecond must be a positive finite number');
  }
  return (iterations * 1000) / fastestSquaringsPerSecond;
}
