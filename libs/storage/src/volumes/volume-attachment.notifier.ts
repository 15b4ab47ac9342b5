import { Injectable } from '@nestjs/common';
import type { Db, Volume, VolumeSnapshot } from '@statemesh/database';

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
  /** A volume was created `creating`: a node must fill it from its source (image, URL, snapshot on a node). */
  volumeCreating(volume: Volume, db: Db): Promise<void>;
  /** A snapshot of a local volume was recorded `creating`: the volume's node must take it. */
  snapshotCreating(snapshot: VolumeSnapshot, volume: Volume, db: Db): Promise<void>;
}

/**
 * The notifier storage injects: it forwards to the delivery the compute
 * context connects at start-up (`connect`), and records only (does nothing
 * more) in a process where none is connected.
 */
@Injectable()
export class VolumeAttachmentRelay implements VolumeAttachmentNotifier {
  private delivery: VolumeAttachmentNotifier | undefined;

  connect(delivery: VolumeAttachmentNotifier): void {
    this.delivery = delivery;
  }

  async attached(volume: Volume, vmId: string, db: Db): Promise<void> {
    await this.delivery?.attached(volume, vmId, db);
  }

  async detached(volume: Volume, vmId: string, db: Db): Promise<void> {
    await this.delivery?.detached(volume, vmId, db);
  }

  async resized(volume: Volume, vmId: string, db: Db): Promise<void> {
    await this.delivery?.resized(volume, vmId, db);
  }

  async volumeCreating(volume: Volume, db: Db): Promise<void> {
    await this.delivery?.volumeCreating(volume, db);
  }

  async snapshotCreating(snapshot: VolumeSnapshot, volume: Volume, db: Db): Promise<void> {
    await this.delivery?.snapshotCreating(snapshot, volume, db);
  }
}
