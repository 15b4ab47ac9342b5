import { assertNever } from '../compute.errors';
import {
  VM_USER_ACTIONS,
  VmLifecycleEvent,
  VmMode,
  VmStatus,
  VmTransition,
  VmTransitionContext,
  VmUserAction,
} from './vm-lifecycle.types';

/**
 * The VM lifecycle (DESIGN §5) as one pure function.
 *
 * Rules worth knowing:
 * - A user action that would not change anything ("start" on a running VM,
 *   "stop" on a stopped one) is refused like any illegal action (409), with
 *   a reason saying so, rather than silently succeeding: the caller then knows
 *   no operation was started.
 * - `delete` is accepted from every status but `deleted`, including
 *   `deleting`, so a retried DELETE is harmless.
 * - Node agents resend reports, so a report of the status the VM already has
 *   is accepted and changes nothing. Reports that contradict what the
 *   platform asked for (say `running` while the VM is stopping) are stale and
 *   refused; the caller ignores them.
 * - VMs at rest (stopped, failed, suspended) keep their status when their
 *   node is lost; they just have no node any more, and starting one then goes
 *   back through placement (`pending`). VMs that were meant to be up go to
 *   `rescheduling`. A VM being stopped when its node goes counts as stopped.
 * - `restart` is its own status, so clients can see a restart in progress.
 * - `reset` (transient VMs only) re-images the root disk on the VM's node:
 *   running or stopped → provisioning; the agent then reports the VM running
 *   or stopped again.
 */
export function transition(
  current: VmStatus,
  event: VmLifecycleEvent,
  context: VmTransitionContext = {},
): VmTransition {
  const hasNode = context.hasNode ?? isActiveOnNode(current);
  const mode: VmMode = context.mode ?? 'persistent';
  const to = (next: VmStatus): VmTransition => ({ allowed: true, next });
  const refuse = (reason: string): VmTransition => ({
    allowed: false,
    code: 'vm.invalid_transition',
    reason,
    current,
  });
  const cannot = (action: VmUserAction): VmTransition =>
    refuse(`Cannot ${action} a VM that is ${STATUS_PHRASES[current]}.`);
  const already = (): VmTransition => refuse(`The VM is already ${STATUS_PHRASES[current]}.`);
  const stale = (): VmTransition =>
    refuse(`Event ${event} does not apply to a VM that is ${STATUS_PHRASES[current]}.`);

  switch (event) {
    case 'start':
      switch (current) {
        case 'stopped':
        case 'failed':
        case 'suspended':
          return to(hasNode ? 'starting' : 'pending');
        case 'crashLoop':
          return to('starting');
        case 'running':
        case 'starting':
          return already();
        case 'pending':
        case 'scheduled':
        case 'provisioning':
        case 'stopping':
        case 'restarting':
        case 'deleting':
        case 'deleted':
        case 'unschedulable':
        case 'rescheduling':
          return cannot(event);
        default:
          return assertNever(current);
      }

    case 'stop':
      switch (current) {
        case 'running':
        case 'starting':
        case 'restarting':
        case 'crashLoop':
          return to('stopping');
        case 'stopping':
        case 'stopped':
          return already();
        case 'pending':
        case 'scheduled':
        case 'provisioning':
        case 'deleting':
        case 'deleted':
        case 'unschedulable':
        case 'failed':
        case 'suspended':
        case 'rescheduling':
          return cannot(event);
        default:
          return assertNever(current);
      }

    case 'restart':
      switch (current) {
        case 'running':
        case 'crashLoop':
          return to('restarting');
        case 'restarting':
          return already();
        case 'pending':
        case 'scheduled':
        case 'provisioning':
        case 'stopping':
        case 'stopped':
        case 'starting':
        case 'deleting':
        case 'deleted':
        case 'unschedulable':
        case 'failed':
        case 'suspended':
        case 'rescheduling':
          return cannot(event);
        default:
          return assertNever(current);
      }

    case 'reset':
      if (mode !== 'transient') {
        return {
          allowed: false,
          code: 'vm.reset_requires_transient',
          reason: 'Only transient VMs can be reset; a persistent VM keeps its root disk.',
          current,
        };
      }
      switch (current) {
        case 'running':
          return to('provisioning');
        case 'stopped':
          // Without a node there is no root disk to re-image; a start provisions a fresh one anyway.
          return hasNode ? to('provisioning') : refuse('The VM lost its node; start it to get a fresh root disk.');
        case 'pending':
        case 'scheduled':
        case 'provisioning':
        case 'stopping':
        case 'starting':
        case 'restarting':
        case 'deleting':
        case 'deleted':
        case 'unschedulable':
        case 'failed':
        case 'suspended':
        case 'rescheduling':
        case 'crashLoop':
          return cannot(event);
        default:
          return assertNever(current);
      }

    case 'delete':
      return current === 'deleted' ? already() : to('deleting');

    case 'placed':
      switch (current) {
        case 'pending':
        case 'unschedulable':
        case 'rescheduling':
          return to('scheduled');
        case 'scheduled':
        case 'provisioning':
        case 'running':
        case 'stopping':
        case 'stopped':
        case 'starting':
        case 'restarting':
        case 'deleting':
        case 'deleted':
        case 'failed':
        case 'suspended':
        case 'crashLoop':
          // The placement worker must release the reservation it just made.
          return stale();
        default:
          return assertNever(current);
      }

    case 'placementFailed':
      switch (current) {
        case 'pending':
        case 'unschedulable':
        case 'rescheduling':
          return to('unschedulable');
        case 'scheduled':
        case 'provisioning':
        case 'running':
        case 'stopping':
        case 'stopped':
        case 'starting':
        case 'restarting':
        case 'deleting':
        case 'deleted':
        case 'failed':
        case 'suspended':
        case 'crashLoop':
          return stale();
        default:
          return assertNever(current);
      }

    case 'reportedProvisioning':
      switch (current) {
        case 'scheduled':
        case 'provisioning':
          return to('provisioning');
        case 'pending':
        case 'running':
        case 'stopping':
        case 'stopped':
        case 'starting':
        case 'restarting':
        case 'deleting':
        case 'deleted':
        case 'unschedulable':
        case 'failed':
        case 'suspended':
        case 'rescheduling':
        case 'crashLoop':
          return stale();
        default:
          return assertNever(current);
      }

    case 'reportedRunning':
    case 'crashLooped':
      switch (current) {
        case 'scheduled':
        case 'provisioning':
        case 'running':
        case 'starting':
        case 'restarting':
        case 'crashLoop':
        // A failed VM comes back when the agent reruns it (run strategy rerunOnFailure or always).
        case 'failed':
          return to(event === 'reportedRunning' ? 'running' : 'crashLoop');
        case 'pending':
        case 'stopping':
        case 'stopped':
        case 'deleting':
        case 'deleted':
        case 'unschedulable':
        case 'suspended':
        case 'rescheduling':
          return stale();
        default:
          return assertNever(current);
      }

    case 'reportedStopped':
      switch (current) {
        // From scheduled/provisioning: a VM created or re-imaged to stay off (run strategy halted).
        // From running/starting/restarting/crashLoop: the guest shut itself down or did not come up.
        case 'scheduled':
        case 'provisioning':
        case 'running':
        case 'stopping':
        case 'stopped':
        case 'starting':
        case 'restarting':
        case 'failed':
        case 'crashLoop':
          return to('stopped');
        case 'suspended':
          // The agent confirming it powered the VM off for the suspension.
          return to('suspended');
        case 'pending':
        case 'deleting':
        case 'deleted':
        case 'unschedulable':
        case 'rescheduling':
          return stale();
        default:
          return assertNever(current);
      }

    case 'reportedFailed':
      switch (current) {
        case 'scheduled':
        case 'provisioning':
        case 'running':
        case 'stopping':
        case 'stopped':
        case 'starting':
        case 'restarting':
        case 'failed':
        case 'crashLoop':
          return to('failed');
        case 'pending':
        case 'deleting': // stays deleting: clean-up is retried until it succeeds
        case 'deleted':
        case 'unschedulable':
        case 'suspended':
        case 'rescheduling':
          return stale();
        default:
          return assertNever(current);
      }

    case 'nodeLost':
      switch (current) {
        case 'scheduled':
        case 'provisioning':
        case 'running':
        case 'starting':
        case 'restarting':
        case 'crashLoop':
          return to('rescheduling');
        case 'stopping':
        case 'stopped':
          return to('stopped');
        case 'failed':
        case 'suspended':
          return to(current);
        case 'deleting':
          // Nothing is left on a lost node to clean up.
          return to('deleted');
        case 'pending':
        case 'deleted':
        case 'unschedulable':
        case 'rescheduling':
          return stale();
        default:
          return assertNever(current);
      }

    case 'walletSuspended':
      switch (current) {
        case 'pending':
        case 'scheduled':
        case 'provisioning':
        case 'running':
        case 'stopping':
        case 'stopped':
        case 'starting':
        case 'restarting':
        case 'unschedulable':
        case 'failed':
        case 'suspended':
        case 'rescheduling':
        case 'crashLoop':
          return to('suspended');
        case 'deleting':
        case 'deleted':
          return stale();
        default:
          return assertNever(current);
      }

    case 'deleted':
      return current === 'deleting' ? to('deleted') : stale();

    default:
      return assertNever(event);
  }
}

/** `deleted` is the only status nothing leaves. */
export function isTerminal(status: VmStatus): boolean {
  return status === 'deleted';
}

/**
 * Whether a VM in this status holds a capacity reservation on its node, as
 * long as it still has one. Only `pending`, `unschedulable`, `rescheduling`
 * and `deleted` never do. A stopped or suspended VM keeps its reservation so
 * that its root disk survives and starting it cannot fail for lack of room;
 * a deleting VM keeps it until the agent has cleaned up.
 */
export function isActiveOnNode(status: VmStatus): boolean {
  switch (status) {
    case 'scheduled':
    case 'provisioning':
    case 'running':
    case 'stopping':
    case 'stopped':
    case 'starting':
    case 'restarting':
    case 'deleting':
    case 'failed':
    case 'suspended':
    case 'crashLoop':
      return true;
    case 'pending':
    case 'deleted':
    case 'unschedulable':
    case 'rescheduling':
      return false;
    default:
      return assertNever(status);
  }
}

/** The user actions the API should offer for a VM, in a stable order. */
export function allowedActions(status: VmStatus, mode: VmMode, hasNode?: boolean): VmUserAction[] {
  return VM_USER_ACTIONS.filter((action) => transition(status, action, { mode, hasNode }).allowed);
}

const STATUS_PHRASES: Record<VmStatus, string> = {
  pending: 'waiting for placement',
  scheduled: 'scheduled',
  provisioning: 'provisioning',
  running: 'running',
  stopping: 'stopping',
  stopped: 'stopped',
  starting: 'starting',
  restarting: 'restarting',
  deleting: 'being deleted',
  deleted: 'deleted',
  unschedulable: 'waiting for capacity (unschedulable)',
  failed: 'failed',
  suspended: 'suspended',
  rescheduling: 'being rescheduled',
  crashLoop: 'crash-looping',
};
