import fc from 'fast-check';
import type { Db } from '@statemesh/database';
import type { NodeCapacityRepository, PlacementNode, PlacementNodesRead } from '@statemesh/nodes';
import { CandidateSnapshot } from './candidate-snapshot';

function node(id: string, version = 1, overrides: Partial<PlacementNode> = {}): PlacementNode {
  return {
    id,
    zone: 'eu-west',
    class: 'datacenter',
    arch: 'x86_64',
    virtualization: true,
    status: 'active',
    eligible: true,
    capacity: { vcpu: 8, memoryMib: 16384, diskGib: 200, gpus: [] },
    allocated: { vcpu: version % 8, memoryMib: 0, diskGib: 0, gpus: [] },
    version,
    ...overrides,
  };
}

/** The nodes table as the repository answers it, counting what each read costs. */
class FakeNodes {
  rows = new Map<string, PlacementNode>();
  wholeReads = 0;
  nodesRead = 0;

  constructor(nodes: PlacementNode[]) {
    for (const n of nodes) this.rows.set(n.id, n);
  }

  private live(): PlacementNode[] {
    return [...this.rows.values()].filter((n) => n.status !== 'decommissioned').sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  readForPlacement = async (): Promise<PlacementNodesRead> => {
    this.wholeReads += 1;
    this.nodesRead += this.live().length;
    return { readAt: new Date(), nodes: this.live() };
  };

  placementVersions = async (): Promise<Map<string, number>> => new Map(this.live().map((n) => [n.id, n.version]));

  readNodes = async (ids: readonly string[]): Promise<PlacementNode[]> => {
    const found = ids.map((id) => this.rows.get(id)).filter((n): n is PlacementNode => n !== undefined);
    this.nodesRead += found.length;
    return found;
  };

  changedSince = async (): Promise<PlacementNodesRead> => ({ readAt: new Date(), nodes: [] });

  get repository(): NodeCapacityRepository {
    return this as unknown as NodeCapacityRepository;
  }
}

/** What a snapshot holds, by id: enough to compare with the table. */
function held(nodes: readonly { id: string; allocated: { vcpu: number }; status: string }[]): Array<[string, number, string]> {
  return nodes.map((n) => [n.id, n.allocated.vcpu, n.status] as [string, number, string]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

describe('CandidateSnapshot', () => {
  it('takes a newer node, keeps the node it holds for a read at the same version, ignores an older one', async () => {
    const table = new FakeNodes([node('a', 3), node('b', 3), node('c', 3)]);
    const snapshot = new CandidateSnapshot(table.repository);
    const before = await snapshot.current();
    snapshot.merge([node('a', 4, { allocated: { vcpu: 5, memoryMib: 0, diskGib: 0, gpus: [] } }), node('b', 3), node('c', 2, { status: 'draining' })]);
    const after = await snapshot.current();
    expect(after[0].allocated.vcpu).toBe(5);
    expect(after[1]).toBe(before[1]);
    expect(after[2]).toBe(before[2]);
    expect(after[2].status).toBe('active');
  });

  it('drops a node read as decommissioned and adds a node it did not hold', async () => {
    const table = new FakeNodes([node('a'), node('b')]);
    const snapshot = new CandidateSnapshot(table.repository);
    await snapshot.current();
    snapshot.merge([node('a', 2, { status: 'decommissioned' }), node('z')]);
    expect((await snapshot.current()).map((n) => n.id)).toEqual(['b', 'z']);
  });

  it('reads again only the nodes that changed, joined or left, and ends up as a whole read would', async () => {
    const table = new FakeNodes(Array.from({ length: 100 }, (_, i) => node(`n${String(i).padStart(3, '0')}`)));
    const snapshot = new CandidateSnapshot(table.repository);
    await snapshot.current();
    expect(table.wholeReads).toBe(1);
    table.rows.set('n007', node('n007', 2, { status: 'draining' }));
    table.rows.set('n050', node('n050', 2, { status: 'decommissioned' }));
    table.rows.delete('n051');
    table.rows.set('n100', node('n100'));
    table.nodesRead = 0;
    snapshot.invalidate();
    const nodes = await snapshot.current();
    expect(table.wholeReads).toBe(1);
    expect(table.nodesRead).toBe(2);
    expect(held(nodes)).toEqual(held((await table.readForPlacement()).nodes));
    expect(nodes.find((n) => n.id === 'n007')?.status).toBe('draining');
  });

  it('matches a whole read after any changes to the table (property)', async () => {
    const change = fc.record({
      id: fc.integer({ min: 0, max: 29 }).map((i) => `n${String(i).padStart(2, '0')}`),
      kind: fc.constantFrom('bump', 'decommission', 'delete', 'add'),
    });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 20 }), fc.array(change, { maxLength: 25 }), async (size, changes) => {
        const table = new FakeNodes(Array.from({ length: size }, (_, i) => node(`n${String(i).padStart(2, '0')}`)));
        const snapshot = new CandidateSnapshot(table.repository);
        await snapshot.current();
        for (const { id, kind } of changes) {
          const known = table.rows.get(id);
          if (kind === 'delete') table.rows.delete(id);
          else if (kind === 'add' && !known) table.rows.set(id, node(id));
          else if (known && kind === 'bump') table.rows.set(id, node(id, known.version + 1));
          else if (known && kind === 'decommission') table.rows.set(id, node(id, known.version + 1, { status: 'decommissioned' }));
        }
        snapshot.invalidate();
        const nodes = await snapshot.current();
        expect(held(nodes)).toEqual(held((await table.readForPlacement()).nodes));
        expect(new Set(nodes.map((n) => n.id)).size).toBe(nodes.length);
      }),
      { numRuns: 300 },
    );
  });

  it('reads every node under the round lock the first time, then only what changed since', async () => {
    const table = new FakeNodes([node('a'), node('b')]);
    const snapshot = new CandidateSnapshot(table.repository);
    const db = {} as Db;
    expect((await snapshot.catchUp(db)).map((n) => n.id)).toEqual(['a', 'b']);
    await snapshot.catchUp(db);
    expect(table.wholeReads).toBe(1);
  });
});
