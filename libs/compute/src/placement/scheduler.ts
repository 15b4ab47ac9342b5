import { ComputeError } from '../compute.errors';
import { emptyRejections, placementMessage } from './placement-explanation';
import {
  CandidateNode,
  GpuRequest,
  PLACEMENT_FILTERS,
  PlacementDecision,
  PlacementRequest,
  SchedulerOptions,
  ScoreWeights,
} from './placement.types';

export const DEFAULT_RANK_LIMIT = 16;
export const DEFAULT_SCORE_WEIGHTS: Readonly<ScoreWeights> = { vcpu: 1, memoryMib: 1, diskGib: 0.5 };

// Filter indices, in PLACEMENT_FILTERS order; the hot loop counts into a
// numeric array rather than a keyed object.
const CLASS = 0;
const VIRTUALIZATION = 1;
const ARCHITECTURE = 2;
const PIN = 3;
const ZONE = 4;
const STATUS = 5;
const ELIGIBILITY = 6;
const VCPU = 7;
const MEMORY = 8;
const DISK = 9;
const GPU = 10;
const ANTI_AFFINITY = 11;
const FEASIBLE = -1;

/**
 * Picks the node a VM should run on.
 *
 * Every candidate goes through the filters in PLACEMENT_FILTERS order and is
 * counted against the first one that rejects it. Survivors are scored by how
 * much of the node would be left free after placing the VM:
 *
 *   leftover = Σ w_r · (capacity_r − allocated_r − requested_r) / capacity_r  /  Σ w_r
 *
 * over r ∈ {vCPU, memory, disk} (a resource the node has none of counts as
 * 0 free). `binpack` prefers the smallest leftover (fill nodes up, keep whole
 * nodes free for large VMs), `spread` the largest (spread load and blast
 * radius). Equal scores go to the smaller node id, so a decision never
 * depends on the order candidates arrive in.
 *
 * A decision is O(n log k) for n candidates and a rank limit k: only the best
 * k survivors are kept, in a bounded heap, instead of sorting all of them.
 * The heap buffers belong to the instance and are reused across decisions;
 * `place` is synchronous, so one instance can serve a whole worker.
 */
export class PlacementScheduler {
  private readonly rankLimit: number;
  private readonly weights: ScoreWeights;
  private readonly weightTotal: number;
  private heapNodes = new Int32Array(0);
  private heapKeys = new Float64Array(0);

  constructor(options: SchedulerOptions = {}) {
    const rankLimit = options.rankLimit ?? DEFAULT_RANK_LIMIT;
    if (!(rankLimit >= 1) || (Number.isFinite(rankLimit) && !Number.isInteger(rankLimit))) {
      throw new RangeError(`rankLimit must be a positive integer or Infinity (got ${rankLimit})`);
    }
    this.rankLimit = rankLimit;
    this.weights = { ...DEFAULT_SCORE_WEIGHTS, ...options.weights };
    for (const [resource, weight] of Object.entries(this.weights)) {
      if (!(weight >= 0) || !Number.isFinite(weight)) {
        throw new RangeError(`weight of ${resource} must be a finite non-negative number (got ${weight})`);
      }
    }
    this.weightTotal = this.weights.vcpu + this.weights.memoryMib + this.weights.diskGib;
    if (this.weightTotal === 0) throw new RangeError('at least one score weight must be positive');
  }

  place(request: PlacementRequest, candidates: readonly CandidateNode[]): PlacementDecision {
    assertValidRequest(request);
    const counts = new Array<number>(PLACEMENT_FILTERS.length).fill(0);
    const capacity = Math.min(this.rankLimit, candidates.length);
    if (this.heapNodes.length < capacity) {
      this.heapNodes = new Int32Array(capacity);
      this.heapKeys = new Float64Array(capacity);
    }
    const heapNodes = this.heapNodes;
    const heapKeys = this.heapKeys;
    let heapSize = 0;
    let feasible = 0;
    // Lower key is better for both strategies: spread negates the leftover.
    const sign = request.strategy === 'binpack' ? 1 : -1;

    for (let index = 0; index < candidates.length; index++) {
      const node = candidates[index];
      const rejection = firstRejection(node, request);
      if (rejection !== FEASIBLE) {
        counts[rejection]++;
        continue;
      }
      feasible++;
      const key = sign * this.leftover(node, request);
      if (heapSize < capacity) {
        // Sift up: the heap keeps the worst of the kept nodes at the root.
        let child = heapSize++;
        while (child > 0) {
          const parent = (child - 1) >> 1;
          const parentNode = heapNodes[parent];
          if (!isBetter(heapKeys[parent], candidates[parentNode].id, key, node.id)) break;
          heapNodes[child] = parentNode;
          heapKeys[child] = heapKeys[parent];
          child = parent;
        }
        heapNodes[child] = index;
        heapKeys[child] = key;
      } else if (isBetter(key, node.id, heapKeys[0], candidates[heapNodes[0]].id)) {
        // Replace the worst kept node and sift down.
        let parent = 0;
        for (;;) {
          const left = 2 * parent + 1;
          if (left >= heapSize) break;
          let worse = left;
          const right = left + 1;
          if (
            right < heapSize &&
            isBetter(heapKeys[left], candidates[heapNodes[left]].id, heapKeys[right], candidates[heapNodes[right]].id)
          ) {
            worse = right;
          }
          if (!isBetter(key, node.id, heapKeys[worse], candidates[heapNodes[worse]].id)) break;
          heapNodes[parent] = heapNodes[worse];
          heapKeys[parent] = heapKeys[worse];
          parent = worse;
        }
        heapNodes[parent] = index;
        heapKeys[parent] = key;
      }
    }

    const kept = Array.from({ length: heapSize }, (_, slot) => slot);
    kept.sort((a, b) => {
      const idA = candidates[heapNodes[a]].id;
      const idB = candidates[heapNodes[b]].id;
      return isBetter(heapKeys[a], idA, heapKeys[b], idB) ? -1 : isBetter(heapKeys[b], idB, heapKeys[a], idA) ? 1 : 0;
    });
    const ranked = kept.map((slot) => candidates[heapNodes[slot]].id);
    const chosenNodeId = ranked.length > 0 ? ranked[0] : null;
    const rejected = emptyRejections();
    PLACEMENT_FILTERS.forEach((filter, index) => (rejected[filter] = counts[index]));
    return {
      ranked,
      chosenNodeId,
      explanation: {
        nodesConsidered: candidates.length,
        feasible,
        rejected,
        chosenNodeId,
        strategy: request.strategy,
        message: placementMessage(request, candidates.length, feasible, rejected, chosenNodeId, request.strategy),
      },
    };
  }

  /** Weighted share of the node left free once the VM is placed, in [0, 1]. */
  private leftover(node: CandidateNode, request: PlacementRequest): number {
    const capacity = node.capacity;
    const allocated = node.allocated;
    const weights = this.weights;
    return (
      (weights.vcpu * freeShare(capacity.vcpu, allocated.vcpu, request.vcpu) +
        weights.memoryMib * freeShare(capacity.memoryMib, allocated.memoryMib, request.memoryMib) +
        weights.diskGib * freeShare(capacity.diskGib, allocated.diskGib, request.diskGib)) /
      this.weightTotal
    );
  }
}

function freeShare(capacity: number, allocated: number, requested: number): number {
  return capacity > 0 ? (capacity - allocated - requested) / capacity : 0;
}

/** Strict "a ranks before b": lower key, then lower id. */
function isBetter(keyA: number, idA: string, keyB: number, idB: string): boolean {
  return keyA < keyB || (keyA === keyB && idA < idB);
}

/** Index of the first filter that rejects the node, or FEASIBLE. */
function firstRejection(node: CandidateNode, request: PlacementRequest): number {
  if (node.class !== 'bare-metal' && node.class !== 'datacenter') return CLASS;
  if (!node.virtualization) return VIRTUALIZATION;
  if (node.arch !== request.arch) return ARCHITECTURE;
  if (request.pinnedNodeId !== undefined && node.id !== request.pinnedNodeId) return PIN;
  if (node.zone !== request.zone) return ZONE;
  if (node.status !== 'active') return STATUS;
  if (!node.eligible) return ELIGIBILITY;
  const capacity = node.capacity;
  const allocated = node.allocated;
  if (capacity.vcpu - allocated.vcpu < request.vcpu) return VCPU;
  if (capacity.memoryMib - allocated.memoryMib < request.memoryMib) return MEMORY;
  if (capacity.diskGib - allocated.diskGib < request.diskGib) return DISK;
  if (request.gpus !== undefined && request.gpus.count > 0 && freeGpuModel(node, request.gpus) === null) return GPU;
  const group = request.antiAffinityGroup;
  if (group !== undefined) {
    const groups = node.antiAffinityGroups;
    if (isReadonlyArray(groups) ? groups.includes(group) : groups.has(group)) return ANTI_AFFINITY;
  }
  return FEASIBLE;
}

function isReadonlyArray(value: ReadonlySet<string> | readonly string[]): value is readonly string[] {
  return Array.isArray(value);
}

/**
 * The GPU model to reserve on `node` for `gpus`, or null when no single model
 * has enough free cards. A VM's GPUs are all of one model; the first model in
 * the node's inventory order that fits wins, so the answer is deterministic.
 * Expects one inventory entry per model.
 */
export function freeGpuModel(node: CandidateNode, gpus: GpuRequest): string | null {
  const inventory = node.capacity.gpus;
  for (let i = 0; i < inventory.length; i++) {
    const model = inventory[i].model;
    if (gpus.model !== undefined && model !== gpus.model) continue;
    let used = 0;
    const allocated = node.allocated.gpus;
    for (let j = 0; j < allocated.length; j++) if (allocated[j].model === model) used += allocated[j].count;
    if (inventory[i].count - used >= gpus.count) return model;
  }
  return null;
}

function assertValidRequest(request: PlacementRequest): void {
  const problems: string[] = [];
  for (const field of ['vcpu', 'memoryMib', 'diskGib'] as const) {
    const value = request[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      problems.push(`${field} must be a finite non-negative number`);
    }
  }
  if (request.gpus !== undefined && !(Number.isInteger(request.gpus.count) && request.gpus.count >= 0)) {
    problems.push('gpus.count must be a non-negative integer');
  }
  if (request.strategy !== 'binpack' && request.strategy !== 'spread') {
    problems.push("strategy must be 'binpack' or 'spread'");
  }
  if (problems.length > 0) {
    throw new ComputeError('placement.invalid_request', `Invalid placement request: ${problems.join('; ')}`);
  }
}
