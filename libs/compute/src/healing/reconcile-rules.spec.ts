import { reconcileNode, type ElsewhereVm, type NodeObservation, type PlacedVm } from './reconcile-rules';

const observedAt = new Date('2026-07-01T12:00:00Z');
const old = new Date('2026-07-01T11:00:00Z');
const SETTLE = 5_000;

function placed(id: string, overrides: Partial<PlacedVm> = {}): PlacedVm {
  return { id, status: 'running', generation: 2, statusChangedAt: old, hasOpenAssignment: false, ...overrides };
}

function elsewhere(id: string, overrides: Partial<ElsewhereVm> = {}): ElsewhereVm {
  return { id, status: 'running', nodeId: 'node-b', generation: 3, deleteOpen: false, ...overrides };
}

function node(parts: Partial<NodeObservation>): NodeObservation {
  return { nodeId: 'node-a', observedAt, placed: [], observed: [], elsewhere: new Map(), ...parts };
}

describe('reconcileNode', () => {
  it('does nothing when the node holds exactly what is placed on it', () => {
    expect(reconcileNode(node({ placed: [placed('a'), placed('b', { status: 'stopped' })], observed: [{ id: 'a', state: 'running', generation: 2 }, { id: 'b', state: 'stopped' }] }), SETTLE)).toEqual([]);
  });

  it('creates again a VM the node lost, or never got, once its status has settled', () => {
    const actions = reconcileNode(node({ placed: [placed('a'), placed('s', { status: 'scheduled' })] }), SETTLE);
    expect(actions).toEqual([
      { kind: 'recreate', vmId: 'a', reason: 'the node no longer holds the VM' },
      { kind: 'recreate', vmId: 's', reason: 'the create-vm assignment was lost' },
    ]);
  });

  it('waits while an assignment is in flight or the status is newer than the report', () => {
    const fresh = new Date(observedAt.getTime() - 1_000);
    expect(reconcileNode(node({ placed: [placed('a', { hasOpenAssignment: true }), placed('b', { statusChangedAt: fresh })] }), SETTLE)).toEqual([]);
  });

  it('finishes a deletion whose acknowledgement was lost', () => {
    expect(reconcileNode(node({ placed: [placed('d', { status: 'deleting' })] }), SETTLE)).toEqual([{ kind: 'finish-deletion', vmId: 'd' }]);
  });

  it('never recreates VMs that should not exist on the node', () => {
    expect(reconcileNode(node({ placed: [placed('r', { status: 'rescheduling' }), placed('p', { status: 'pending' })] }), SETTLE)).toEqual([]);
  });

  it('has the node destroy copies of VMs placed elsewhere, or deleted', () => {
    const actions = reconcileNode(
      node({
        observed: [{ id: 'moved', state: 'stopped', generation: 2 }, { id: 'gone', state: 'running' }, { id: 'pending-delete', state: 'running' }],
        elsewhere: new Map([
          ['moved', elsewhere('moved')],
          ['gone', elsewhere('gone', { status: 'deleted', nodeId: null })],
          ['pending-delete', elsewhere('pending-delete', { deleteOpen: true })],
        ]),
      }),
      SETTLE,
    );
    expect(actions).toEqual([
      { kind: 'delete-stale-copy', vmId: 'moved', reason: 'the VM now runs on node node-b' },
      { kind: 'delete-stale-copy', vmId: 'gone', reason: 'the VM was deleted' },
    ]);
  });

  it('flags what it cannot explain instead of touching it', () => {
    const actions = reconcileNode(
      node({ observed: [{ id: 'stranger', state: 'running' }, { id: 'ahead', state: 'running', generation: 9 }], elsewhere: new Map([['ahead', elsewhere('ahead')]]) }),
      SETTLE,
    );
    expect(actions.map((action) => action.kind)).toEqual(['flag-unknown', 'flag-unknown']);
  });

  it('removes an older copy of a VM placed on the same node again when no new create-vm is coming', () => {
    expect(reconcileNode(node({ placed: [placed('a', { generation: 4 })], observed: [{ id: 'a', state: 'running', generation: 3 }] }), SETTLE)).toEqual([
      { kind: 'delete-stale-copy', vmId: 'a', reason: 'generation 3 is older than 4' },
    ]);
  });
});
