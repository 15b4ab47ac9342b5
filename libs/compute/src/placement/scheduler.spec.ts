import fc from 'fast-check';
import { ComputeError } from '../compute.errors';
import {
  CandidateNode,
  NodeClass,
  NodeStatus,
  PLACEMENT_FILTERS,
  PlacementFilter,
  PlacementRequest,
  ScoreWeights,
} from './placement.types';
import { DEFAULT_SCORE_WEIGHTS, PlacementScheduler, freeGpuModel } from './scheduler';

function node(id: string, overrides: Partial<CandidateNode> = {}): CandidateNode {
  return {
    id,
    zone: 'eu-west',
    class: 'datacenter',
    arch: 'x86_64',
    virtualization: true,
    status: 'active',
    eligible: true,
    capacity: { vcpu: 32, memoryMib: 131072, diskGib: 2000, gpus: [] },
    allocated: { vcpu: 0, memoryMib: 0, diskGib: 0, gpus: [] },
    antiAffinityGroups: [],
    ...overrides,
  };
}

function request(overrides: Partial<PlacementRequest> = {}): PlacementRequest {
  return { vcpu: 4, memoryMib: 16384, diskGib: 100, zone: 'eu-west', arch: 'x86_64', strategy: 'binpack', ...overrides };
}

function zeroRejections(): Record<PlacementFilter, number> {
  return Object.fromEntries(PLACEMENT_FILTERS.map((filter) => [filter, 0])) as Record<PlacementFilter, number>;
}

const scheduler = new PlacementScheduler();

/**
 * An independent statement of every constraint, used as the oracle: which
 * filters a node violates, in filter order.
 */
const CONSTRAINTS: Record<PlacementFilter, (n: CandidateNode, r: PlacementRequest) => boolean> = {
  class: (n) => n.class === 'bare-metal' || n.class === 'datacenter',
  virtualization: (n) => n.virtualization,
  architecture: (n, r) => n.arch === r.arch,
  pin: (n, r) => r.pinnedNodeId === undefined || r.pinnedNodeId === n.id,
  zone: (n, r) => n.zone === r.zone,
  status: (n) => n.status === 'active',
  eligibility: (n) => n.eligible,
  vcpu: (n, r) => n.allocated.vcpu + r.vcpu <= n.capacity.vcpu,
  memory: (n, r) => n.allocated.memoryMib + r.memoryMib <= n.capacity.memoryMib,
  disk: (n, r) => n.allocated.diskGib + r.diskGib <= n.capacity.diskGib,
  gpu: (n, r) => {
    const wanted = r.gpus?.count ?? 0;
    if (wanted === 0) return true;
    return n.capacity.gpus.some((inventory) => {
      if (r.gpus?.model !== undefined && r.gpus.model !== inventory.model) return false;
      const used = n.allocated.gpus.filter((g) => g.model === inventory.model).reduce((sum, g) => sum + g.count, 0);
      return inventory.count - used >= wanted;
    });
  },
  antiAffinity: (n, r) => r.antiAffinityGroup === undefined || ![...n.antiAffinityGroups].includes(r.antiAffinityGroup),
};

function violations(n: CandidateNode, r: PlacementRequest): PlacementFilter[] {
  return PLACEMENT_FILTERS.filter((filter) => !CONSTRAINTS[filter](n, r));
}

/** The obvious implementation: filter, score, sort everything. */
function referenceRanking(nodes: CandidateNode[], r: PlacementRequest, weights: ScoreWeights = DEFAULT_SCORE_WEIGHTS) {
  const share = (capacity: number, allocated: number, requested: number) =>
    capacity > 0 ? (capacity - allocated - requested) / capacity : 0;
  const total = weights.vcpu + weights.memoryMib + weights.diskGib;
  const sign = r.strategy === 'binpack' ? 1 : -1;
  return nodes
    .filter((n) => violations(n, r).length === 0)
    .map((n) => ({
      id: n.id,
      key:
        sign *
        ((weights.vcpu * share(n.capacity.vcpu, n.allocated.vcpu, r.vcpu) +
          weights.memoryMib * share(n.capacity.memoryMib, n.allocated.memoryMib, r.memoryMib) +
          weights.diskGib * share(n.capacity.diskGib, n.allocated.diskGib, r.diskGib)) /
          total),
    }))
    .sort((a, b) => a.key - b.key || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((entry) => entry.id);
}

describe('PlacementScheduler filters', () => {
  // Each row: a node that fails exactly one constraint (and passes every
  // earlier one), the request, and the filter that must count it.
  const rejectedBy: Array<[PlacementFilter, CandidateNode, PlacementRequest]> = [
    ['class', node('n', { class: 'edge' }), request()],
    ['virtualization', node('n', { virtualization: false }), request()],
    ['architecture', node('n', { arch: 'arm64' }), request()],
    ['pin', node('n'), request({ pinnedNodeId: 'other' })],
    ['zone', node('n', { zone: 'us-east' }), request()],
    ['status', node('n', { status: 'candidate' }), request()],
    ['status', node('n', { status: 'standby' }), request()],
    ['status', node('n', { status: 'unreachable' }), request()],
    ['status', node('n', { status: 'draining' }), request()],
    ['status', node('n', { status: 'decommissioned' }), request()],
    ['status', node('n', { status: 'jailed' }), request()],
    ['eligibility', node('n', { eligible: false }), request()],
    ['vcpu', node('n', { allocated: { vcpu: 29, memoryMib: 0, diskGib: 0, gpus: [] } }), request()],
    ['memory', node('n', { allocated: { vcpu: 0, memoryMib: 131072 - 16383, diskGib: 0, gpus: [] } }), request()],
    ['disk', node('n', { allocated: { vcpu: 0, memoryMib: 0, diskGib: 1901, gpus: [] } }), request()],
    ['gpu', node('n'), request({ gpus: { count: 1 } })],
    [
      'gpu',
      node('n', { capacity: { vcpu: 32, memoryMib: 131072, diskGib: 2000, gpus: [{ model: 'a100', count: 4 }] } }),
      request({ gpus: { count: 1, model: 'h100' } }),
    ],
    [
      'gpu',
      node('n', {
        capacity: { vcpu: 32, memoryMib: 131072, diskGib: 2000, gpus: [{ model: 'a100', count: 4 }] },
        allocated: { vcpu: 0, memoryMib: 0, diskGib: 0, gpus: [{ model: 'a100', count: 3 }] },
      }),
      request({ gpus: { count: 2 } }),
    ],
    [
      // Two models with two free each do not make four of one model.
      'gpu',
      node('n', {
        capacity: {
          vcpu: 32,
          memoryMib: 131072,
          diskGib: 2000,
          gpus: [
            { model: 'a100', count: 2 },
            { model: 'h100', count: 2 },
          ],
        },
      }),
      request({ gpus: { count: 4 } }),
    ],
    ['antiAffinity', node('n', { antiAffinityGroups: ['web'] }), request({ antiAffinityGroup: 'web' })],
    ['antiAffinity', node('n', { antiAffinityGroups: new Set(['db', 'web']) }), request({ antiAffinityGroup: 'web' })],
  ];

  it.each(rejectedBy)('the %s filter rejects its node', (filter, candidate, r) => {
    const decision = scheduler.place(r, [candidate]);
    expect(decision.chosenNodeId).toBeNull();
    expect(decision.ranked).toEqual([]);
    expect(decision.explanation.rejected).toEqual({ ...zeroRejections(), [filter]: 1 });
    expect(decision.explanation.feasible).toBe(0);
  });

  const accepted: Array<[string, CandidateNode, PlacementRequest]> = [
    ['bare-metal nodes', node('n', { class: 'bare-metal' }), request()],
    ['the pinned node', node('n'), request({ pinnedNodeId: 'n' })],
    ['arm64 for an arm64 VM', node('n', { arch: 'arm64' }), request({ arch: 'arm64' })],
    [
      'a node filled exactly to capacity',
      node('n', { allocated: { vcpu: 28, memoryMib: 131072 - 16384, diskGib: 1900, gpus: [] } }),
      request(),
    ],
    [
      'a node with enough of the requested GPU model',
      node('n', {
        capacity: {
          vcpu: 32,
          memoryMib: 131072,
          diskGib: 2000,
          gpus: [
            { model: 'a100', count: 4 },
            { model: 'h100', count: 2 },
          ],
        },
        allocated: { vcpu: 0, memoryMib: 0, diskGib: 0, gpus: [{ model: 'h100', count: 1 }] },
      }),
      request({ gpus: { count: 1, model: 'h100' } }),
    ],
    ['any node when zero GPUs are requested', node('n'), request({ gpus: { count: 0 } })],
    ['a node hosting other anti-affinity groups', node('n', { antiAffinityGroups: ['db'] }), request({ antiAffinityGroup: 'web' })],
    ['a node with groups when the VM has none', node('n', { antiAffinityGroups: ['web'] }), request()],
    ['a zero-sized request on an empty node', node('n'), request({ vcpu: 0, memoryMib: 0, diskGib: 0 })],
  ];

  it.each(accepted)('accepts %s', (_, candidate, r) => {
    const decision = scheduler.place(r, [candidate]);
    expect(decision.chosenNodeId).toBe('n');
    expect(decision.explanation.rejected).toEqual(zeroRejections());
    expect(decision.explanation.feasible).toBe(1);
  });

  it('counts a node only against the first filter that rejects it', () => {
    const nodes = [
      node('edge-elsewhere', { class: 'edge', zone: 'us-east', status: 'jailed' }),
      node('novirt-full', { virtualization: false, allocated: { vcpu: 32, memoryMib: 0, diskGib: 0, gpus: [] } }),
      node('elsewhere-inactive', { zone: 'us-east', status: 'draining', eligible: false }),
      node('inactive-ineligible', { status: 'unreachable', eligible: false }),
      node('no-cpu-no-memory', { allocated: { vcpu: 32, memoryMib: 131072, diskGib: 2000, gpus: [] } }),
      node('fits'),
    ];
    const { explanation } = scheduler.place(request(), nodes);
    expect(explanation.rejected).toEqual({
      ...zeroRejections(),
      class: 1,
      virtualization: 1,
      zone: 1,
      status: 1,
      vcpu: 1,
    });
    expect(explanation.feasible).toBe(1);
    expect(explanation.nodesConsidered).toBe(6);
  });

  it('lists every filter in the explanation, in filter order', () => {
    const { explanation } = scheduler.place(request(), [node('n')]);
    expect(Object.keys(explanation.rejected)).toEqual([...PLACEMENT_FILTERS]);
  });
});

describe('PlacementScheduler scoring', () => {
  // "small" would be left nearly full by the VM, "large" nearly empty.
  const small = node('small', { capacity: { vcpu: 8, memoryMib: 32768, diskGib: 200, gpus: [] } });
  const large = node('large', { capacity: { vcpu: 64, memoryMib: 262144, diskGib: 4000, gpus: [] } });

  it('binpack fills the node that would be left with the least free', () => {
    const decision = scheduler.place(request({ strategy: 'binpack' }), [large, small]);
    expect(decision.chosenNodeId).toBe('small');
    expect(decision.ranked).toEqual(['small', 'large']);
  });

  it('spread picks the node that would be left with the most free', () => {
    const decision = scheduler.place(request({ strategy: 'spread' }), [small, large]);
    expect(decision.chosenNodeId).toBe('large');
    expect(decision.ranked).toEqual(['large', 'small']);
  });

  it('judges by what is left after placement, not by raw size', () => {
    // Same size, but one is already half full: binpack tops it up, spread avoids it.
    const half = node('half', { allocated: { vcpu: 16, memoryMib: 65536, diskGib: 1000, gpus: [] } });
    const empty = node('empty');
    expect(scheduler.place(request({ strategy: 'binpack' }), [empty, half]).chosenNodeId).toBe('half');
    expect(scheduler.place(request({ strategy: 'spread' }), [half, empty]).chosenNodeId).toBe('empty');
  });

  it('breaks ties by node id whatever order the nodes arrive in', () => {
    const nodes = ['n3', 'n1', 'n2'].map((id) => node(id));
    for (const strategy of ['binpack', 'spread'] as const) {
      expect(scheduler.place(request({ strategy }), nodes).ranked).toEqual(['n1', 'n2', 'n3']);
      expect(scheduler.place(request({ strategy }), [...nodes].reverse()).ranked).toEqual(['n1', 'n2', 'n3']);
    }
  });

  it('weighs disk by half by default, and takes other weights', () => {
    // cpu-heavy: little cpu left, lots of disk left. disk-heavy: the reverse.
    const cpuHeavy = node('cpu-heavy', { allocated: { vcpu: 24, memoryMib: 0, diskGib: 0, gpus: [] } });
    const diskHeavy = node('disk-heavy', { allocated: { vcpu: 0, memoryMib: 0, diskGib: 1500, gpus: [] } });
    expect(scheduler.place(request(), [diskHeavy, cpuHeavy]).chosenNodeId).toBe('cpu-heavy');
    const diskFirst = new PlacementScheduler({ weights: { vcpu: 0.1, memoryMib: 0.1, diskGib: 1 } });
    expect(diskFirst.place(request(), [cpuHeavy, diskHeavy]).chosenNodeId).toBe('disk-heavy');
  });

  it('scores a resource the node has none of as nothing free', () => {
    const noDisk = node('no-disk', { capacity: { vcpu: 32, memoryMib: 131072, diskGib: 0, gpus: [] } });
    const decision = scheduler.place(request({ diskGib: 0 }), [noDisk, node('with-disk')]);
    expect(decision.ranked).toEqual(['no-disk', 'with-disk']);
  });

  it('ranks at most rankLimit nodes, best first', () => {
    const nodes = Array.from({ length: 40 }, (_, i) =>
      node(`n${String(i).padStart(2, '0')}`, { allocated: { vcpu: i % 20, memoryMib: 0, diskGib: 0, gpus: [] } }),
    );
    const decision = new PlacementScheduler({ rankLimit: 5 }).place(request(), nodes);
    expect(decision.ranked).toEqual(referenceRanking(nodes, request()).slice(0, 5));
    expect(decision.explanation.feasible).toBe(40);
    const everything = new PlacementScheduler({ rankLimit: Infinity }).place(request(), nodes);
    expect(everything.ranked).toEqual(referenceRanking(nodes, request()));
  });

  it('defaults to ranking 16 nodes', () => {
    const nodes = Array.from({ length: 30 }, (_, i) => node(`n${i}`));
    expect(scheduler.place(request(), nodes).ranked).toHaveLength(16);
  });

  it('does not leak nodes from an earlier, larger decision', () => {
    const reused = new PlacementScheduler({ rankLimit: 8 });
    reused.place(request(), Array.from({ length: 20 }, (_, i) => node(`big${i}`)));
    expect(reused.place(request(), [node('only')]).ranked).toEqual(['only']);
    expect(reused.place(request(), []).ranked).toEqual([]);
  });
});

describe('PlacementScheduler explanation', () => {
  it('says where the VM went', () => {
    const { explanation } = scheduler.place(request(), [node('n1'), node('n2', { zone: 'us-east' })]);
    expect(explanation).toEqual({
      nodesConsidered: 2,
      feasible: 1,
      rejected: { ...zeroRejections(), zone: 1 },
      chosenNodeId: 'n1',
      strategy: 'binpack',
      message: 'Placed on node n1 (binpack) among 1 feasible node.',
    });
  });

  it('lists why nothing fits, most common reason first', () => {
    const nodes = [
      node('a', { zone: 'us-east' }),
      ...['b', 'c', 'd'].map((id) => node(id, { allocated: { vcpu: 0, memoryMib: 131072, diskGib: 0, gpus: [] } })),
      node('e', { class: 'edge' }),
      node('f', { status: 'jailed' }),
    ];
    const { explanation } = scheduler.place(request(), nodes);
    expect(explanation.chosenNodeId).toBeNull();
    expect(explanation.message).toBe(
      'No node fits: 6 nodes considered; 3 lack free memory, ' +
        '1 is an edge node (VMs run on bare-metal and datacenter nodes only), 1 is in another zone, 1 is not active.',
    );
  });

  it('names the pinned node, the GPU model and the anti-affinity group', () => {
    expect(scheduler.place(request({ pinnedNodeId: 'p1' }), [node('a'), node('b')]).explanation.message).toBe(
      "No node fits: 2 nodes considered; 2 are not node p1, where the VM's local volume or root-disk snapshot is.",
    );
    expect(scheduler.place(request({ gpus: { count: 2, model: 'h100' } }), [node('a')]).explanation.message).toBe(
      'No node fits: 1 node considered; 1 lacks free h100 GPUs.',
    );
    const grouped = scheduler.place(request({ antiAffinityGroup: 'web' }), [node('a', { antiAffinityGroups: ['web'] })]);
    expect(grouped.explanation.message).toBe(
      'No node fits: 1 node considered; 1 already hosts a VM of anti-affinity group web.',
    );
  });

  it('handles an empty fleet', () => {
    const decision = scheduler.place(request({ strategy: 'spread' }), []);
    expect(decision).toEqual({
      ranked: [],
      chosenNodeId: null,
      explanation: {
        nodesConsidered: 0,
        feasible: 0,
        rejected: zeroRejections(),
        chosenNodeId: null,
        strategy: 'spread',
        message: 'No node fits: 0 nodes considered.',
      },
    });
  });
});

describe('PlacementScheduler input checks', () => {
  it.each<[string, Partial<PlacementRequest>]>([
    ['negative vCPU', { vcpu: -1 }],
    ['NaN memory', { memoryMib: Number.NaN }],
    ['infinite disk', { diskGib: Infinity }],
    ['fractional GPU count', { gpus: { count: 1.5 } }],
    ['unknown strategy', { strategy: 'random' as 'spread' }],
  ])('rejects a request with %s', (_, overrides) => {
    expect(() => scheduler.place(request(overrides), [node('n')])).toThrow(ComputeError);
    try {
      scheduler.place(request(overrides), [node('n')]);
    } catch (error) {
      expect((error as ComputeError).code).toBe('placement.invalid_request');
    }
  });

  it.each([0, -3, 2.5, Number.NaN])('refuses rankLimit %p', (rankLimit) => {
    expect(() => new PlacementScheduler({ rankLimit })).toThrow(RangeError);
  });

  it('refuses weights that cannot score', () => {
    expect(() => new PlacementScheduler({ weights: { vcpu: 0, memoryMib: 0, diskGib: 0 } })).toThrow(RangeError);
    expect(() => new PlacementScheduler({ weights: { vcpu: -1 } })).toThrow(RangeError);
  });
});

describe('freeGpuModel', () => {
  const gpuNode = node('g', {
    capacity: {
      vcpu: 32,
      memoryMib: 131072,
      diskGib: 2000,
      gpus: [
        { model: 'a100', count: 2 },
        { model: 'h100', count: 4 },
      ],
    },
    allocated: { vcpu: 0, memoryMib: 0, diskGib: 0, gpus: [{ model: 'a100', count: 1 }] },
  });

  it('picks the first model with enough free cards', () => {
    expect(freeGpuModel(gpuNode, { count: 1 })).toBe('a100');
    expect(freeGpuModel(gpuNode, { count: 2 })).toBe('h100');
    expect(freeGpuModel(gpuNode, { count: 1, model: 'h100' })).toBe('h100');
    expect(freeGpuModel(gpuNode, { count: 5 })).toBeNull();
    expect(freeGpuModel(gpuNode, { count: 1, model: 'l4' })).toBeNull();
  });
});

// Small domains so that generated fleets hit every filter, ties and limits.
const MODELS = ['a100', 'h100'];
const GROUPS = ['g1', 'g2'];

const gpuList = fc.subarray(MODELS).chain((models) =>
  fc.tuple(...models.map((model) => fc.record({ model: fc.constant(model), count: fc.integer({ min: 0, max: 4 }) }))),
);

const nodeArbitrary = (id: string) =>
  fc
    .record({
      zone: fc.constantFrom('z1', 'z2'),
      class: fc.constantFrom<NodeClass>('bare-metal', 'datacenter', 'edge'),
      arch: fc.constantFrom('x86_64', 'arm64'),
      virtualization: fc.constantFrom(true, true, true, false),
      status: fc.constantFrom<NodeStatus>(
        'active',
        'active',
        'active',
        'candidate',
        'standby',
        'unreachable',
        'draining',
        'decommissioned',
        'jailed',
      ),
      eligible: fc.oneof(fc.constant(true), fc.constant(true), fc.constant(false)),
      vcpu: fc.integer({ min: 0, max: 16 }),
      memoryMib: fc.integer({ min: 0, max: 64 }),
      diskGib: fc.integer({ min: 0, max: 64 }),
      gpus: gpuList,
      usedVcpu: fc.integer({ min: 0, max: 16 }),
      usedMemory: fc.integer({ min: 0, max: 64 }),
      usedDisk: fc.integer({ min: 0, max: 64 }),
      usedGpus: fc.array(fc.record({ model: fc.constantFrom(...MODELS), count: fc.integer({ min: 0, max: 2 }) }), {
        maxLength: 2,
      }),
      groups: fc.subarray(GROUPS),
      groupsAsSet: fc.boolean(),
    })
    .map(
      (spec): CandidateNode => ({
        id,
        zone: spec.zone,
        class: spec.class,
        arch: spec.arch,
        virtualization: spec.virtualization,
        status: spec.status,
        eligible: spec.eligible,
        capacity: { vcpu: spec.vcpu, memoryMib: spec.memoryMib, diskGib: spec.diskGib, gpus: spec.gpus },
        allocated: {
          vcpu: Math.min(spec.usedVcpu, spec.vcpu),
          memoryMib: Math.min(spec.usedMemory, spec.memoryMib),
          diskGib: Math.min(spec.usedDisk, spec.diskGib),
          gpus: spec.usedGpus,
        },
        antiAffinityGroups: spec.groupsAsSet ? new Set(spec.groups) : spec.groups,
      }),
    );

const fleetArbitrary: fc.Arbitrary<CandidateNode[]> = fc
  .uniqueArray(fc.stringMatching(/^[a-z0-9]{1,3}$/), { maxLength: 40 })
  .chain((ids) => fc.tuple(...ids.map(nodeArbitrary)));

const requestArbitrary = (ids: string[]) =>
  fc.record(
    {
      vcpu: fc.integer({ min: 0, max: 8 }),
      memoryMib: fc.integer({ min: 0, max: 32 }),
      diskGib: fc.integer({ min: 0, max: 32 }),
      gpus: fc.record({ count: fc.integer({ min: 0, max: 3 }), model: fc.option(fc.constantFrom(...MODELS), { nil: undefined }) }),
      zone: fc.constantFrom('z1', 'z2'),
      arch: fc.constantFrom('x86_64', 'arm64'),
      antiAffinityGroup: fc.constantFrom(...GROUPS, 'g3'),
      pinnedNodeId: ids.length > 0 ? fc.oneof(fc.constantFrom(...ids), fc.constant('nowhere')) : fc.constant('nowhere'),
      strategy: fc.constantFrom('binpack' as const, 'spread' as const),
    },
    { requiredKeys: ['vcpu', 'memoryMib', 'diskGib', 'zone', 'arch', 'strategy'] },
  );

const scenario = fleetArbitrary.chain((nodes) =>
  fc.tuple(fc.constant(nodes), requestArbitrary(nodes.map((n) => n.id)), fc.integer({ min: 1, max: 8 })),
);

describe('PlacementScheduler properties', () => {
  it('chooses only a node that satisfies every constraint', () => {
    fc.assert(
      fc.property(scenario, ([nodes, r]) => {
        const decision = scheduler.place(r, nodes);
        for (const id of decision.ranked) {
          expect(violations(nodes.find((n) => n.id === id)!, r)).toEqual([]);
        }
        if (decision.chosenNodeId !== null) expect(decision.ranked[0]).toBe(decision.chosenNodeId);
      }),
      { numRuns: 500 },
    );
  });

  it('chooses a node whenever one satisfies every constraint, and never rejects a feasible node', () => {
    fc.assert(
      fc.property(scenario, ([nodes, r]) => {
        const feasible = nodes.filter((n) => violations(n, r).length === 0);
        const decision = scheduler.place(r, nodes);
        expect(decision.chosenNodeId === null).toBe(feasible.length === 0);
        expect(decision.explanation.feasible).toBe(feasible.length);
      }),
      { numRuns: 500 },
    );
  });

  it('counts each rejected node against its first failing filter, and the counts add up', () => {
    fc.assert(
      fc.property(scenario, ([nodes, r]) => {
        const expected = zeroRejections();
        for (const n of nodes) {
          const failed = violations(n, r);
          if (failed.length > 0) expected[failed[0]]++;
        }
        const { explanation } = scheduler.place(r, nodes);
        expect(explanation.rejected).toEqual(expected);
        const rejectedTotal = Object.values(explanation.rejected).reduce((sum, count) => sum + count, 0);
        expect(rejectedTotal + explanation.feasible).toBe(explanation.nodesConsidered);
        expect(explanation.nodesConsidered).toBe(nodes.length);
      }),
      { numRuns: 500 },
    );
  });

  it('ranks exactly the best rankLimit feasible nodes of a full sort', () => {
    fc.assert(
      fc.property(scenario, ([nodes, r, rankLimit]) => {
        const decision = new PlacementScheduler({ rankLimit }).place(r, nodes);
        expect(decision.ranked).toEqual(referenceRanking(nodes, r).slice(0, rankLimit));
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same decision for the same fleet in any order', () => {
    fc.assert(
      fc.property(
        scenario.chain(([nodes, r]) =>
          fc.tuple(fc.constant(nodes), fc.constant(r), fc.shuffledSubarray(nodes, { minLength: nodes.length })),
        ),
        ([nodes, r, shuffled]) => {
          expect(scheduler.place(r, shuffled)).toEqual(scheduler.place(r, nodes));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('PlacementSequence', () => {
  /** The reference for a take: the node as a fresh fleet would hold it. */
  function taken(n: CandidateNode, r: PlacementRequest): CandidateNode {
    const model = r.gpus !== undefined && r.gpus.count > 0 ? freeGpuModel(n, r.gpus) : null;
    return {
      ...n,
      allocated: {
        vcpu: n.allocated.vcpu + r.vcpu,
        memoryMib: n.allocated.memoryMib + r.memoryMib,
        diskGib: n.allocated.diskGib + r.diskGib,
        gpus: model === null ? n.allocated.gpus : [...n.allocated.gpus, { model, count: r.gpus!.count }],
      },
    };
  }

  it('decides each VM exactly as place() over the fleet the earlier takes left, whatever the rank limit (property)', () => {
    const run = fleetArbitrary.chain((nodes) =>
      fc.tuple(
        fc.constant(nodes),
        fc.array(requestArbitrary(nodes.map((n) => n.id)), { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(2), { maxLength: 30 }),
        fc.integer({ min: 1, max: 4 }),
      ),
    );
    fc.assert(
      fc.property(run, ([nodes, shapes, picks, rankLimit]) => {
        const limited = new PlacementScheduler({ rankLimit });
        const sequence = limited.sequence(nodes);
        let fleet = nodes;
        for (const pick of picks) {
          const r = shapes[pick % shapes.length];
          const expected = limited.place(r, fleet);
          const decided = sequence.place(r);
          expect(decided.chosenNodeId).toBe(expected.chosenNodeId);
          expect(decided.explanation).toEqual(expected.explanation);
          expect(decided.ranked).toEqual(expected.ranked.slice(0, decided.ranked.length));
          expect(decided.ranked.length > 0).toBe(expected.chosenNodeId !== null);
          if (expected.chosenNodeId === null) continue;
          sequence.take(expected.chosenNodeId, r);
          fleet = fleet.map((n) => (n.id === expected.chosenNodeId ? taken(n, r) : n));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('stays exact when a take lands on a node the decision did not choose, ranked or not (property)', () => {
    const run = fleetArbitrary.chain((nodes) =>
      fc.tuple(
        fc.constant(nodes),
        fc.array(requestArbitrary(nodes.map((n) => n.id)), { minLength: 1, maxLength: 3 }),
        nodes.length === 0 ? fc.constant<Array<[number, number]>>([]) : fc.array(fc.tuple(fc.nat(2), fc.nat(nodes.length - 1)), { maxLength: 30 }),
        fc.integer({ min: 1, max: 4 }),
      ),
    );
    fc.assert(
      fc.property(run, ([nodes, shapes, picks, rankLimit]) => {
        const limited = new PlacementScheduler({ rankLimit });
        const sequence = limited.sequence(nodes);
        let fleet = nodes;
        for (const [pick, target] of picks) {
          const r = shapes[pick % shapes.length];
          const expected = limited.place(r, fleet);
          const decided = sequence.place(r);
          expect(decided.explanation).toEqual(expected.explanation);
          expect(decided.ranked).toEqual(expected.ranked.slice(0, decided.ranked.length));
          const nodeId = nodes[target].id;
          sequence.take(nodeId, r);
          fleet = fleet.map((n) => (n.id === nodeId ? taken(n, r) : n));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('stays exact on a fleet where most nodes fit, with small rank limits (property)', () => {
    // Most nodes feasible and many takes: the standings shrink, grow back and are ranked again.
    const fitting = fc
      .uniqueArray(fc.stringMatching(/^[a-z0-9]{1,3}$/), { minLength: 1, maxLength: 30 })
      .chain((ids) =>
        fc.tuple(
          ...ids.map((id) =>
            fc.record({ vcpu: fc.integer({ min: 0, max: 12 }), memoryMib: fc.integer({ min: 0, max: 24 }), diskGib: fc.integer({ min: 0, max: 24 }), used: fc.double({ min: 0, max: 1, noNaN: true }) }).map((c) =>
              node(id, {
                capacity: { vcpu: c.vcpu, memoryMib: c.memoryMib, diskGib: c.diskGib, gpus: [] },
                allocated: { vcpu: Math.floor(c.vcpu * c.used), memoryMib: Math.floor(c.memoryMib * c.used), diskGib: Math.floor(c.diskGib * c.used), gpus: [] },
              }),
            ),
          ),
        ),
      );
    const shape = fc.record({
      vcpu: fc.integer({ min: 0, max: 3 }),
      memoryMib: fc.integer({ min: 0, max: 6 }),
      diskGib: fc.integer({ min: 0, max: 6 }),
      zone: fc.constant('eu-west'),
      arch: fc.constant('x86_64'),
      strategy: fc.constantFrom('binpack' as const, 'spread' as const),
    });
    fc.assert(
      fc.property(fitting, fc.array(shape, { minLength: 1, maxLength: 3 }), fc.array(fc.nat(2), { maxLength: 60 }), fc.integer({ min: 1, max: 4 }), (nodes, shapes, picks, rankLimit) => {
        const limited = new PlacementScheduler({ rankLimit });
        const sequence = limited.sequence(nodes);
        let fleet = nodes;
        for (const pick of picks) {
          const r = shapes[pick % shapes.length];
          const expected = limited.place(r, fleet);
          const decided = sequence.place(r);
          expect(decided.explanation).toEqual(expected.explanation);
          expect(decided.ranked).toEqual(expected.ranked.slice(0, decided.ranked.length));
          if (expected.chosenNodeId === null) continue;
          sequence.take(expected.chosenNodeId, r);
          fleet = fleet.map((n) => (n.id === expected.chosenNodeId ? taken(n, r) : n));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('fills a node with binpack, then goes on to the next, without ranking the fleet again', () => {
    const nodes = ['a', 'b', 'c'].map((id) => node(id, { capacity: { vcpu: 8, memoryMib: 32768, diskGib: 400, gpus: [] } }));
    const ranking = jest.spyOn(scheduler, 'rank');
    try {
      const sequence = scheduler.sequence(nodes);
      const chosen: Array<string | null> = [];
      for (let i = 0; i < 7; i++) {
        const decision = sequence.place(request());
        chosen.push(decision.chosenNodeId);
        if (decision.chosenNodeId) sequence.take(decision.chosenNodeId, request());
      }
      expect(chosen).toEqual(['a', 'a', 'b', 'b', 'c', 'c', null]);
      expect(ranking).toHaveBeenCalledTimes(1);
    } finally {
      ranking.mockRestore();
    }
  });

  it('leaves the candidates it was given alone, and refuses a take on a node it does not know', () => {
    const nodes = [node('a'), node('b')];
    const before = structuredClone(nodes);
    const sequence = scheduler.sequence(nodes);
    sequence.take('a', request());
    expect(nodes).toEqual(before);
    expect(() => sequence.take('zz', request())).toThrow(RangeError);
  });
});
