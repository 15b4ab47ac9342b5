import { Injectable } from '@nestjs/common';
import { AppConfig } from '@statemesh/config';
import { DomainError, notFound, type FieldError } from '@statemesh/common';
import { AdvisoryLocks, type Db } from '@statemesh/database';
import { pageRequest, toPage, Versioned, type Page } from '@statemesh/http';
import { PricingService, WALLET_CURRENCY } from '@statemesh/wallets';
import { catalogGatesForVm } from './catalog-gate';
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

/** How long a usable catalog entry is reused to check a VM request before its transaction rechecks it. */
const RESOLVED_CACHE_MS = 5_000;

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
    private readonly locks: AdvisoryLocks,
  ) {}

  private readonly recent = new Map<string, { entry: CatalogZone | CatalogImage | CatalogInstanceType; expiresAt: number }>();

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
   * `rootDiskGib`).
   *
   * Without a transaction, usable entries may come from a cache of a few
   * seconds (a refusal is always confirmed from the database): a create
   * checks them again with `recheckForVm` in its transaction. Given the
   * transaction that creates the VM, it holds the entries' gates
   * (catalog-gate.ts) until that transaction ends and reads them fresh.
   */
  async resolveForVm(request: VmCatalogRequest, tx?: Db): Promise<ResolvedVmCatalog> {
    if (tx) {
      await this.locks.hold(tx, catalogGatesForVm(request));
      return this.recheckForVm(request, tx);
    }
    const cached = this.cachedForVm(request);
    if (cached && vmCatalogProblems(request, cached).length === 0) return cached as ResolvedVmCatalog;
    const resolved = await this.recheckForVm(request);
    this.remember(resolved);
    return resolved;
  }

  /**
   * In the transaction that creates a VM, after taking the entries' gates
   * (`catalogGatesForVm`): reads the entries again, as the database has them
   * now, in one statement, and checks them as `resolveForVm` does. Returns
   * them: the VM is made of what they are at its creation, and no entry can
   * be retired before the transaction ends.
   */
  async recheckForVm(request: VmCatalogRequest, tx?: Db): Promise<ResolvedVmCatalog> {
    const [resolved] = await this.recheckManyForVms([request], tx);
    if (resolved instanceof DomainError) throw resolved;
    return resolved;
  }

  /**
   * `recheckForVm` for several VMs at once (a transaction accepting many):
   * each distinct set of entries is read once; each request gets its
   * entries, or the 422 `catalog.unavailable` error it would get alone.
   */
  async recheckManyForVms(requests: readonly VmCatalogRequest[], tx?: Db): Promise<Array<ResolvedVmCatalog | DomainError>> {
    const read = new Map<string, VmCatalogEntries>();
    for (const request of requests) {
      const key = JSON.stringify([request.zone, request.image, request.instanceType]);
      if (!read.has(key)) read.set(key, await this.catalog.findForVm({ zone: request.zone, image: request.image, instanceType: request.instanceType }, tx));
    }
    return requests.map((request) => {
      const entries = read.get(JSON.stringify([request.zone, request.image, request.instanceType]))!;
      const problems = vmCatalogProblems(request, entries);
      if (problems.length > 0 || !entries.zone || !entries.image || !entries.instanceType) {
        return new DomainError(CatalogErrors['catalog.unavailable'], problems.map((problem) => problem.message).join(' '), {}, problems);
      }
      return { zone: entries.zone, image: entries.image, instanceType: entries.instanceType };
    });
  }

  private cachedForVm(request: VmCatalogRequest): VmCatalogEntries | null {
    const now = Date.now();
    const [zone, image, instanceType] = [`zone:${request.zone}`, `image:${request.image}`, `instanceType:${request.instanceType}`].map((key) => {
      const hit = this.recent.get(key);
      return hit && hit.expiresAt > now ? hit.entry : null;
    });
    return zone && image && instanceType ? ({ zone, image, instanceType } as VmCatalogEntries) : null;
  }

  /** Only usable entries are kept, so the cache holds at most the catalog. */
  private remember(resolved: ResolvedVmCatalog): void {
    const expiresAt = Date.now() + RESOLVED_CACHE_MS;
    this.recent.set(`zone:${resolved.zone.name}`, { entry: resolved.zone, expiresAt });
    this.recent.set(`image:${resolved.image.name}`, { entry: resolved.image, expiresAt });
    this.recent.set(`instanceType:${resolved.instanceType.name}`, { entry: resolved.instanceType, expiresAt });
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

type VmCatalogEntries = { zone: CatalogZone | null; image: CatalogImage | null; instanceType: CatalogInstanceType | null };

/** Why these entries cannot make the requested VM (none: they can). */
function vmCatalogProblems(request: VmCatalogRequest, entries: VmCatalogEntries): FieldError[] {
  const { zone, instanceType } = entries;
  const image = entries.image && (entries.image.accountId === null || entries.image.accountId === request.accountId) ? entries.image : null;
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
  return problems;
}

function entryProblems(field: string, name: string, entry: { enabled: boolean } | null): FieldError[] {
  if (!entry) return [{ field, code: 'unknown', message: `There is no ${describe(field)} named ${name}.` }];
  if (!entry.enabled) return [{ field, code: 'disabled', message: `The ${describe(field)} ${name} takes no new VMs.` }];
  return [];
}

function describe(field: string): string {
  return field === 'instanceType' ? 'instance type' : field;
}
