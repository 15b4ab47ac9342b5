/**
 * The one map of background work: every job name, its payload and (through the
 * name's prefix) its queue. A capability adds a job by adding one line to
 * `JobPayloads`, named `<queue>.<action>`; the compiler then rejects a wrong
 * payload at every enqueue and a missing handler at its queue's processor.
 *
 * Payloads travel as JSON (a jsonb outbox row, then a Redis hash), so they are
 * plain data: ids and small values, never Dates, class instances or secrets.
 * Declare them as type literals (not interfaces) so they check as JSON.
 */

/** Queues, one per capability; each is processed by one registered processor. */
export const QUEUE_NAMES = ['placement', 'epochs', 'settlement', 'reconciliation', 'maintenance'] as const;

export type QueueName = (typeof QUEUE_NAMES)[number];

export interface JobPayloads {
  /** Find a node for a VM and hand it an assignment. `attempt` counts re-placements. */
  'placement.place-vm': { vmId: string; attempt?: number };
  /** Find nodes for the VMs one create transaction accepted (one job for all of them; their re-placements are `place-vm` jobs). */
  'placement.place-vms': { vmIds: string[] };
  /** Queue waiting VMs again: pending ones whose job may have been lost, and (when `unschedulable`) every unschedulable one. */
  'placement.retry-waiting': { unschedulable?: boolean };
  /** The Time Tower's heartbeat: mark silent nodes unreachable, close due epochs, finish drains. */
  'epochs.tick': Record<string, never>;
  /** Settle every closed settlement period (an hour) of every usage source, oldest first. */
  'settlement.settle-due-hours': Record<string, never>;
  /** Check that every wallet's cached balance equals its ledger entries and every transaction sums to zero. */
  'reconciliation.reconcile-ledger': Record<string, never>;
  /** Self-healing: due run-strategy restarts, VMs off lost or draining nodes, VMs against node reports, due restart schedules. */
  'reconciliation.reconcile-vms': Record<string, never>;
  /** Delete idempotency records whose replay window has passed. */
  'maintenance.prune-idempotency-records': Record<string, never>;
  /** Fold the VM burn changes (appended by every VM write) into one row per account and instance type. */
  'maintenance.fold-vm-burn-changes': Record<string, never>;
}

export type JobName = keyof JobPayloads;

/** The job names that belong to one queue. */
export type JobNameIn<Q extends QueueName> = Extract<JobName, `${Q}.${string}`>;

/** The queue a job name belongs to. */
export type QueueOf<N extends JobName> = N extends `${infer Q extends QueueName}.${string}` ? Q : never;

type IsUnion<T, All = T> = T extends unknown ? ([All] extends [T] ? false : true) : never;

/**
 * The payload of exactly one job name. A union of names (a `JobName` variable)
 * gives `never`, so a payload can never be checked against the wrong job.
 */
export type PayloadOf<N extends JobName> = true extends IsUnion<N> ? never : JobPayloads[N];

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue | undefined };

// Compile-time checks on the map itself: a job name outside every queue, or a
// payload that would not survive JSON, stops the build here with its name.
type JobNamesWithoutQueue = Exclude<JobName, `${QueueName}.${string}`>;
type PayloadsThatAreNotJson = { [N in JobName]: JobPayloads[N] extends { [key: string]: JsonValue | undefined } ? never : N }[JobName];
export const everyJobNameHasAQueue: [JobNamesWithoutQueue] extends [never] ? true : JobNamesWithoutQueue = true;
export const everyPayloadIsJson: [PayloadsThatAreNotJson] extends [never] ? true : PayloadsThatAreNotJson = true;

/** The queue of a job name, at run time (the same rule as `QueueOf`). */
export function queueOf<N extends JobName>(jobName: N): QueueOf<N> {
  const queue = jobName.slice(0, jobName.indexOf('.'));
  if (!(QUEUE_NAMES as readonly string[]).includes(queue)) {
    throw new TypeError(`job name "${jobName}" does not start with a known queue name`);
  }
  return queue as QueueOf<N>;
}

export function isQueueName(value: string): value is QueueName {
  return (QUEUE_NAMES as readonly string[]).includes(value);
}
