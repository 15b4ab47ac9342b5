import { assertNever } from '../compute.errors';
import {
  PLACEMENT_FILTERS,
  PlacementFilter,
  PlacementRejections,
  PlacementRequest,
  PlacementStrategy,
} from './placement.types';

export function emptyRejections(): PlacementRejections {
  const rejected = {} as PlacementRejections;
  for (const filter of PLACEMENT_FILTERS) rejected[filter] = 0;
  return rejected;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Why `count` nodes were turned away by `filter`, as the end of a sentence. */
export function describeRejection(filter: PlacementFilter, count: number, request: PlacementRequest): string {
  switch (filter) {
    case 'class':
      return `${plural(count, 'is an edge node', 'are edge nodes')} (VMs run on bare-metal and datacenter nodes only)`;
    case 'virtualization':
      return plural(count, 'lacks virtualization', 'lack virtualization');
    case 'architecture':
      return plural(count, `is not ${request.arch}`, `are not ${request.arch}`);
    case 'pin':
      return plural(count, 'is not', 'are not') + ` node ${request.pinnedNodeId}, where the VM's local volume or root-disk snapshot is`;
    case 'zone':
      return plural(count, 'is in another zone', 'are in another zone');
    case 'status':
      return plural(count, 'is not active', 'are not active');
    case 'eligibility':
      return plural(count, 'is not eligible this epoch', 'are not eligible this epoch');
    case 'vcpu':
      return plural(count, 'lacks free vCPUs', 'lack free vCPUs');
    case 'memory':
      return plural(count, 'lacks free memory', 'lack free memory');
    case 'disk':
      return plural(count, 'lacks free disk', 'lack free disk');
    case 'gpu': {
      const what = request.gpus?.model ? `free ${request.gpus.model} GPUs` : 'free GPUs';
      return plural(count, `lacks ${what}`, `lack ${what}`);
    }
    case 'antiAffinity':
      return (
        plural(count, 'already hosts', 'already host') + ` a VM of anti-affinity group ${request.antiAffinityGroup}`
      );
    default:
      return assertNever(filter);
  }
}

/**
 * The one-sentence summary shown to users. Reasons are listed most common
 * first (ties in filter order) because the biggest number is usually the one
 * to act on.
 */
export function placementMessage(
  request: PlacementRequest,
  nodesConsidered: number,
  feasible: number,
  rejected: PlacementRejections,
  chosenNodeId: string | null,
  strategy: PlacementStrategy,
): string {
  if (chosenNodeId !== null) {
    return `Placed on node ${chosenNodeId} (${strategy}) among ${plural(feasible, 'feasible node', 'feasible nodes')}.`;
  }
  const reasons = PLACEMENT_FILTERS.map((filter, order) => ({ filter, order, count: rejected[filter] }))
    .filter((reason) => reason.count > 0)
    .sort((a, b) => b.count - a.count || a.order - b.order)
    .map((reason) => describeRejection(reason.filter, reason.count, request));
  const considered = plural(nodesConsidered, 'node considered', 'nodes considered');
  return reasons.length === 0 ? `No node fits: ${considered}.` : `No node fits: ${considered}; ${reasons.join(', ')}.`;
}
