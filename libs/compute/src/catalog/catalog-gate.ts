import type { AdvisoryLock } from '@statemesh/database';
import type { CatalogKind } from './catalog.types';

/**
 * How VM creates and changes to the catalog keep out of each other's way
 * without row locks on the catalog rows (which every create would share-lock,
 * making PostgreSQL write MultiXacts for the hottest rows of the database).
 *
 * Each entry has a gate, an advisory lock named after it. A create holds its
 * three entries' gates shared from before it re-reads them until it commits.
 * Retiring, changing or deleting an entry holds its gate exclusively while it
 * writes. So a change waits for the creates that already read the entry, and
 * a create that comes later waits for the change and then reads what it
 * committed: no VM is ever created on an entry retired or deleted before the
 * VM's transaction committed.
 */
export function catalogGate(kind: CatalogKind, name: string, mode: AdvisoryLock['mode']): AdvisoryLock {
  return { key: `catalog:${kind}:${name}`, mode };
}

/** The shared gates of the entries a new VM is made of. */
export function catalogGatesForVm(names: { zone: string; image: string; instanceType: string }): AdvisoryLock[] {
  return [catalogGate('zone', names.zone, 'shared'), catalogGate('image', names.image, 'shared'), catalogGate('instanceType', names.instanceType, 'shared')];
}
