import { modPow } from './bigint-math';

// Primality of the challenge prime decides soundness: if verifier and prover
// accepted a composite l, a forger could aim for one with small factors. No
// proven deterministic Miller–Rabin base set is known for 128-bit numbers (the
// published ones stop near 2^81), so we use Baillie–PSW: trial division,
// Miller–Rabin to base 2, then a strong Lucas test with Selfridge's
// parameters. It is deterministic (every machine gets the same answer), no
// composite is known to pass it at any size (none exists below 2^64), and the
// candidates come from SHA-256, so nobody can steer them toward a rare
// pseudoprime. Each further Miller–Rabin base would add about 25 µs to every
// verification, for no assurance that matters here.

const TRIAL_DIVISION_LIMIT = 1000;
const SMALL_PRIMES = primesBelow(TRIAL_DIVISION_LIMIT);

// Trial division is where most candidates die; dividing once by a product of
// several small primes and finishing in float-safe numbers keeps it cheap.
const TRIAL_GROUPS = groupPrimes(SMALL_PRIMES);

function primesBelow(limit: number): number[] {
  const composite = new Uint8Array(limit);
  const primes: number[] = [];
  for (let i = 2; i < limit; i++) {
    if (composite[i]) continue;
    primes.push(i);
    for (let j = i * i; j < limit; j += i) composite[j] = 1;
  }
  return primes;
}

function groupPrimes(primes: number[]): { product: bigint; primes: number[] }[] {
  const groups: { product: bigint; primes: number[] }[] = [];
  let current: number[] = [];
  let product = 1;
  for (const prime of primes) {
    if (product * prime > Number.MAX_SAFE_INTEGER) {
      groups.push({ product: BigInt(product), primes: current });
      current = [];
      product = 1;
    }
    current.push(prime);
    product *= prime;
  }
  if (current.length > 0) groups.push({ product: BigInt(product), primes: current });
  return groups;
}

export function isProbablePrime(n: bigint): boolean {
  if (n < 2n) return false;
  if (n < BigInt(TRIAL_DIVISION_LIMIT)) return SMALL_PRIMES.includes(Number(n));
  for (const group of TRIAL_GROUPS) {
    const residue = Number(n % group.product);
    for (const prime of group.primes) if (residue % prime === 0) return false;
  }
  if (n < BigInt(TRIAL_DIVISION_LIMIT * TRIAL_DIVISION_LIMIT)) return true;
  return isStrongProbablePrime(n, 2n) && isStrongLucasProbablePrime(n);
}

/** Miller–Rabin to one base; `n` odd and greater than `base`. */
export function isStrongProbablePrime(n: bigint, base: bigint): boolean {
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  let x = base === 2n ? powerOfTwo(d, n) : modPow(base, d, n);
  if (x === 1n || x === n - 1n) return true;
  for (let r = 1; r < s; r++) {
    x = (x * x) % n;
    if (x === n - 1n) return true;
    if (x === 1n) return false;
  }
  return false;
}

/** 2^e mod n, where multiplying by the base is a shift: most candidates die here. */
function powerOfTwo(exponent: bigint, n: bigint): bigint {
  let result = 1n;
  for (const bit of exponent.toString(2)) {
    result = (result * result) % n;
    if (bit === '1') {
      result <<= 1n;
      if (result >= n) result -= n;
    }
  }
  return result;
}

/** Strong Lucas probable-prime test, Selfridge's method A (P = 1); `n` odd, > 2. */
export function isStrongLucasProbablePrime(n: bigint): boolean {
  const d = selfridgeD(n);
  if (d === undefined) return false;
  const mod = (value: bigint) => ((value % n) + n) % n;
  const half = (value: bigint) => ((value & 1n) === 1n ? (value + n) >> 1n : value >> 1n);
  const dMod = mod(d);
  const q = mod((1n - d) / 4n);

  let k = n + 1n;
  let s = 0;
  while ((k & 1n) === 0n) {
    k >>= 1n;
    s++;
  }
  // U_1 = 1, V_1 = P = 1; walk the bits of k, doubling and stepping by one.
  let u = 1n;
  let v = 1n;
  let qk = q;
  const bits = k.toString(2);
  for (let i = 1; i < bits.length; i++) {
    u = (u * v) % n;
    v = mod(v * v - 2n * qk);
    qk = (qk * qk) % n;
    if (bits[i] === '1') {
      const nextU = half((u + v) % n);
      v = half((dMod * u + v) % n);
      u = nextU;
      qk = (qk * q) % n;
    }
  }
  if (u === 0n || v === 0n) return true;
  for (let r = 1; r < s; r++) {
    v = mod(v * v - 2n * qk);
    qk = (qk * qk) % n;
    if (v === 0n) return true;
  }
  return false;
}

/** First D in 5, -7, 9, -11, … with Jacobi (D/n) = -1; undefined when n is visibly composite. */
function selfridgeD(n: bigint): bigint | undefined {
  let d = 5n;
  for (let attempt = 0; ; attempt++) {
    const symbol = jacobi(d, n);
    if (symbol === -1) return d;
    if (symbol === 0 && (d < 0n ? -d : d) !== n) return undefined;
    // A perfect square never yields -1; check once the search runs long.
    if (attempt === 8 && isPerfectSquare(n)) return undefined;
    d = d > 0n ? -(d + 2n) : -d + 2n;
  }
}

function jacobi(a: bigint, n: bigint): number {
  let top = ((a % n) + n) % n;
  let bottom = n;
  let result = 1;
  while (top !== 0n) {
    while ((top & 1n) === 0n) {
      top >>= 1n;
      const r = bottom & 7n;
      if (r === 3n || r === 5n) result = -result;
    }
    [top, bottom] = [bottom, top];
    if ((top & 3n) === 3n && (bottom & 3n) === 3n) result = -result;
    top %= bottom;
  }
  return bottom === 1n ? result : 0;
}

function isPerfectSquare(n: bigint): boolean {
  if (n < 0n) return false;
  if (n < 2n) return true;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  // Newton steps from the float estimate, which is close but not exact past 2^53.
  for (;;) {
    const next = (x + n / x) >> 1n;
    if (next >= x && x * x <= n) break;
    x = next;
  }
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x * x === n;
}
