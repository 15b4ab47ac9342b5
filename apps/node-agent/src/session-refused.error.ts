/**
 * The node cannot open sessions and retrying will not change that: it is
 * unknown or decommissioned, or the key is not the node's.
 */
export class SessionRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionRefusedError';
  }
}
