import { defineErrors } from '@statemesh/common';

export const NodesErrors = defineErrors({
  'node.name_taken': { status: 409, title: 'A node with this name exists in the account' },
  'node.public_key_taken': { status: 409, title: 'This public key belongs to another node' },
  'node.invalid_public_key': { status: 422, title: 'The public key is not an Ed25519 public key' },
  'node.below_minimum_hardware': { status: 422, title: 'The node does not meet the minimum hardware requirement' },
  'node.decommissioned': { status: 409, title: 'The node is decommissioned' },
  'node.not_jailed': { status: 409, title: 'The node is not jailed' },
  'agent.unauthenticated': { status: 401, title: 'A node session is required' },
  'agent.invalid_challenge': { status: 401, title: 'The session challenge is unknown, used or expired' },
  'agent.invalid_signature': { status: 401, title: 'The challenge signature does not verify' },
  'proof.wrong_iterations': { status: 422, title: 'The proof uses another delay than the platform' },
  'proof.stale_epoch': { status: 409, title: 'The proof is for an epoch that has closed' },
  'proof.too_early': { status: 409, title: 'The previous proof is too recent' },
  'proof.wrong_epoch': { status: 422, title: 'The proof names an epoch that is not open' },
  'proof.replayed': { status: 422, title: 'The proof was already presented' },
  'proof.broken_chain': { status: 422, title: 'The proof does not extend the node’s chain' },
  'proof.wrong_input': { status: 422, title: 'The proof is not on the node’s challenge' },
  'proof.too_fast': { status: 422, title: 'The proof arrived sooner than its delay allows' },
  'proof.invalid': { status: 422, title: 'The VDF output or proof does not verify' },
});
