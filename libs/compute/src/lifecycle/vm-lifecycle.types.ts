export const VM_STATUSES = [
  'pending',
  'scheduled',
  'provisioning',
  'running',
  'stopping',
  'stopped',
  'starting',
  'restarting',
  'deleting',
  'deleted',
  'unschedulable',
  'failed',
  'suspended',
  'rescheduling',
  'crashLoop',
] as const;

export type VmStatus = (typeof VM_STATUSES)[number];

export type VmMode = 'persistent' | 'transient';

/** What a user may ask for through the API. */
export const VM_USER_ACTIONS = ['start', 'stop', 'restart', 'reset', 'delete'] as const;

export type VmUserAction = (typeof VM_USER_ACTIONS)[number];

/**
 * What the platform reports: placement outcomes, node agent status reports
 * (`reported*`), node loss, billing, and the end of deletion clean-up.
 */
export const VM_SYSTEM_EVENTS = [
  'placed',
  'placementFailed',
  'reportedProvisioning',
  'reportedRunning',
  'reportedStopped',
  'reportedFailed',
  'nodeLost',
  'walletSuspended',
  'crashLooped',
  'deleted',
] as const;

export type VmSystemEvent = (typeof VM_SYSTEM_EVENTS)[number];

export const VM_LIFECYCLE_EVENTS = [...VM_USER_ACTIONS, ...VM_SYSTEM_EVENTS] as const;

export type VmLifecycleEvent = VmUserAction | VmSystemEvent;

export interface VmTransitionContext {
  /** Reset re-images the root disk, which only transient VMs allow. Defaults to persistent. */
  mode?: VmMode;
  /**
   * Whether the VM still has a node. A VM at rest (stopped, failed,
   * suspended) keeps its status when its node is lost, and starting it then
   * has to go through placement again. Defaults to `isActiveOnNode(current)`.
   */
  hasNode?: boolean;
}

export type VmTransitionRejectionCode = 'vm.invalid_transition' | 'vm.reset_requires_transient';

export type VmTransition =
  | { allowed: true; next: VmStatus }
  | { allowed: false; code: VmTransitionRejectionCode; reason: string; current: VmStatus };
