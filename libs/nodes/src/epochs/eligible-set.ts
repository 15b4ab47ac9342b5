import { createHash } from 'node:crypto';

const TAG = 'statemesh/epoch-eligible-set/v1';

/** The eligible set in its one canonical order (sorted, without duplicates). */
export function canonicalNodeSet(nodeIds: Iterable<string>): string[] {
  return [...new Set(nodeIds)].sort();
}

/**
 * A commitment to the set of nodes eligible in an epoch: SHA-256 over the
 * sorted ids, each length-prefixed, under a domain tag. Anyone holding the
 * list can recompute it; any change to the list changes it.
 */
export function eligibleSetHash(nodeIds: Iterable<string>): string {
  const hash = createHash('sha256');
  const prefixed = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  };
  prefixed(TAG);
  const ids = canonicalNodeSet(nodeIds);
  const count = Buffer.alloc(4);
  count.writeUInt32BE(ids.length);
  hash.update(count);
  for (const id of ids) prefixed(id);
  return hash.digest('hex');
}
