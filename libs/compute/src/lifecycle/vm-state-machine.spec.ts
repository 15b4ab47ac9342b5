import {
  VM_LIFECYCLE_EVENTS,
  VM_STATUSES,
  VM_SYSTEM_EVENTS,
  VM_USER_ACTIONS,
  VmLifecycleEvent,
  VmStatus,
} from './vm-lifecycle.types';
import { allowedActions, isActiveOnNode, isTerminal, transition } from './vm-state-machine';

const X = 'refused' as const;
type Expected = VmStatus | typeof X;

/**
 * Every (status × event) pair, for a transient VM that still has its node
 * (the context only matters for reset and for VMs at rest that lost their
 * node; those are tested below). Typed as a complete record so that adding a
 * status or an event does not compile until this table says what it does.
 */
// prettier-ignore
const TABLE: Record<VmStatus, Record<VmLifecycleEvent, Expected>> = {
  pending: {
    start: X, stop: X, restart: X, reset: X, delete: 'deleting',
    placed: 'scheduled', placementFailed: 'unschedulable',
    reportedProvisioning: X, reportedRunning: X, reportedStopped: X, reportedFailed: X,
    nodeLost: X, walletSuspended: 'suspended', crashLooped: X, deleted: X,
  },
  scheduled: {
    start: X, stop: X, restart: X, reset: X, delete: 'deleting',
    placed: X, placementFailed: X,
    reportedProvisioning: 'provisioning', reportedRunning: 'running', reportedStopped: 'stopped', reportedFailed: 'failed',
    nodeLost: 'rescheduling', walletSuspended: 'suspended', crashLooped: 'crashLoop', deleted: X,
  },
  provisioning: {
    start: X, stop: X, restart: X, reset: X, delete: 'deleting',
    placed: X, placementFailed: X,
    reportedProvisioning: 'provisioning', reportedRunning: 'running', reportedStopped: 'stopped', reportedFailed: 'failed',
    nodeLost: 'rescheduling', walletSuspended: 'suspended', crashLooped: 'crashLoop', deleted: X,
  },
  running: {
    start: X, stop: 'stopping', restart: 'restarting', reset: 'provisioning', delete: 'deleting',
    placed: X, placementFailed: X,
    reportedProvisioning: X, reportedRunning: 'running', reportedStopped: 'stopped', reportedFailed: 'failed',
    nodeLost: 'rescheduling', walletSuspended: 'suspended', crashLooped: 'crashLoop', deleted: X,
  },
  stopping: {
    start: X, stop: X, restart: X, reset: X, delete: 'deleting',
    placed: X, placementFailed: X,
    reportedProvisioning: X, reportedRunning: X, reportedStopped: 'stopped', reportedFailed: 'failed',
    nodeLost: 'stopped', walletSuspended: 'suspended', crashLooped: X, deleted: X,
  },
  stopped: {
    start: 'starting', stop: X, restart: X, reset: 'provisioning', delete: 'deleting',
    placed: X, placementFailed: X,
    reportedProvisioning: X, reportedRunning: X, reportedStopped: 'stopped', reportedFailed: 'failed',
    nodeLost: 'stopped', walletSuspended: 'suspended', crashLooped: X, deleted: X,
  },
  starting: {
    start: X, stop: 'stopping', restart: X, reset: X, delete: 'deleting',
    placed: X, placementFailed: X,
    reportedProvisioning: X, reportedRunning: 'running', reportedStopped: 'stopped', reportedFailed: 'failed',
    nodeLost: 'rescheduling', walletSuspended: 'suspended', crashLooped: 'crashLoop', deleted: X,
  },
  restarting: {
    start: X, stop: 'stopping', restart: X, reset: X, delete: 'deleting',
    placed: X, placementFailed: X,
    reportedProvisioning: X, reportedRunning: 'running', reportedStopped: 'stopped', reportedFailed: 'failed',
    nodeLost: 'rescheduling', walletSuspended: 'suspended', crashLooped: 'crashLoop', deleted: X,
  },
  deleting: {
    start: X, stop: X, restart: X, reset: X, delete: 'deleting',
    placed: X, placementFailed: X,
    reportedProvisioning: X, reportedRunning: X, reportedStopped: X, reportedFailed: X,
    nodeLost: 'deleted', walletSuspended: X, crashLooped: X, deleted: 'deleted',
  },
  deleted: {
    start: X, stop: X, restart: X, reset: X, delete: X,
    placed: X, placementFailed: X,
    reportedProvisioning: X, reportedRunning: X, reportedStopped: X, reportedFailed: X,
    nodeLost: X, walletSuspended: X, crashLooped: X, deleted: X,
  },
  unschedulable: {
    start: X, stop: X, restart: X, reset: X, delete: 'deleting',
    placed: 'scheduled', placementFailed: 'unschedulable',
    reportedProvisioning: X, reportedRunning: X, reportedStopped: X, reportedFailed: X,
    nodeLost: X, walletSuspended: 'suspended', crashLooped: X, deleted: X,
  },
  failed: {
    start: 'starting', stop: X, restart: X, reset: X, delete: 'deleting',
    placed: X, placementFailed: X,
    reportedProvisioning: X, reportedRunning: 'running', reportedStopped: 'stopped', reportedFailed: 'failed',
    nodeLost: 'failed', walletSuspended: 'suspended', crashLooped: 'crashLoop', deleted: X,
  },
  suspended: {
    start: 'starting', stop: X, restart: X, reset: X, delete: 'deleting',
    placed: X, placementFailed: X,
    reportedProvisioning: X, reportedRunning: X, reportedStopped: 'suspended', reportedFailed: X,
    nodeLost: 'suspended', walletSuspended: 'suspended', crashLooped: X, deleted: X,
  },
  rescheduling: {
    start: X, stop: X, restart: X, reset: X, delete: 'deleting',
    placed: 'scheduled', placementFailed: 'unschedulable',
    reportedProvisioning: X, reportedRunning: X, reportedStopped: X, reportedFailed: X,
    nodeLost: X, walletSuspended: 'suspended', crashLooped: X, deleted: X,
  },
  crashLoop: {
    start: 'starting', stop: 'stopping', restart: 'restarting', reset: X, delete: 'deleting',
    placed: X, placementFailed: X,
    reportedProvisioning: X, reportedRunning: 'running', reportedStopped: 'stopped', reportedFailed: 'failed',
    nodeLost: 'rescheduling', walletSuspended: 'suspended', crashLooped: 'crashLoop', deleted: X,
  },
};

const pairs = VM_STATUSES.flatMap((status) =>
  VM_LIFECYCLE_EVENTS.map((event) => [status, event, TABLE[status][event]] as const),
);

describe('transition', () => {
  it('has a table row for every status and a cell for every event', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...VM_STATUSES].sort());
    for (const status of VM_STATUSES) expect(Object.keys(TABLE[status]).sort()).toEqual([...VM_LIFECYCLE_EVENTS].sort());
    expect(pairs).toHaveLength(15 * 15);
  });

  it.each(pairs)('%s + %s → %s', (status, event, expected) => {
    const result = transition(status, event, { mode: 'transient' });
    if (expected === X) {
      expect(result).toEqual({ allowed: false, code: 'vm.invalid_transition', reason: expect.any(String), current: status });
    } else {
      expect(result).toEqual({ allowed: true, next: expected });
    }
  });

  it('refuses to reset a persistent VM whatever its status, and says why', () => {
    for (const status of VM_STATUSES) {
      expect(transition(status, 'reset', { mode: 'persistent' })).toEqual({
        allowed: false,
        code: 'vm.reset_requires_transient',
        reason: 'Only transient VMs can be reset; a persistent VM keeps its root disk.',
        current: status,
      });
    }
    expect(transition('running', 'reset')).toMatchObject({ allowed: false, code: 'vm.reset_requires_transient' });
  });

  it('sends a VM at rest that lost its node back through placement when started', () => {
    for (const status of ['stopped', 'failed', 'suspended'] as const) {
      expect(transition(status, 'start', { hasNode: false })).toEqual({ allowed: true, next: 'pending' });
      expect(transition(status, 'start', { hasNode: true })).toEqual({ allowed: true, next: 'starting' });
    }
    expect(transition('stopped', 'reset', { mode: 'transient', hasNode: false })).toEqual({
      allowed: false,
      code: 'vm.invalid_transition',
      reason: 'The VM lost its node; start it to get a fresh root disk.',
      current: 'stopped',
    });
  });

  it('ignores hasNode wherever it cannot matter', () => {
    for (const [status, event] of pairs) {
      if (event === 'start' && ['stopped', 'failed', 'suspended'].includes(status)) continue;
      if (event === 'reset' && status === 'stopped') continue;
      for (const mode of ['persistent', 'transient'] as const) {
        expect(transition(status, event, { mode, hasNode: false })).toEqual(transition(status, event, { mode, hasNode: true }));
      }
    }
  });

  it('says "already" when a user asks for what is already happening', () => {
    expect(transition('running', 'start')).toMatchObject({ reason: 'The VM is already running.' });
    expect(transition('starting', 'start')).toMatchObject({ reason: 'The VM is already starting.' });
    expect(transition('stopped', 'stop')).toMatchObject({ reason: 'The VM is already stopped.' });
    expect(transition('stopping', 'stop')).toMatchObject({ reason: 'The VM is already stopping.' });
    expect(transition('restarting', 'restart')).toMatchObject({ reason: 'The VM is already restarting.' });
    expect(transition('deleted', 'delete')).toMatchObject({ reason: 'The VM is already deleted.' });
  });

  it('names the action and the status when refusing', () => {
    expect(transition('pending', 'stop')).toMatchObject({ reason: 'Cannot stop a VM that is waiting for placement.' });
    expect(transition('crashLoop', 'reset', { mode: 'transient' })).toMatchObject({
      reason: 'Cannot reset a VM that is crash-looping.',
    });
    expect(transition('stopping', 'reportedRunning')).toMatchObject({
      reason: 'Event reportedRunning does not apply to a VM that is stopping.',
    });
  });
});

describe('lifecycle invariants', () => {
  const allowed = pairs.filter(([, , expected]) => expected !== X) as Array<readonly [VmStatus, VmLifecycleEvent, VmStatus]>;

  it('follows the happy paths of DESIGN §5', () => {
    const run = (start: VmStatus, events: VmLifecycleEvent[]) =>
      events.reduce<VmStatus>((status, event) => {
        const result = transition(status, event, { mode: 'transient' });
        if (!result.allowed) throw new Error(`${event} refused in ${status}: ${result.reason}`);
        return result.next;
      }, start);
    expect(run('pending', ['placed', 'reportedProvisioning', 'reportedRunning'])).toBe('running');
    expect(run('running', ['stop', 'reportedStopped', 'start', 'reportedRunning'])).toBe('running');
    expect(run('running', ['delete', 'deleted'])).toBe('deleted');
    expect(run('pending', ['placementFailed', 'placementFailed', 'placed'])).toBe('scheduled');
    expect(run('running', ['nodeLost', 'placed', 'reportedRunning'])).toBe('running');
    expect(run('running', ['walletSuspended', 'reportedStopped', 'start', 'reportedRunning'])).toBe('running');
    expect(run('running', ['restart', 'reportedRunning'])).toBe('running');
    expect(run('running', ['reset', 'reportedProvisioning', 'reportedRunning'])).toBe('running');
  });

  it('leaves deleted only as a terminal status', () => {
    expect(VM_STATUSES.filter(isTerminal)).toEqual(['deleted']);
    for (const status of VM_STATUSES) {
      const exits = allowed.filter(([from]) => from === status);
      expect(exits.length === 0).toBe(isTerminal(status));
    }
  });

  it('can reach every status from pending, and deleted from every status', () => {
    const reachable = (from: VmStatus) => {
      const seen = new Set<VmStatus>([from]);
      const queue = [from];
      while (queue.length > 0) {
        const status = queue.shift()!;
        for (const [source, , next] of allowed) {
          if (source === status && !seen.has(next)) {
            seen.add(next);
            queue.push(next);
          }
        }
      }
      return seen;
    };
    expect([...reachable('pending')].sort()).toEqual([...VM_STATUSES].sort());
    for (const status of VM_STATUSES) expect(reachable(status).has('deleted')).toBe(true);
  });

  it('accepts node agent reports only for VMs that are on a node', () => {
    const reports = ['reportedProvisioning', 'reportedRunning', 'reportedStopped', 'reportedFailed', 'crashLooped'];
    for (const [status, event] of allowed) {
      if (reports.includes(event)) expect(isActiveOnNode(status)).toBe(true);
    }
  });

  it('places only VMs that have no node, onto one', () => {
    for (const [status, event, next] of allowed) {
      if (event === 'placed') {
        expect(isActiveOnNode(status)).toBe(false);
        expect(isActiveOnNode(next)).toBe(true);
      }
    }
  });

  it('lets a retried DELETE through from every status but deleted', () => {
    for (const status of VM_STATUSES) {
      expect(transition(status, 'delete').allowed).toBe(status !== 'deleted');
    }
  });

  it('keeps user actions and system events apart', () => {
    expect([...VM_USER_ACTIONS, ...VM_SYSTEM_EVENTS]).toEqual([...VM_LIFECYCLE_EVENTS]);
    expect(new Set(VM_LIFECYCLE_EVENTS).size).toBe(VM_LIFECYCLE_EVENTS.length);
  });
});

describe('isActiveOnNode', () => {
  it.each<[VmStatus, boolean]>([
    ['pending', false],
    ['scheduled', true],
    ['provisioning', true],
    ['running', true],
    ['stopping', true],
    ['stopped', true],
    ['starting', true],
    ['restarting', true],
    ['deleting', true],
    ['deleted', false],
    ['unschedulable', false],
    ['failed', true],
    ['suspended', true],
    ['rescheduling', false],
    ['crashLoop', true],
  ])('%s → %p', (status, expected) => {
    expect(isActiveOnNode(status)).toBe(expected);
  });
});

describe('allowedActions', () => {
  it.each<[VmStatus, 'persistent' | 'transient', boolean | undefined, string[]]>([
    ['running', 'persistent', undefined, ['stop', 'restart', 'delete']],
    ['running', 'transient', undefined, ['stop', 'restart', 'reset', 'delete']],
    ['stopped', 'persistent', undefined, ['start', 'delete']],
    ['stopped', 'transient', undefined, ['start', 'reset', 'delete']],
    ['stopped', 'transient', false, ['start', 'delete']],
    ['crashLoop', 'transient', undefined, ['start', 'stop', 'restart', 'delete']],
    ['pending', 'transient', undefined, ['delete']],
    ['suspended', 'persistent', undefined, ['start', 'delete']],
    ['deleting', 'persistent', undefined, ['delete']],
    ['deleted', 'transient', undefined, []],
  ])('%s (%s, hasNode %p) → %j', (status, mode, hasNode, expected) => {
    expect(allowedActions(status, mode, hasNode)).toEqual(expected);
  });
});
