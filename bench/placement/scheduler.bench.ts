// Placement throughput at fleet scale: how many decisions per second the pure
// scheduler makes over 10,000 candidate nodes, against a straightforward
// filter → score everything → full sort implementation measured in the same
// run. Both must agree on every decision, so the comparison is like for like.
//
//   npm run -s build && node dist/bench/placement/scheduler.bench.js [decisions]
import { cpus, totalmem } from 'node:os';
import {
  CandidateNode,
  DEFAULT_SCORE_WEIGHTS,
  NodeClass,
  NodeStatus,
  PLACEMENT_FILTERS,
  PlacementFilter,
  PlacementRequest,
  PlacementScheduler,
  emptyRejections,
  placementMessage,
} from '@statemesh/compute';

const FLEET_SIZE = 10_000;
const RANK_LIMIT = 16;
const DECISIONS = Number(process.argv[2] ?? 2000);
const WARMUP = 200;

// mulberry32: a seeded generator so every run measures the same fleet.
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)];
}

const ZONES = ['eu-west', 'eu-central', 'us-east', 'ap-south'];
const GROUPS = Array.from({ length: 50 }, (_, i) => `group-${i}`);

interface FleetShape {
  name: string;
  /** Every node passes the static filters: the most scoring and ranking work per decision. */
  allSchedulable: boolean;
}

function buildFleet(shape: FleetShape, seed: number): CandidateNode[] {
  const next = random(seed);
  return Array.from({ length: FLEET_SIZE }, (_, i) => {
    const vcpu = pick(next, [16, 32, 64, 96, 128]);
    const memoryMib = vcpu * pick(next, [2048, 4096, 8192]);
    const diskGib = pick(next, [500, 1000, 2000, 4000]);
    const hasGpus = next() < 0.1;
    const gpus = hasGpus ? [{ model: pick(next, ['a100', 'h100', 'l4']), count: pick(next, [1, 2, 4, 8]) }] : [];
    const load = next();
    const schedulable = shape.allSchedulable;
    return {
      id: `node-${i.toString(36).padStart(4, '0')}-${Math.floor(next() * 1e6).toString(36)}`,
      zone: schedulable ? 'eu-west' : pick(next, ZONES),
      class: schedulable ? 'datacenter' : pick<NodeClass>(next, ['bare-metal', 'datacenter', 'datacenter', 'edge']),
      arch: schedulable || next() < 0.85 ? 'x86_64' : 'arm64',
      virtualization: schedulable || next() < 0.95,
      status: schedulable
        ? 'active'
        : pick<NodeStatus>(next, [
            ...Array<NodeStatus>(6).fill('active'),
            'standby',
            'draining',
            'unreachable',
            'jailed',
          ]),
      eligible: schedulable || next() < 0.95,
      capacity: { vcpu, memoryMib, diskGib, gpus },
      allocated: {
        vcpu: Math.floor(vcpu * load * next()),
        memoryMib: Math.floor(memoryMib * load * next()),
        diskGib: Math.floor(diskGib * load * next()),
        gpus: hasGpus ? [{ model: gpus[0].model, count: Math.floor(gpus[0].count * load) }] : [],
      },
      antiAffinityGroups: new Set(GROUPS.filter(() => next() < 0.02)),
    };
  });
}

function buildRequests(count: number, seed: number, shape: FleetShape): PlacementRequest[] {
  const next = random(seed);
  const sizes = [1, 2, 4, 8, 16, 32, 64];
  return Array.from({ length: count }, () => {
    const vcpu = pick(next, sizes);
    const request: PlacementRequest = {
      vcpu,
      memoryMib: vcpu * pick(next, [2048, 4096, 8192]),
      diskGib: pick(next, [20, 40, 80, 160]),
      zone: shape.allSchedulable || next() < 0.7 ? 'eu-west' : pick(next, ZONES),
      arch: shape.allSchedulable || next() < 0.9 ? 'x86_64' : 'arm64',
      strategy: next() < 0.7 ? 'binpack' : 'spread',
    };
    if (next() < 0.05) request.gpus = { count: pick(next, [1, 2]), model: next() < 0.5 ? 'a100' : undefined };
    if (next() < 0.3) request.antiAffinityGroup = pick(next, GROUPS);
    return request;
  });
}

/** The first version anyone would write: check each node, score every survivor, sort them all. */
function naivePlace(request: PlacementRequest, nodes: readonly CandidateNode[]) {
  const free = (node: CandidateNode) => ({
    vcpu: node.capacity.vcpu - node.allocated.vcpu,
    memoryMib: node.capacity.memoryMib - node.allocated.memoryMib,
    diskGib: node.capacity.diskGib - node.allocated.diskGib,
  });
  const checks: Record<PlacementFilter, (node: CandidateNode) => boolean> = {
    class: (node) => ['bare-metal', 'datacenter'].includes(node.class),
    virtualization: (node) => node.virtualization,
    architecture: (node) => node.arch === request.arch,
    pin: (node) => request.pinnedNodeId === undefined || node.id === request.pinnedNodeId,
    zone: (node) => node.zone === request.zone,
    status: (node) => node.status === 'active',
    eligibility: (node) => node.eligible,
    vcpu: (node) => free(node).vcpu >= request.vcpu,
    memory: (node) => free(node).memoryMib >= request.memoryMib,
    disk: (node) => free(node).diskGib >= request.diskGib,
    gpu: (node) =>
      !request.gpus ||
      request.gpus.count === 0 ||
      node.capacity.gpus.some(
        (inventory) =>
          (request.gpus!.model === undefined || inventory.model === request.gpus!.model) &&
          inventory.count -
            node.allocated.gpus.filter((g) => g.model === inventory.model).reduce((sum, g) => sum + g.count, 0) >=
            request.gpus!.count,
      ),
    antiAffinity: (node) =>
      request.antiAffinityGroup === undefined ||
      !(Array.isArray(node.antiAffinityGroups)
        ? node.antiAffinityGroups.includes(request.antiAffinityGroup)
        : (node.antiAffinityGroups as ReadonlySet<string>).has(request.antiAffinityGroup)),
  };
  const rejected = emptyRejections();
  const feasible = nodes.filter((node) => {
    const failed = PLACEMENT_FILTERS.find((filter) => !checks[filter](node));
    if (failed) rejected[failed]++;
    return failed === undefined;
  });
  const weights = DEFAULT_SCORE_WEIGHTS;
  const total = weights.vcpu + weights.memoryMib + weights.diskGib;
  const share = (capacity: number, left: number) => (capacity > 0 ? left / capacity : 0);
  const scored = feasible.map((node) => {
    const left = free(node);
    const leftover =
      (weights.vcpu * share(node.capacity.vcpu, left.vcpu - request.vcpu) +
        weights.memoryMib * share(node.capacity.memoryMib, left.memoryMib - request.memoryMib) +
        weights.diskGib * share(node.capacity.diskGib, left.diskGib - request.diskGib)) /
      total;
    return { id: node.id, key: request.strategy === 'binpack' ? leftover : -leftover };
  });
  scored.sort((a, b) => a.key - b.key || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ranked = scored.slice(0, RANK_LIMIT).map((entry) => entry.id);
  const chosenNodeId = ranked[0] ?? null;
  const message = placementMessage(request, nodes.length, feasible.length, rejected, chosenNodeId, request.strategy);
  return { ranked, chosenNodeId, explanation: { rejected, message, feasible: feasible.length } };
}

interface Timing {
  perSecond: number;
  p50: number;
  p99: number;
}

type Place = (request: PlacementRequest) => unknown;

function summarize(micros: Float64Array): Timing {
  const total = micros.reduce((sum, value) => sum + value, 0);
  const sorted = Float64Array.from(micros).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { perSecond: (micros.length * 1e6) / total, p50: at(0.5), p99: at(0.99) };
}

/**
 * Times both implementations on the same requests, interleaved (and in
 * alternating order), so that load from other processes on a small machine
 * lands on both alike. Throughput is decisions over the summed time of that
 * implementation's decisions.
 */
function measure(subject: Place, baseline: Place, requests: PlacementRequest[]): [Timing, Timing] {
  for (let i = 0; i < WARMUP; i++) {
    subject(requests[i % requests.length]);
    baseline(requests[i % requests.length]);
  }
  const subjectMicros = new Float64Array(requests.length);
  const baselineMicros = new Float64Array(requests.length);
  const time = (place: Place, request: PlacementRequest) => {
    const before = process.hrtime.bigint();
    place(request);
    return Number(process.hrtime.bigint() - before) / 1000;
  };
  for (let i = 0; i < requests.length; i++) {
    if (i % 2 === 0) {
      subjectMicros[i] = time(subject, requests[i]);
      baselineMicros[i] = time(baseline, requests[i]);
    } else {
      baselineMicros[i] = time(baseline, requests[i]);
      subjectMicros[i] = time(subject, requests[i]);
    }
  }
  return [summarize(subjectMicros), summarize(baselineMicros)];
}

function format(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function main(): void {
  const cpu = cpus();
  console.log(
    `Placement scheduler benchmark: ${format(FLEET_SIZE)} candidate nodes, ` +
      `${format(DECISIONS)} decisions, rank limit ${RANK_LIMIT}`,
  );
  console.log(
    `node ${process.version}, ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, ` +
      `${format(totalmem() / 2 ** 30, 1)} GiB RAM, ${new Date().toISOString()}`,
  );
  const shapes: FleetShape[] = [
    { name: 'mixed fleet (4 zones, edge nodes, inactive and ineligible nodes)', allSchedulable: false },
    { name: 'worst case (every node active in the requested zone)', allSchedulable: true },
  ];
  const scheduler = new PlacementScheduler({ rankLimit: RANK_LIMIT });
  for (const [index, shape] of shapes.entries()) {
    const nodes = buildFleet(shape, 42 + index);
    const requests = buildRequests(DECISIONS, 7 + index, shape);

    // Same answers first: the baseline is only a fair yardstick if it decides identically.
    let feasible = 0;
    let placed = 0;
    for (const request of requests) {
      const fast = scheduler.place(request, nodes);
      const naive = naivePlace(request, nodes);
      if (
        fast.chosenNodeId !== naive.chosenNodeId ||
        fast.ranked.join() !== naive.ranked.join() ||
        fast.explanation.message !== naive.explanation.message ||
        JSON.stringify(fast.explanation.rejected) !== JSON.stringify(naive.explanation.rejected)
      ) {
        throw new Error(`scheduler and baseline disagree on ${JSON.stringify(request)}`);
      }
      feasible += fast.explanation.feasible;
      if (fast.chosenNodeId !== null) placed++;
    }

    const [fast, naive] = measure(
      (request) => scheduler.place(request, nodes),
      (request) => naivePlace(request, nodes),
      requests,
    );
    console.log(`\n${shape.name}`);
    console.log(
      `  mean feasible nodes per decision: ${format(feasible / DECISIONS)}; ` +
        `decisions that placed: ${format(placed)}/${format(DECISIONS)}`,
    );
    const row = (label: string, t: Timing) =>
      `  ${label.padEnd(28)} ${format(t.perSecond).padStart(8)} decisions/s` +
      `   p50 ${format(t.p50, 1).padStart(8)} µs   p99 ${format(t.p99, 1).padStart(8)} µs`;
    console.log(row('PlacementScheduler', fast));
    console.log(row('baseline (filter, full sort)', naive));
    console.log(
      `  speed-up: ${format(fast.perSecond / naive.perSecond, 1)}x throughput, ` +
        `${format(naive.p50 / fast.p50, 1)}x at p50, ${format(naive.p99 / fast.p99, 1)}x at p99`,
    );
  }
}

main();
