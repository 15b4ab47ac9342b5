import { Injectable } from '@nestjs/common';
import type { Db, Volume } from '@statemesh/database';

/** Injection token of the VolumeAttachmentNotifier. */
export const VOLUME_ATTACHMENT_NOTIFIER = Symbol('VolumeAttachmentNotifier');

/**
 * Tells the node running a VM that one of its volumes changed, so that its
 * agent hot-plugs, unplugs or grows the disk. Storage records the change;
 * delivering it is the compute context's job (it knows where the VM runs and
 * owns the assignments handed to agents), so compute provides this interface
 * by rebinding the token. Each method runs inside the transaction that made
 * the change (`db`), so an assignment or outbox row written with it commits
 * or rolls back together with the volume row. Implementations must be safe
 * to call for a VM that has no node yet (nothing to deliver until it is
 * placed: placement hands the VM its volumes).
 */
export interface VolumeAttachmentNotifier {
  attached(volume: Volume, vmId: string, db: Db): Promise<void>;
  detached(volume: Volume, vmId: string, db: Db): Promise<void>;
  resized(volume: Volume, vmId: string, db: Db): Promise<void>;
}

/** The default: records only. Used until the compute context provides delivery. */
@Injectable()
export class NoopVolumeAttachmentNotifier implements VolumeAttachmentNotifier {
  async attached(): Promise<void> {}
  async detached(): Promise<void> {}
  async resized(): Promise<void> {}
}
