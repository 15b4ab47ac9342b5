import { Injectable } from '@nestjs/common';
import { AppConfig } from '@statemesh/config';
import { DomainError, notFound, type FieldError } from '@statemesh/common';
import type { Db } from '@statemesh/database';
import { pageRequest, toPage, Versioned, type Page } from '@statemesh/http';
import { PricingService, WALLET_CURRENCY } from '@statemesh/wallets';
import { CatalogErrors } from './catalog.errors';
import { toImageResponse, toInstanceTypeResponse, toZoneResponse } from './catalog.mapper';
import { CatalogRepository, type CatalogFilters } from './catalog.repository';
import type { CatalogImage, CatalogInstanceType, CatalogZone, ResolvedVmCatalog } from './catalog.types';
import type { ImageResponseDto } from './dto/image.dto';
import type { InstanceTypeResponseDto } from './dto/instance-type.dto';
import type { ZoneResponseDto } from './dto/zone.dto';

/** What a VM asks the catalog for. */
export interface VmCatalogRequest {
  zone: string;
  image: string;
  instanceType: string;
  /** Defaults to the image's minimum. */
  rootDiskGib?: number;
  /** The account creating the VM: its own images are usable, other accounts' are unknown. */
  accountId?: string;
}

type Query = CatalogFilters & { limit?: number; cursor?: string };

/**
 * The catalog as customers and the VM service read it: zones, images and
 * instance types (the latter with their current price).
 */
@Injectable()
export class CatalogService {
  constructor(
    private readonly catalog: CatalogRepository,
    private readonly pricing: PricingService,
    private readonly config: AppConfig,
  ) {}

  findZone(name: string, db?: Db): Promise<CatalogZone | null> {
    return this.catalog.findZone(name, db);
  }

  findImage(name: string, db?: Db): Promise<CatalogImage | null> {
    return this.catalog.findImage(name, db);
  }

  findInstanceType(name: string, db?: Db): Promise<CatalogInstanceType | null> {
    return this.catalog.findInstanceType(name, db);
  }

  /**
   * Checks what a new VM is made of: each entry must exist and be enabled,
   * and the root disk must hold the image. Throws 422 `catalog.unavailable`
   * naming every failing field (`zone`, `image`, `instanceType`,
   * `rootDiskGib`). Given the transaction that creates the VM, it also locks
   * the three entries until that transaction ends, so none can be deleted
   * under the VM being created.
   */
  async resolveForVm(request: VmCatalogRequest, tx?: Db): Promise<ResolvedVmCatalog> {
    if (tx) await this.catalog.lockForVm({ zone: request.zone, image: request.image, instanceType: request.instanceType }, tx);
    // One after the other: a transaction runs one statement at a time anyway.
    const zone = await this.catalog.findZone(request.zone, tx);
    const found = await this.catalog.findImage(request.image, tx);
    const image = found && (found.accountId === null || found.accountId === request.accountId) ? found : null;
    const instanceType = await this.catalog.findInstanceType(request.instanceType, tx);
    const problems: FieldError[] = [
      ...entryProblems('zone', request.zone, zone),
      ...entryProblems('image', request.image, image),
      ...entryProblems('instanceType', request.instanceType, instanceType),
    ];
    if (image && request.rootDiskGib !== undefined && request.rootDiskGib < image.minDiskGib) {
      problems.push({
        field: 'rootDiskGib',
        code: 'below_image_minimum',
        message: `Image ${image.name} needs a root disk of at least ${image.minDiskGib} GiB.`,
      });
    }
    if (problems.length > 0 || !zone || !image || !instanceType) {
      throw new DomainError(CatalogErrors['catalog.unavailable'], problems.map((problem) => problem.message).join(' '), {}, problems);
    }
    return { zone, image, instanceType };
  }

  /**
   * In the transaction that creates a VM resolved with `resolveForVm`: locks
   * its three entries until the transaction ends (so none can be deleted
   * under it) and checks they are still enabled, in one statement.
   */
  async lockForVm(resolved: ResolvedVmCatalog, tx: Db): Promise<void> {
    const names = { zone: resolved.zone.name, image: resolved.image.name, instanceType: resolved.instanceType.name };
    const usable = await this.catalog.lockForVm(names, tx);
    const problems = (Object.keys(names) as Array<keyof typeof names>)
      .filter((field) => !usable[field])
      .map((field) => ({ field, code: 'disabled', message: `${names[field]} was retired while the VM was being created.` }));
    if (problems.length > 0) throw new DomainError(CatalogErrors['catalog.unavailable'], problems.map((problem) => problem.message).join(' '), {}, problems);
  }

  async listZones(query: Query): Promise<Page<ZoneResponseDto>> {
    const request = pageRequest(query);
    const rows = await this.catalog.listZones({ enabled: query.enabled }, request);
    return toPage(rows, request, (row) => row.name, (row) => this.zoneView(row));
  }

  async getZone(name: string): Promise<Versioned<ZoneResponseDto>> {
    const zone = await this.catalog.findZone(name);
    if (!zone) throw notFound('Zone');
    return new Versioned(this.zoneView(zone), zone.version);
  }

  async listImages(query: Query): Promise<Page<ImageResponseDto>> {
    const request = pageRequest(query);
    const rows = await this.catalog.listImages({ enabled: query.enabled }, request);
    return toPage(rows, request, (row) => row.name, toImageResponse);
  }

  async getImage(name: string): Promise<Versioned<ImageResponseDto>> {
    const image = await this.catalog.findImage(name);
    if (!image || image.accountId !== null) throw notFound('Image');
    return new Versioned(toImageResponse(image), image.version);
  }

  async listInstanceTypes(query: Query): Promise<Page<InstanceTypeResponseDto>> {
    const request = pageRequest(query);
    const rows = await this.catalog.listInstanceTypes({ enabled: query.enabled }, request);
    const view = await this.instanceTypeViewer();
    return toPage(rows, request, (row) => row.name, view);
  }

  async getInstanceType(name: string): Promise<Versioned<InstanceTypeResponseDto>> {
    const type = await this.catalog.findInstanceType(name);
    if (!type) throw notFound('Instance type');
    const view = await this.instanceTypeViewer();
    return new Versioned(view(type), type.version);
  }

  zoneView(zone: CatalogZone): ZoneResponseDto {
    return toZoneResponse(zone, this.config.dns.baseDomain);
  }

  /** Renders instance types with the prices of the list in effect now (read once per response). */
  async instanceTypeViewer(now: Date = new Date()): Promise<(type: CatalogInstanceType) => InstanceTypeResponseDto> {
    const prices = await this.pricing.priceListAt(now);
    return (type) => toInstanceTypeResponse(type, { perHour: prices?.instanceTypePerHour.get(type.name), currency: WALLET_CURRENCY });
  }
}

function entryProblems(field: string, name: string, entry: { enabled: boolean } | null): FieldError[] {
  if (!entry) return [{ field, code: 'unknown', message: `There is no ${describe(field)} named ${name}.` }];
  if (!entry.enabled) return [{ field, code: 'disabled', message: `The ${describe(field)} ${name} takes no new VMs.` }];
  return [];
}

function describe(field: string): string {
  return field === 'instanceType' ? 'instance type' : field;
}
