import { Module } from '@nestjs/common';
import { SecretsModule } from '@statemesh/secrets';
import { VolumeSnapshotRepository } from './snapshots/volume-snapshot.repository';
import { VolumeSnapshotsController } from './snapshots/volume-snapshots.controller';
import { VolumeSnapshotsService } from './snapshots/volume-snapshots.service';
import { SourceHostResolver } from './volumes/source-host.resolver';
import { VOLUME_ATTACHMENT_NOTIFIER, VolumeAttachmentRelay } from './volumes/volume-attachment.notifier';
import { VolumeAttachmentService } from './volumes/volume-attachment.service';
import { VolumeRepository } from './volumes/volume.repository';
import { VolumesController } from './volumes/volumes.controller';
import { VolumesService } from './volumes/volumes.service';

/**
 * Volumes and their snapshots: the `/v1/accounts/{a}/volumes` and
 * `/snapshots` routes, and the services the compute context uses
 * (VolumeAttachmentService, VolumeSnapshotsService.recordSnapshot). Compute
 * delivers attachment changes to node agents by connecting its delivery to
 * the VolumeAttachmentRelay (without one, changes are only recorded).
 * Needs the global ConfigModule and DatabaseModule.
 */
@Module({
  imports: [SecretsModule],
  controllers: [VolumesController, VolumeSnapshotsController],
  providers: [
    VolumeRepository,
    VolumeSnapshotRepository,
    VolumesService,
    VolumeAttachmentService,
    VolumeSnapshotsService,
    SourceHostResolver,
    VolumeAttachmentRelay,
    { provide: VOLUME_ATTACHMENT_NOTIFIER, useExisting: VolumeAttachmentRelay },
  ],
  exports: [VolumeAttachmentService, VolumeSnapshotsService, VolumeAttachmentRelay],
})
export class VolumesModule {}
