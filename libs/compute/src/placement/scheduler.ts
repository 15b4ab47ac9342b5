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
    const ranking = this.rank(request, candidates);
    return decisionOf(request, candidates, ranking.counts, ranking.feasible, ranking.kept.map((slot) => candidates[slot.index].id));
  }

  /**
   * Decisions taken one after another over the same candidates, each
   * seeing the capacity the earlier ones took (`PlacementSequence`).
   */
  sequence(candidates: readonly CandidateNode[]): PlacementSequence {
    return new PlacementSequence(this, candidates);
  }

  /**
   * One pass over the candidates: the rejection counts, the feasible count,
   * and the best `rankLimit` feasible nodes (index and key), best first.
   */
  rank(request: PlacementRequest, candidates: readonly CandidateNode[]): Ranking {
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

    const kept: RankedSlot[] = Array.from({ length: heapSize }, (_, slot) => ({ index: heapNodes[slot], key: heapKeys[slot] }));
    kept.sort((a, b) => compareSlots(a, b, candidates));
    return { counts, feasible, kept };
  }

  /** The key a feasible node ranks by for the request: lower is better. */
  keyOf(node: CandidateNode, request: PlacementRequest): number {
    return (request.strategy === 'binpack' ? 1 : -1) * this.leftover(node, request);
  }

  get limit(): number {
    return this.rankLimit;
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

function compareSlots(a: RankedSlot, b: RankedSlot, nodes: readonly CandidateNode[]): number {
  const idA = nodes[a.index].id;
  const idB = nodes[b.index].id;
  return isBetter(a.key, idA, b.key, idB) ? -1 : isBetter(b.key, idB, a.key, idA) ? 1 : 0;
}

function decisionOf(request: PlacementRequest, candidates: readonly CandidateNode[], counts: readonly number[], feasible: number, ranked: string[]): PlacementDecision {
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

/** A kept node of a ranking: its index among the candidates and its key. */
interface RankedSlot {
  index: number;
  key: number;
}

/** The result of one ranking pass (`PlacementScheduler.rank`). */
export interface Ranking {
  /** Nodes rejected, by filter index in PLACEMENT_FILTERS order. */
  counts: number[];
  feasible: number;
  /** The best feasible nodes, best first. */
  kept: RankedSlot[];
}

/** What a sequence knows about one request shape, kept true after every `take`. */
interface Standing {
  request: PlacementRequest;
  counts: number[];
  feasible: number;
  /**
   * The best `kept.length` feasible nodes, best first: every feasible node
   * not in it ranks after all of them. Shrinks as takes push nodes out of
   * it; ranked afresh when empty while feasible nodes remain.
   */
  kept: RankedSlot[];
}

/**
 * Decisions taken one after another over the same candidates, each seeing
 * the capacity the earlier ones took (a placement round). Each decision
 * equals `PlacementScheduler.place` over the candidates as the earlier takes
 * left them — chosen node, rejection counts, feasible count, message — at a
 * fraction of the cost: the counts and the best nodes of a request shape
 * are ranked once and then only corrected for the one node each `take`
 * changes, instead of filtering every candidate again. `ranked` holds the
 * best nodes known without ranking again: a best-first prefix of what
 * `place` would rank, never empty when a node fits.
 *
 * The candidates given are not modified; the sequence works on a copy in
 * which taken nodes are replaced.
 */
export class PlacementSequence {
  private readonly nodes: CandidateNode[];
  private indexById: Map<string, number> | undefined;
  private readonly standings = new Map<string, Standing>();

  constructor(
    private readonly scheduler: PlacementScheduler,
    candidates: readonly CandidateNode[],
  ) {
    this.nodes = candidates.slice();
  }

  place(request: PlacementRequest): PlacementDecision {
    assertValidRequest(request);
    const shape = shapeOf(request);
    let standing = this.standings.get(shape);
    if (standing === undefined || (standing.kept.length === 0 && standing.feasible > 0)) {
      standing = { request, ...this.scheduler.rank(request, this.nodes) };
      this.standings.set(shape, standing);
    }
    return decisionOf(request, this.nodes, standing.counts, standing.feasible, standing.kept.map((slot) => this.nodes[slot.index].id));
  }

  /** Takes what `request` asks for on the node (GPUs of the first model that fits), for every later decision. */
  take(nodeId: string, request: PlacementRequest): void {
    const index = this.indexOf(nodeId);
    const before = this.nodes[index];
    const after = withTaken(before, request);
    this.nodes[index] = after;
    for (const standing of this.standings.values()) this.correct(standing, index, before, after);
  }

  /**
   * Where the node is among the candidates. The node taken is nearly always
   * one a standing keeps (the decision just chose it), so a round of a few
   * VMs looks it up there instead of indexing every candidate first.
   */
  private indexOf(nodeId: string): number {
    for (const standing of this.standings.values()) {
      for (const slot of standing.kept) if (this.nodes[slot.index].id === nodeId) return slot.index;
    }
    this.indexById ??= new Map(this.nodes.map((node, index) => [node.id, index]));
    const index = this.indexById.get(nodeId);
    if (index === undefined) throw new RangeError(`node ${nodeId} is not a candidate of this sequence`);
    return index;
  }

  private correct(standing: Standing, index: number, before: CandidateNode, after: CandidateNode): void {
    const was = firstRejection(before, standing.request);
    const now = firstRejection(after, standing.request);
    if (was === FEASIBLE) standing.feasible--;
    else standing.counts[was]--;
    if (now === FEASIBLE) standing.feasible++;
    else standing.counts[now]++;
    const kept = standing.kept;
    const at = kept.findIndex((slot) => slot.index === index);
    if (at >= 0) kept.splice(at, 1);
    if (now !== FEASIBLE) return;
    const slot = { index, key: this.scheduler.keyOf(after, standing.request) };
    const unranked = standing.feasible - 1 - kept.length;
    // Nodes outside `kept` rank after all of it: the node joins only where that stays true.
    if (unranked > 0 && (kept.length === 0 || compareSlots(slot, kept[kept.length - 1], this.nodes) > 0)) return;
    let position = kept.length;
    while (position > 0 && compareSlots(slot, kept[position - 1], this.nodes) < 0) position--;
    kept.splice(position, 0, slot);
    if (kept.length > this.scheduler.limit) kept.pop();
  }
}

/** Requests that filter and rank nodes alike share a standing. */
function shapeOf(request: PlacementRequest): string {
  const gpus = request.gpus;
  return [
    request.vcpu,
    request.memoryMib,
    request.diskGib,
    gpus?.count ?? 0,
    gpus?.model ?? '',
    request.zone,
    request.arch,
    request.pinnedNodeId ?? '',
    request.antiAffinityGroup ?? '',
    request.strategy,
  ].join('\u0000');
}

/** The node once `request` is placed on it. An object literal, not a spread: see `firstRejection`. */
function withTaken(node: CandidateNode, request: PlacementRequest): CandidateNode {
  const allocated = node.allocated;
  const gpus = request.gpus;
  const model = gpus !== undefined && gpus.count > 0 ? freeGpuModel(node, gpus) : null;
  return {
    id: node.id,
    zone: node.zone,
    class: node.class,
    arch: node.arch,
    virtualization: node.virtualization,
    status: node.status,
    eligible: node.eligible,
    capacity: node.capacity,
    allocated: {
      vcpu: allocated.vcpu + request.vcpu,
      memoryMib: allocated.memoryMib + request.memoryMib,
      diskGib: allocated.diskGib + request.diskGib,
      gpus: model === null || gpus === undefined ? allocated.gpus : [...allocated.gpus, { model, count: gpus.count }],
    },
    antiAffinityGroups: node.antiAffinityGroups,
  };
}

/**
 * Index of the first filter that rejects the node, or FEASIBLE. Runs for
 * every candidate of a ranking: it is fast only while the candidates share
 * few hidden classes, so callers build them with one object literal each
 * (not `{ ...node }`, which gives nearly every copy a shape of its own).
 */
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
