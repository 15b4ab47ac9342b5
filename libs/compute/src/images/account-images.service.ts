import { Injectable } from '@nestjs/common';
import { DomainError, notFound } from '@statemesh/common';
import { TransactionRunner, isUniqueViolation, type Image } from '@statemesh/database';
import { pageRequest, toPage, type Page } from '@statemesh/http';
import type { AccountAccess } from '@statemesh/identity';
import { AssignmentIssuer } from '../assignments/assignment-issuer';
import { CatalogErrors } from '../catalog/catalog.errors';
import { toImageResponse } from '../catalog/catalog.mapper';
import { VmRepository } from '../vms/vm.repository';
import { AccountImageRepository } from './account-image.repository';
import type { AccountImageResponseDto, CaptureImageDto } from './dto/account-image.dto';
import { ImagesErrors } from './images.errors';

/**
 * Templates: an image captured from a stopped persistent VM's root disk,
 * owned by the account and visible only to it. VMs of the account boot from
 * it by name (`image` on create) — persistent VMs to update it (capture
 * again under a new name), transient VMs to run from it and return to it at
 * every stop. The node holding the root disk takes the snapshot (a
 * `snapshot-vm` assignment with the snapshot id `image-<name>`).
 */
@Injectable()
export class AccountImagesService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly images: AccountImageRepository,
    private readonly vms: VmRepository,
    private readonly issuer: AssignmentIssuer,
  ) {}

  async capture(access: AccountAccess, vmId: string, input: CaptureImageDto, actor: string): Promise<AccountImageResponseDto> {
    const vm = await this.vms.findInAccount(access.accountId, vmId);
    if (!vm) throw notFound('VM');
    if (vm.mode !== 'persistent') throw new DomainError(ImagesErrors['image.vm_not_persistent'], 'A transient VM discards its changes; capture a persistent VM.');
    if (vm.status !== 'stopped' || vm.nodeId === null) {
      throw new DomainError(ImagesErrors['image.vm_not_stopped'], 'Stop the VM first: an image is taken of a stopped root disk.', { currentStatus: vm.status });
    }
    const nodeId = vm.nodeId;
    try {
      const image = await this.tx.run(async (db) => {
        const base = await this.images.findByName(vm.image, db);
        const created = await this.images.create(
          {
            name: input.name,
            displayName: input.displayName ?? `${input.name} (from VM ${vm.name})`,
            osFamily: base?.osFamily ?? 'unknown',
            osVersion: base?.osVersion ?? 'unknown',
            arch: vm.arch,
            minDiskGib: vm.rootDiskGib,
            accountId: access.accountId,
            sourceVmId: vm.id,
          },
          db,
        );
        await this.issuer.issue(db, vm, nodeId, 'snapshot-vm', vm.generation, { snapshotId: `image-${input.name}` });
        await this.vms.addEvent({ vmId: vm.id, accountId: vm.accountId, type: 'action', reason: 'image_captured', message: `Image ${input.name} captured from the root disk.`, actor }, db);
        return created;
      });
      return toAccountImageResponse(image);
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError(CatalogErrors['catalog.name_taken'], `An image named ${input.name} exists.`);
      throw error;
    }
  }

  async list(access: AccountAccess, query: { limit?: number; cursor?: string }): Promise<Page<AccountImageResponseDto>> {
    const request = pageRequest(query);
    const rows = await this.images.list(access.accountId, request);
    return toPage(rows, request, (row) => row.name, toAccountImageResponse);
  }

  async get(access: AccountAccess, name: string): Promise<AccountImageResponseDto> {
    const image = await this.images.find(access.accountId, name);
    if (!image) throw notFound('Image');
    return toAccountImageResponse(image);
  }

  async delete(access: AccountAccess, name: string): Promise<void> {
    const outcome = await this.images.deleteUnlessInUse(access.accountId, name);
    if (outcome.outcome === 'not_found') throw notFound('Image');
    if (outcome.outcome === 'in_use') {
      throw new DomainError(CatalogErrors['catalog.in_use'], `${outcome.liveVms} live VM(s) use image ${name}; delete them first.`, { liveVms: outcome.liveVms });
    }
  }
}

function toAccountImageResponse(image: Image): AccountImageResponseDto {
  return { ...toImageResponse(image), accountId: image.accountId as string, sourceVmId: image.sourceVmId };
}
