/**
 * What a VM costs per hour under a price list: its instance type's hourly
 * price plus every public UDP port it holds. An instance type the list does
 * not price costs nothing (the list is expected to price the whole catalog).
 */

/** The parts of a price list a VM's price depends on. */
export interface VmPriceList {
  instanceTypePerHour: ReadonlyMap<string, bigint>;
  publicUdpPortPerHour: bigint;
}

export interface VmPriceInput {
  instanceType: string;
  /** Public UDP ports the VM holds. */
  udpPorts: number;
}

export function hourlyPriceOfVm(vm: VmPriceInput, prices: VmPriceList): bigint {
  if (!Number.isSafeInteger(vm.udpPorts) || vm.udpPorts < 0) throw new RangeError('udpPorts must be a non-negative integer');
  return (prices.instanceTypePerHour.get(vm.instanceType) ?? 0n) + BigInt(vm.udpPorts) * prices.publicUdpPortPerHour;
}

/**
 * The balance an account needs to run resources costing `perHour` for
 * `hours` (fractional hours allowed, to the micro-hour), rounded up: a
 * runway check never lets through a balance a micro-unit short.
 */
export function requiredBalance(perHour: bigint, hours: number): bigint {
  if (perHour < 0n) throw new RangeError('perHour must not be negative');
  if (!Number.isFinite(hours) || hours < 0) throw new RangeError('hours must be a non-negative number');
  const microHours = BigInt(Math.round(hours * 1_000_000));
  return (perHour * microHours + 999_999n) / 1_000_000n;
}
