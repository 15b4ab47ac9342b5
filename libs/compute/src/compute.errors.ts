/**
 * Stable, machine-readable codes for the compute context. The HTTP layer maps
 * each code to a problem+json status in one exhaustive switch, so a code added
 * here cannot be forgotten there.
 */
export const COMPUTE_ERROR_CODES = [
  /** The VM's current status does not allow the action or event (409). */
  'vm.invalid_transition',
  /** Reset re-images the root disk, which only transient VMs allow (422). */
  'vm.reset_requires_transient',
  'vm.invalid_name',
  'vm.invalid_id',
  'zone.invalid_name',
  'entrypoint.invalid_base_domain',
  'entrypoint.name_too_long',
  'udp_port.invalid_pool',
  'placement.invalid_request',
] as const;

export type ComputeErrorCode = (typeof COMPUTE_ERROR_CODES)[number];

export class ComputeError extends Error {
  constructor(
    readonly code: ComputeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ComputeError';
  }
}

/** Ends a switch that must handle every member of a union; fails to compile when one is missed. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}
