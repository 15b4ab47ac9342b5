import { Injectable } from '@nestjs/common';
import type { Node, Prisma } from '@statemesh/database';
import type { NodeStanding } from './epoch-rules';

export type StandingRow = Pick<
  Node,
  | 'id'
  | 'createdAt'
  | 'status'
  | 'eligible'
  | 'goodEpochs'
  | 'absentEpochs'
  | 'jailedUntilEpoch'
  | 'jailReason'
  | 'lastActiveEpoch'
  | 'lastSeenAt'
  | 'decommissionRequestedAt'
  | 'allocatedVcpu'
  | 'allocatedMemoryMib'
  | 'allocatedDiskGib'
>;

export interface StandingUpdate {
  id: string;
  standing: NodeStanding;
  /** Status, eligibility or jail changed: the node's version moves on. */
  changed: boolean;
}

/** The nodes' standing columns, as the epoch close reads and writes them, all at once. */
@Injectable()
export class NodeStandingRepository {
  /**
   * Every node that can still change standing, locked until the close
   * commits, in id order (one lock order for every closer). Heartbeats,
   * admin actions and capacity reservations on these rows wait meanwhile.
   */
  lockForEpoch(tx: Prisma.TransactionClient): Promise<StandingRow[]> {
    return tx.$queryRaw<StandingRow[]>`
      SELECT id, "createdAt", status, eligible, "goodEpochs", "absentEpochs", "jailedUntilEpoch", "jailReason",
             "lastActiveEpoch", "lastSeenAt", "decommissionRequestedAt", "allocatedVcpu", "allocatedMemoryMib", "allocatedDiskGib"
      FROM nodes WHERE status <> 'decommissioned' ORDER BY id FOR UPDATE`;
  }

  /** Writes the verdicts in one statement. */
  async apply(tx: Prisma.TransactionClient, updates: StandingUpdate[], now: Date): Promise<void> {
    if (updates.length === 0) return;
    const column = <T>(pick: (standing: NodeStanding) => T) => updates.map((update) => pick(update.standing));
    await tx.$executeRaw`
      UPDATE nodes AS n SET
        status = u.status::"NodeStatus",
        eligible = u.eligible,
        "goodEpochs" = u.good_epochs,
        "absentEpochs" = u.absent_epochs,
        "jailedUntilEpoch" = u.jailed_until,
        "jailReason" = u.jail_reason::"NodeJailReason",
        "jailNote" = CASE WHEN u.jail_reason IS NULL THEN NULL ELSE n."jailNote" END,
        "lastActiveEpoch" = u.last_active,
        "statusChangedAt" = CASE WHEN n.status::text <> u.status THEN ${now} ELSE n."statusChangedAt" END,
        "decommissionedAt" = CASE WHEN u.status = 'decommissioned' THEN COALESCE(n."decommissionedAt", ${now}) ELSE n."decommissionedAt" END,
        version = n.version + CASE WHEN u.changed THEN 1 ELSE 0 END,
        "updatedAt" = ${now}
      FROM unnest(
        ${updates.map((update) => update.id)}::text[],
        ${column((s) => s.status)}::text[],
        ${column((s) => s.eligible)}::boolean[],
        ${column((s) => s.goodEpochs)}::int[],
        ${column((s) => s.absentEpochs)}::int[],
        ${column((s) => s.jailedUntilEpoch)}::int[],
        ${column((s) => s.jailReason)}::text[],
        ${column((s) => s.lastActiveEpoch)}::int[],
        ${updates.map((update) => update.changed)}::boolean[]
      ) AS u(id, status, eligible, good_epochs, absent_epochs, jailed_until, jail_reason, last_active, changed)
      WHERE n.id = u.id`;
  }
}
