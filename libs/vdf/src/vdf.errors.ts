/**
 * Stable codes, so the HTTP layer can map each to a problem type:
 * - `vdf.malformed`: a value is not in its wire format (hex of the wrong length, case or alphabet);
 * - `vdf.out-of-range`: well-formed, but not a canonical group element (zero, or above (N-1)/2);
 * - `vdf.invalid-iterations`: the delay parameter is not a positive safe integer;
 * - `vdf.aborted`: the caller's `shouldAbort` hook stopped a proof.
 */
export type VdfErrorCode = 'vdf.malformed' | 'vdf.out-of-range' | 'vdf.invalid-iterations' | 'vdf.aborted';

export class VdfError extends Error {
  constructor(
    readonly code: VdfErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'VdfError';
  }
}
