import type { NodeClass as DbNodeClass } from '@statemesh/database';

/** Hardware classes. VMs run only on `bare-metal` and `datacenter` nodes with virtualization. */
export const NODE_CLASSES = ['bare-metal', 'datacenter', 'edge'] as const;
export type NodeClass = (typeof NODE_CLASSES)[number];

/** Classes that may ever host VMs (with the virtualization flag). */
export const VM_HOST_CLASSES: readonly NodeClass[] = ['bare-metal', 'datacenter'];

export const NODE_STATUSES = ['candidate', 'active', 'standby', 'unreachable', 'draining', 'decommissioned', 'jailed'] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number];

export const NODE_ARCHES = ['x86_64', 'arm64'] as const;
export type NodeArch = (typeof NODE_ARCHES)[number];

export const JAIL_REASONS = ['invalid_proofs', 'absence', 'admin'] as const;
export type JailReason = (typeof JAIL_REASONS)[number];

export interface GpuInventory {
  model: string;
  count: number;
}

// The database enum cannot hold a hyphen in its Prisma name; the API spelling is the contract.
const TO_DB: Record<NodeClass, DbNodeClass> = { 'bare-metal': 'bare_metal', datacenter: 'datacenter', edge: 'edge' };
const FROM_DB: Record<DbNodeClass, NodeClass> = { bare_metal: 'bare-metal', datacenter: 'datacenter', edge: 'edge' };

export function nodeClassToDb(value: NodeClass): DbNodeClass {
  return TO_DB[value];
}

export function nodeClassFromDb(value: DbNodeClass): NodeClass {
  return FROM_DB[value];
}

/** GPUs as stored (a JSON column): only well-formed entries survive. */
export function readGpus(value: unknown): GpuInventory[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((gpu): gpu is GpuInventory => !!gpu && typeof gpu.model === 'string' && Number.isInteger(gpu.count) && gpu.count > 0)
    .map((gpu) => ({ model: gpu.model, count: gpu.count }));
}
