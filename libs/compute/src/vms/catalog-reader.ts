import { Injectable } from '@nestjs/common';
import { DomainError } from '@statemesh/common';
import { PrismaService } from '@statemesh/database';
import { VmCatalog, type ResolvedVmSpec } from './vm-catalog';
import { VmsErrors } from './vms.errors';

/** Reads the catalog tables to resolve a VM's zone, image and instance type. */
@Injectable()
export class CatalogReader extends VmCatalog {
  constructor(private readonly prisma: PrismaService) {
    super();
  }

  async resolveForVm(request: { zone: string; image: string; instanceType: string; rootDiskGib?: number }): Promise<ResolvedVmSpec> {
    const [zone, image, instanceType] = await Promise.all([
      this.prisma.zone.findUnique({ where: { name: request.zone } }),
      this.prisma.image.findUnique({ where: { name: request.image } }),
      this.prisma.instanceType.findUnique({ where: { name: request.instanceType } }),
    ]);
    const errors: Array<{ field: string; code: string; message: string }> = [];
    if (!zone?.enabled) errors.push({ field: 'zone', code: 'unknown_zone', message: `zone ${request.zone} is not in the catalog` });
    if (!image?.enabled) errors.push({ field: 'image', code: 'unknown_image', message: `image ${request.image} is not in the catalog` });
    if (!instanceType?.enabled) errors.push({ field: 'instanceType', code: 'unknown_instance_type', message: `instance type ${request.instanceType} is not in the catalog` });
    if (image && request.rootDiskGib !== undefined && request.rootDiskGib < image.minDiskGib) {
      errors.push({ field: 'rootDiskGib', code: 'below_image_minimum', message: `image ${image.name} needs a root disk of at least ${image.minDiskGib} GiB` });
    }
    if (errors.length > 0 || !zone || !image || !instanceType) {
      throw new DomainError(VmsErrors['vm.invalid_spec'], errors.map((error) => error.message).join('; ') + '.', {}, errors);
    }
    return { zone, image, instanceType };
  }
}
