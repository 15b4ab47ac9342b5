import { Module, type DynamicModule, type ModuleMetadata, type Type } from '@nestjs/common';
import { SecretsModule } from '@statemesh/secrets';
import { VolumeSnapshotRepository } from './snapshots/volume-snapshot.repository';
import { VolumeSnapshotsController } from './snapshots/volume-snapshots.controller';
import { VolumeSnapshotsService } from './snapshots/volume-snapshots.service';
import { SourceHostResolver } from './volumes/source-host.resolver';
import { NoopVolumeAttachmentNotifier, VOLUME_ATTACHMENT_NOTIFIER, type VolumeAttachmentNotifier } from './volumes/volume-attachment.notifier';
import { VolumeAttachmentService } from './volumes/volume-attachment.service';
import { VolumeRepository } from './volumes/volume.repository';
import { VolumesController } from './volumes/volumes.controller';
import { VolumesService } from './volumes/volumes.service';

/**
 * Volumes and their snapshots: the `/v1/accounts/{a}/volumes` and
 * `/snapshots` routes, and the services the compute context uses
 * (VolumeAttachmentService, VolumeSnapshotsService.recordSnapshot). Compute
 * delivers attachment changes to node agents by providing
 * VOLUME_ATTACHMENT_NOTIFIER (the default records only; see
 * VolumeAttachmentNotifier). Needs the global ConfigModule and DatabaseModule.
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
    { provide: VOLUME_ATTACHMENT_NOTIFIER, useClass: NoopVolumeAttachmentNotifier },
  ],
  exports: [VolumeAttachmentService, VolumeSnapshotsService, VOLUME_ATTACHMENT_NOTIFIER],
})
export class VolumesModule {
  /**
   * VolumesModule with attachment changes delivered by `notifier` instead of
   * the no-op default. `imports` are the modules the notifier's own
   * dependencies come from.
   */
  static withAttachmentNotifier(notifier: Type<VolumeAttachmentNotifier>, imports: ModuleMetadata['imports'] = []): DynamicModule {
    return { module: VolumesModule, imports, providers: [{ provide: VOLUME_ATTACHMENT_NOTIFIER, useClass: notifier }] };
  }
}
