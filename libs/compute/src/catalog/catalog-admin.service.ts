import { Injectable } from '@nestjs/common';
import { CommonErrors, DomainError, notFound, type FieldError } from '@statemesh/common';
import { isUniqueViolation } from '@statemesh/database';
import { Versioned } from '@statemesh/http';
import { assertNever } from '../compute.errors';
import { CatalogErrors } from './catalog.errors';
import { toImageResponse } from './catalog.mapper';
import { CatalogRepository, type CatalogDeleteOutcome } from './catalog.repository';
import { imageProblems, instanceTypeProblems, zoneProblems } from './catalog-rules';
import { CatalogService } from './catalog.service';
import type { CatalogKind } from './catalog.types';
import type { CreateImageDto, ImageResponseDto, UpdateImageDto } from './dto/image.dto';
import type { CreateInstanceTypeDto, InstanceTypeResponseDto, UpdateInstanceTypeDto } from './dto/instance-type.dto';
import type { CreateZoneDto, UpdateZoneDto, ZoneResponseDto } from './dto/zone.dto';
import { parseInstanceTypeName } from './instance-types';

const LABELS: Record<CatalogKind, string> = { zone: 'Zone', image: 'Image', instanceType: 'Instance type' };

/**
 * Platform admins' changes to the catalog. Entries are never renamed (VMs
 * refer to them by name); they are retired with `enabled: false`, and
 * deleted only while no live VM refers to them.
 */
@Injectable()
export class CatalogAdminService {
  constructor(
    private readonly catalog: CatalogRepository,
    private readonly views: CatalogService,
  ) {}

  async createZone(input: CreateZoneDto): Promise<Versioned<ZoneResponseDto>> {
    assertValid('zone', zoneProblems(input));
    const zone = await this.created('zone', input.name, () =>
      this.catalog.createZone({
        name: input.name,
        displayName: input.displayName,
        udpPortMin: input.udpPortMin,
        udpPortMax: input.udpPortMax,
        enabled: input.enabled ?? true,
      }),
    );
    return new Versioned(this.views.zoneView(zone), zone.version);
  }

  async updateZone(name: string, patch: UpdateZoneDto, expectedVersion: number | undefined): Promise<Versioned<ZoneResponseDto>> {
    const current = await this.catalog.findZone(name);
    if (!current) throw notFound('Zone');
    assertValid('zone', zoneProblems({ ...current, ...patch }).filter((problem) => problem.field !== 'name'));
    const zone = await this.catalog.updateZone(name, { ...patch }, expectedVersion);
    if (!zone) return this.changedMeanwhile('zone', name);
    return new Versioned(this.views.zoneView(zone), zone.version);
  }

  async createImage(input: CreateImageDto): Promise<Versioned<ImageResponseDto>> {
    const data = {
      name: input.name,
      displayName: input.displayName,
      osFamily: input.osFamily,
      osVersion: input.osVersion,
      arch: input.arch ?? 'x86_64',
      minDiskGib: input.minDiskGib,
      sourceUrl: input.sourceUrl ?? null,
      enabled: input.enabled ?? true,
    };
    assertValid('image', imageProblems(data));
    const image = await this.created('image', input.name, () => this.catalog.createImage(data));
    return new Versioned(toImageResponse(image), image.version);
  }

  async updateImage(name: string, patch: UpdateImageDto, expectedVersion: number | undefined): Promise<Versioned<ImageResponseDto>> {
    const current = await this.catalog.findImage(name);
    if (!current) throw notFound('Image');
    assertValid('image', imageProblems({ ...current, ...patch }).filter((problem) => problem.field !== 'name'));
    const image = await this.catalog.updateImage(name, { ...patch }, expectedVersion);
    if (!image) return this.changedMeanwhile('image', name);
    return new Versioned(toImageResponse(image), image.version);
  }

  async createInstanceType(input: CreateInstanceTypeDto): Promise<Versioned<InstanceTypeResponseDto>> {
    const data = { name: input.name, vcpu: input.vcpu, memoryMib: input.memoryMib, gpuModel: input.gpuModel ?? null, gpuCount: input.gpuCount ?? 0 };
    assertValid('instance type', instanceTypeProblems(data));
    const { series, size } = parseInstanceTypeName(input.name)!;
    const type = await this.created('instanceType', input.name, () =>
      this.catalog.createInstanceType({ ...data, series, size, enabled: input.enabled ?? true }),
    );
    const view = await this.views.instanceTypeViewer();
    return new Versioned(view(type), type.version);
  }

  async updateInstanceType(name: string, patch: UpdateInstanceTypeDto, expectedVersion: number | undefined): Promise<Versioned<InstanceTypeResponseDto>> {
    const current = await this.catalog.findInstanceType(name);
    if (!current) throw notFound('Instance type');
    assertValid('instance type', instanceTypeProblems({ ...current, ...patch }).filter((problem) => problem.field !== 'name'));
    const type = await this.catalog.updateInstanceType(name, { ...patch }, expectedVersion);
    if (!type) return this.changedMeanwhile('instanceType', name);
    const view = await this.views.instanceTypeViewer();
    return new Versioned(view(type), type.version);
  }

  /** 409 `catalog.in_use` while a live VM refers to the entry; retire it with `enabled: false` instead. */
  async delete(kind: CatalogKind, name: string, expectedVersion: number | undefined): Promise<void> {
    const result: CatalogDeleteOutcome = await this.catalog.deleteUnlessInUse(kind, name, expectedVersion);
    switch (result.outcome) {
      case 'deleted':
        return;
      case 'not_found':
        throw notFound(LABELS[kind]);
      case 'stale':
        throw new DomainError(CommonErrors['request.precondition_failed'], `The resource is at version v${result.version}, not v${expectedVersion}.`);
      case 'in_use':
        throw new DomainError(
          CatalogErrors['catalog.in_use'],
          `${LABELS[kind]} ${name} is used by ${result.liveVms} live VM(s); disable it so that it takes no new ones, and delete it once they are gone.`,
          { liveVms: result.liveVms },
        );
      default:
        return assertNever(result);
    }
  }

  private async created<T>(kind: CatalogKind, name: string, create: () => Promise<T>): Promise<T> {
    try {
      return await create();
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError(CatalogErrors['catalog.name_taken'], `${LABELS[kind]} ${name} already exists.`);
      throw error;
    }
  }

  /** The conditional update changed nothing: the entry is gone (404) or at another version (412). */
  private async changedMeanwhile(kind: CatalogKind, name: string): Promise<never> {
    const exists =
      kind === 'zone' ? await this.catalog.findZone(name) : kind === 'image' ? await this.catalog.findImage(name) : await this.catalog.findInstanceType(name);
    if (!exists) throw notFound(LABELS[kind]);
    throw new DomainError(CommonErrors['request.precondition_failed'], `The resource is at version v${exists.version}; fetch it again and retry.`);
  }
}

function assertValid(what: string, problems: FieldError[]): void {
  if (problems.length === 0) return;
  throw new DomainError(CatalogErrors['catalog.invalid'], `The ${what} is not valid: ${problems.map((problem) => problem.message).join(' ')}`, {}, problems);
}
