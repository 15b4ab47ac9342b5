import fc from 'fast-check';
import type { CandidateNode, PlacementRequest } from './placement.types';
import { planRound, placedExplanation, settleRound, type RoundDecision, type RoundVm } from './placement-round';
import { PlacementScheduler } from './scheduler';

function node(id: string, overrides: Partial<CandidateNode> = {}): CandidateNode {
  return {
    id,
    zone: 'eu-west',
    class: 'datacenter',
    arch: 'x86_64',
    virtualization: true,
    status: 'active',
    eligible: true,
    capacity: { vcpu: 4, memoryMib: 8192, diskGib: 100, gpus: [] },
    allocated: { vcpu: 0, memoryMib: 0, diskGib: 0, gpus: [] },
    antiAffinityGroups: [],
    ...overrides,
  };
}

function request(overrides: Partial<PlacementRequest> = {}): PlacementRequest {
  return { vcpu: 1, memoryMib: 2048, diskGib: 10, zone: 'eu-west', arch: 'x86_64', strategy: 'binpack', ...overrides };
}

function vms(count: number, overrides: Partial<PlacementRequest> = {}): RoundVm[] {
  return Array.from({ length: count }, (_, i) => ({ vmId: `vm${i}`, request: request(overrides) }));
}

const scheduler = new PlacementScheduler();

describe('planRound', () => {
  it('decides nothing for no VMs and leaves the candidates alone', () => {
    expect(planRound(scheduler, [node('a')], [])).toEqual({ decisions: [], demand: [] });
  });

  it('lets each decision see the capacity the earlier ones took: binpack fills one node, then the next', () => {
    const plan = planRound(scheduler, [node('a'), node('b')], vms(6));
    expect(plan.decisions.map((decision) => decision.nodeId)).toEqual(['a', 'a', 'a', 'a', 'b', 'b']);
    expect(plan.demand).toEqual([
      { nodeId: 'a', vcpu: 4, memoryMib: 8192, diskGib: 40 },
      { nodeId: 'b', vcpu: 2, memoryMib: 4096, diskGib: 20 },
    ]);
  });

  it('spreads when asked to, still counting what the round took', () => {
    const plan = planRound(scheduler, [node('a'), node('b'), node('c')], vms(4, { strategy: 'spread' }));
    expect(plan.decisions.map((decision) => decision.nodeId)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('judges a VM unschedulable once the round has filled every node, with an explanation that counts the round', () => {
    const plan = planRound(scheduler, [node('a'), node('b')], vms(9));
    expect(plan.decisions.slice(0, 8).every((decision) => decision.nodeId !== null)).toBe(true);
    const last = plan.decisions[8];
    expect(last.nodeId).toBeNull();
    expect(last.explanation.chosenNodeId).toBeNull();
    expect(last.explanation.feasible).toBe(0);
    expect(last.explanation.rejected.vcpu).toBe(2);
    expect(last.explanation.message).toBe('No node fits: 2 nodes considered; 2 lack free vCPUs.');
  });

  it('explains a placement as the per-VM path does: the counts at that moment and the node chosen', () => {
    const plan = planRound(scheduler, [node('a'), node('b', { zone: 'us-east' })], vms(1));
    expect(plan.decisions[0]).toEqual({
      vmId: 'vm0',
      nodeId: 'a',
      explanation: {
        nodesConsidered: 2,
        feasible: 1,
        rejected: expect.objectContaining({ zone: 1, vcpu: 0 }),
        chosenNodeId: 'a',
        strategy: 'binpack',
        message: 'Placed on node a (1 of 2 nodes fit).',
      },
    });
  });

  it('lets a small VM use what a large one left, in request order', () => {
    const plan = planRound(scheduler, [node('a')], [
      { vmId: 'big', request: request({ vcpu: 3 }) },
      { vmId: 'too-big', request: request({ vcpu: 2 }) },
      { vmId: 'small', request: request({ vcpu: 1 }) },
    ]);
    expect(plan.decisions.map((decision) => [decision.vmId, decision.nodeId])).toEqual([
      ['big', 'a'],
      ['too-big', null],
      ['small', 'a'],
    ]);
    expect(plan.demand).toEqual([{ nodeId: 'a', vcpu: 4, memoryMib: 4096, diskGib: 20 }]);
  });

  it('counts GPUs a decision took, by model, so two VMs never count on the same card', () => {
    const gpuNode = (id: string) => node(id, { capacity: { vcpu: 8, memoryMib: 16384, diskGib: 100, gpus: [{ model: 'a100', count: 1 }] } });
    const plan = planRound(scheduler, [gpuNode('a'), gpuNode('b')], vms(3, { gpus: { count: 1 } }));
    expect(plan.decisions.map((decision) => decision.nodeId)).toEqual(['a', 'b', null]);
    expect(plan.decisions[2].explanation.rejected.gpu).toBe(2);
  });

  it('never changes the candidates it was given', () => {
    const candidates = [node('a'), node('b')];
    const before = structuredClone(candidates);
    planRound(scheduler, candidates, vms(5));
    expect(candidates).toEqual(before);
  });

  const fleet = fc.array(
    fc.record({
      vcpu: fc.integer({ min: 0, max: 16 }),
      memoryMib: fc.integer({ min: 0, max: 16 }).map((gib) => gib * 1024),
      diskGib: fc.integer({ min: 0, max: 200 }),
      usedShare: fc.double({ min: 0, max: 1, noNaN: true }),
      zone: fc.constantFrom('eu-west', 'us-east'),
      status: fc.constantFrom('active', 'active', 'active', 'draining'),
    }),
    { minLength: 0, maxLength: 12 },
  ).map((specs) =>
    specs.map((spec, i) =>
      node(`n${String(i).padStart(2, '0')}`, {
        zone: spec.zone,
        status: spec.status as CandidateNode['status'],
        capacity: { vcpu: spec.vcpu, memoryMib: spec.memoryMib, diskGib: spec.diskGib, gpus: [] },
        allocated: {
          vcpu: Math.floor(spec.vcpu * spec.usedShare),
          memoryMib: Math.floor(spec.memoryMib * spec.usedShare),
          diskGib: Math.floor(spec.diskGib * spec.usedShare),
          gpus: [],
        },
      }),
    ),
  );
  const round = fc
    .array(
      fc.record({
        vcpu: fc.integer({ min: 0, max: 6 }),
        memoryMib: fc.integer({ min: 0, max: 6 }).map((gib) => gib * 1024),
        diskGib: fc.integer({ min: 0, max: 60 }),
        zone: fc.constantFrom('eu-west', 'us-east'),
        strategy: fc.constantFrom('binpack' as const, 'spread' as const),
      }),
      { maxLength: 40 },
    )
    .map((requests) => requests.map((r, i) => ({ vmId: `vm${i}`, request: request(r) })));

  it('equals deciding the VMs one at a time on a fleet that already holds the earlier ones (property)', () => {
    fc.assert(
      fc.property(fleet, round, (nodes, batch) => {
        const plan = planRound(scheduler, nodes, batch);
        // The reference: the fleet rebuilt from scratch before every decision.
        let current = structuredClone(nodes);
        batch.forEach(({ request: r }, i) => {
          const expected = scheduler.place(r, current);
          const decided = plan.decisions[i];
          expect(decided.nodeId).toBe(expected.chosenNodeId);
          expect(decided.explanation.rejected).toEqual(expected.explanation.rejected);
          expect(decided.explanation.feasible).toBe(expected.explanation.feasible);
          if (expected.chosenNodeId !== null) {
            current = current.map((n) =>
              n.id === expected.chosenNodeId
                ? { ...n, allocated: { ...n.allocated, vcpu: n.allocated.vcpu + r.vcpu, memoryMib: n.allocated.memoryMib + r.memoryMib, diskGib: n.allocated.diskGib + r.diskGib } }
                : n,
            );
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('never over-commits a node within a round, and its demand is exactly what it placed there (property)', () => {
    fc.assert(
      fc.property(fleet, round, (nodes, batch) => {
        const plan = planRound(scheduler, nodes, batch);
        const sums = new Map<string, { vcpu: number; memoryMib: number; diskGib: number }>();
        plan.decisions.forEach((decision, i) => {
          if (decision.nodeId === null) return;
          const sum = sums.get(decision.nodeId) ?? { vcpu: 0, memoryMib: 0, diskGib: 0 };
          sum.vcpu += batch[i].request.vcpu;
          sum.memoryMib += batch[i].request.memoryMib;
          sum.diskGib += batch[i].request.diskGib;
          sums.set(decision.nodeId, sum);
        });
        expect(new Map(plan.demand.map(({ nodeId, ...amounts }) => [nodeId, amounts]))).toEqual(sums);
        for (const { nodeId, vcpu, memoryMib, diskGib } of plan.demand) {
          const n = nodes.find((candidate) => candidate.id === nodeId) as CandidateNode;
          expect(n.status).toBe('active');
          expect(n.allocated.vcpu + vcpu).toBeLessThanOrEqual(n.capacity.vcpu);
          expect(n.allocated.memoryMib + memoryMib).toBeLessThanOrEqual(n.capacity.memoryMib);
          expect(n.allocated.diskGib + diskGib).toBeLessThanOrEqual(n.capacity.diskGib);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('settleRound', () => {
  const explanation = { nodesConsidered: 1, feasible: 1, rejected: {} as never, chosenNodeId: null, strategy: 'binpack' as const, message: '' };
  const placedOn = (vmId: string, nodeId: string): RoundDecision => ({ vmId, nodeId, explanation: { ...explanation, chosenNodeId: nodeId } });
  const unplaced = (vmId: string): RoundDecision => ({ vmId, nodeId: null, explanation });

  it('keeps every decision when no node refused', () => {
    const decisions = [placedOn('v1', 'a'), unplaced('v2'), placedOn('v3', 'b')];
    expect(settleRound(decisions, new Set())).toEqual({ placed: [decisions[0], decisions[2]], unschedulable: [decisions[1]], deferred: [] });
  });

  it("defers the VMs of a refused node, and the round's unschedulable VMs with them", () => {
    const decisions = [placedOn('v1', 'a'), unplaced('v2'), placedOn('v3', 'b'), placedOn('v4', 'a')];
    expect(settleRound(decisions, new Set(['a']))).toEqual({ placed: [decisions[2]], unschedulable: [], deferred: [decisions[0], decisions[1], decisions[3]] });
  });

  it('defers everything when every node refused', () => {
    const decisions = [placedOn('v1', 'a'), placedOn('v2', 'b')];
    expect(settleRound(decisions, new Set(['a', 'b']))).toEqual({ placed: [], unschedulable: [], deferred: decisions });
  });
});

describe('placedExplanation', () => {
  it('names the node and how many fit', () => {
    const decision = scheduler.place(request(), [node('a'), node('b', { arch: 'arm64' })]);
    expect(placedExplanation('a', decision)).toEqual({ ...decision.explanation, chosenNodeId: 'a', message: 'Placed on node a (1 of 2 nodes fit).' });
  });
});
