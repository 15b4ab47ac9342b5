export const BASIS_POINTS = 10_000;

export interface FeeSplit {
  operatorShare: bigint;
  platformFee: bigint;
}

/**
 * Splits a charge between the node operator and the platform. The fee is
 * rounded down — floor(charge × bps / 10000) — and the operator gets the rest,
 * so the two always add up to exactly the charge and any rounding favours the
 * operator.
 */
export function splitCharge(charge: bigint, feeBps: number): FeeSplit {
  if (charge < 0n) throw new RangeError('charge must not be negative');
  if (!Number.isInteger(feeBps) || feeBps < 0 || feeBps > BASIS_POINTS) {
    throw new RangeError(`feeBps must be an integer between 0 and ${BASIS_POINTS}`);
  }
  const platformFee = (charge * BigInt(feeBps)) / BigInt(BASIS_POINTS);
  return { operatorShare: charge - platformFee, platformFee };
}
