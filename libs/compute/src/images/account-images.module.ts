import { Module } from '@nestjs/common';
import { ComputeCoreModule } from '../compute-core.module';
import { AccountImageRepository } from './account-image.repository';
import { AccountImagesController } from './account-images.controller';
import { AccountImagesService } from './account-images.service';

/** Account images (templates captured from VMs): `/v1/accounts/{a}/images` and `POST .../vms/{id}/images`. */
@Module({
  imports: [ComputeCoreModule],
  controllers: [AccountImagesController],
  providers: [AccountImageRepository, AccountImagesService],
})
export class AccountImagesModule {}
