// Prover and verifier cost of the presence-proof VDF at the default delay.
//   npm run -s build && node dist/bench/vdf/vdf.bench.js [iterations]
// Exits non-zero when proving is not at least 1000 times slower than verifying,
// the asymmetry the Time Tower relies on, or when a proof fails to verify.
import { cpus, loadavg } from 'node:os';

import { DEFAULT_VDF_ITERATIONS, prove, verify, VDF_ALGORITHM, VdfProof } from '@statemesh/vdf';

const MINIMUM_RATIO = 1000;
const PROVE_RUNS = 3;
const VERIFY_RUNS = 300;

const iterations = process.argv[2] === undefined ? DEFAULT_VDF_ITERATIONS : Number(process.argv[2]);
if (!Number.isSafeInteger(iterations) || iterations < 1) {
  console.error(`usage: vdf.bench.js [iterations] (got ${process.argv[2]})`);
  process.exit(2);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function timed<T>(action: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = action();
  return { value, ms: performance.now() - started };
}

const cores = cpus();
const cpuModel = cores[0]?.model.trim() ?? 'unknown CPU';
console.log(`VDF bench: ${VDF_ALGORITHM}, T = ${iterations}, ${process.version}, ${cores.length} cores, ${cpuModel}`);
// Other processes on a small machine skew every figure; say how busy it was.
console.log(`load average at start: ${loadavg()[0].toFixed(2)}`);

// Let the JIT settle before anything is timed.
for (let i = 0; i < 3; i++) {
  const warm = Buffer.from(`warm-up ${i}`);
  verify(warm, 2000, prove(warm, 2000));
}

// The squarings and the proof assembly are timed within the same runs, so
// that load from other processes shows up in both.
const proveTimes: number[] = [];
const assemblyShares: number[] = [];
const proofs: { input: Buffer; proof: VdfProof }[] = [];
for (let run = 1; run <= PROVE_RUNS; run++) {
  const input = Buffer.from(`bench prove ${run}`);
  let reported = 0;
  let squaringsDoneAt = 0;
  process.stdout.write(`prove run ${run}/${PROVE_RUNS}: `);
  const result = timed(() =>
    prove(input, iterations, {
      checkEvery: 8192,
      onProgress: ({ phase, done, total }) => {
        if (phase !== 'evaluate') return;
        if (done === total) squaringsDoneAt = performance.now();
        const quarter = Math.floor((4 * done) / total);
        if (quarter > reported) {
          reported = quarter;
          process.stdout.write(`${quarter * 25}% `);
        }
      },
    }),
  );
  const assemblyMs = performance.now() - squaringsDoneAt;
  const squaringMs = result.ms - assemblyMs;
  console.log(
    `${result.ms.toFixed(0)} ms (squarings ${squaringMs.toFixed(0)} ms, proof assembly ${assemblyMs.toFixed(0)} ms)`,
  );
  proveTimes.push(result.ms);
  assemblyShares.push(assemblyMs / squaringMs);
  proofs.push({ input, proof: result.value });
}

const verifyTimes: number[] = [];
for (let run = 0; run < VERIFY_RUNS; run++) {
  const { input, proof } = proofs[run % proofs.length];
  const result = timed(() => verify(input, iterations, proof));
  if (!result.value) {
    console.error(`FAIL: an honest proof did not verify (run ${run})`);
    process.exit(1);
  }
  verifyTimes.push(result.ms);
}

const proveMs = median(proveTimes);
const verifyMs = median(verifyTimes);
const ratio = proveMs / verifyMs;
const assemblyPercent = (median(assemblyShares) * 100).toFixed(1);
console.log(`prove (median of ${PROVE_RUNS}): ${proveMs.toFixed(0)} ms`);
console.log(`proof assembly adds ${assemblyPercent} % to the squarings (median)`);
console.log(`verify (median of ${VERIFY_RUNS}): ${verifyMs.toFixed(3)} ms`);
console.log(`prove/verify ratio: ${ratio.toFixed(0)} (minimum ${MINIMUM_RATIO})`);
if (ratio < MINIMUM_RATIO) {
  console.error(`FAIL: proving is only ${ratio.toFixed(0)} times slower than verifying`);
  process.exit(1);
}
