import { Injectable } from '@nestjs/common';
import { hourStart, parseMicroUnits } from '@statemesh/billing';
import { CommonErrors, DomainError, notFound } from '@statemesh/common';
import { isUniqueViolation, type Db } from '@statemesh/database';
import { pageRequest, toPage, type Page } from '@statemesh/http';
import { WalletErrors } from '../wallets.errors';
import type { CreatePriceListDto, PriceListResponseDto } from './dto/price-list.dto';
import { toPriceListResponse } from './price-list.mapper';
import { PriceListRepository } from './price-list.repository';
import { VOLUME_PROVIDERS, type PriceListInput, type PriceListVersion } from './price-list.types';
import { effectiveFromProblem, nextEffectiveFrom } from './price-version';

const CURRENT_VERSION_REUSE_MS = 10_000;

/**
 * Versioned prices. A version is never changed: a new one is created to take
 * effect at the start of a future hour, so usage of any hour — metered or not
 * yet — is priced by the version that was in effect at that hour, always the same.
 */
@Injectable()
export class PricingService {
  constructor(private readonly priceLists: PriceListRepository) {}

  /** The version in effect during the current hour, as last read (see `priceListAt`). */
  private thisHour?: { hour: number; version: PriceListVersion; readAt: number };
  /** The read of the current hour's version under way outside any transaction, shared by every caller meanwhile. */
  private reading?: { hour: number; version: Promise<PriceListVersion | null> };

  /**
   * The version in effect at `at` (for usage of hour H, pass H's start); null before the first.
   *
   * Every create and start asks for the present one, so the version in effect
   * in the current hour is kept for a few seconds. It cannot change within the
   * hour: versions take effect at the start of an hour not begun when they are
   * created, and one in effect is never deleted. The few seconds only bound
   * how long a version written to the database some other way goes unseen.
   *
   * A caller inside a transaction passes it as `db`, and a read it needs goes
   * through it: a transaction that waited for a second connection of the pool
   * could wait for ever once the pool is full of transactions that wait for
   * its locks. Callers outside one share a single read.
   */
  async priceListAt(at: Date, db?: Db): Promise<PriceListVersion | null> {
    const now = Date.now();
    const hour = hourStart(at).getTime();
    const cached = this.thisHour;
    if (cached && cached.hour === hour && now - cached.readAt < CURRENT_VERSION_REUSE_MS) return cached.version;
    const version = await (db ? this.priceLists.findEffectiveAt(at, db) : this.readShared(at, hour));
    if (version && hour === hourStart(new Date(now)).getTime()) this.thisHour = { hour, version, readAt: now };
    return version;
  }

  private readShared(at: Date, hour: number): Promise<PriceListVersion | null> {
    if (this.reading?.hour === hour) return this.reading.version;
    const reading = { hour, version: this.priceLists.findEffectiveAt(at) };
    this.reading = reading;
    const done = () => {
      if (this.reading === reading) this.reading = undefined;
    };
    reading.version.then(done, done);
    return reading.version;
  }

  /**
   * Every version that applies somewhere in [from, to), oldest first: for
   * pricing many hours at once with `selectPriceVersion`.
   */
  versionsCovering(from: Date, to: Date): Promise<PriceListVersion[]> {
    return this.priceLists.findCovering(from, to);
  }

  async create(input: CreatePriceListDto, createdBy: string, now: Date = new Date()): Promise<PriceListResponseDto> {
    const version = toPriceListInput(input, now);
    try {
      return toPriceListResponse(await this.priceLists.create({ ...version, createdBy }));
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError(
          WalletErrors['price.version_exists'],
          `A price list already takes effect at ${version.effectiveFrom.toISOString()}; delete it first or pick another hour.`,
        );
      }
      throw error;
    }
  }

  async current(now: Date = new Date()): Promise<PriceListResponseDto> {
    const version = await this.priceLists.findEffectiveAt(now);
    if (!version) throw new DomainError(WalletErrors['price.no_current_list'], 'No price list has taken effect yet.');
    return toPriceListResponse(version);
  }

  async get(id: string): Promise<PriceListResponseDto> {
    const version = await this.priceLists.findById(id);
    if (!version) throw notFound('Price list');
    return toPriceListResponse(version);
  }

  async list(query: { limit?: number; cursor?: string }): Promise<Page<PriceListResponseDto>> {
    const request = pageRequest(query);
    const after = request.after === undefined ? undefined : new Date(request.after);
    if (after && Number.isNaN(after.getTime())) {
      throw new DomainError(CommonErrors['request.invalid_cursor'], 'The cursor is not one this API returned.');
    }
    const rows = await this.priceLists.list({ after, limit: request.limit });
    return toPage(rows, request, (row) => row.effectiveFrom.toISOString(), toPriceListResponse);
  }

  /** Only a version that has not taken effect can go: nothing has been priced with it. */
  async deleteScheduled(id: string, now: Date = new Date()): Promise<void> {
    if (await this.priceLists.deleteScheduled(id, now)) return;
    if (!(await this.priceLists.findById(id))) throw notFound('Price list');
    throw new DomainError(WalletErrors['price.version_in_effect'], 'This price list has taken effect; create a new version instead.');
  }
}

function toPriceListInput(input: CreatePriceListDto, now: Date): PriceListInput {
  const effectiveFrom = input.effectiveFrom ? new Date(input.effectiveFrom) : nextEffectiveFrom(now);
  const problem = effectiveFromProblem(effectiveFrom, now);
  if (problem) {
    const detail =
      problem === 'not_hour_start'
        ? 'effectiveFrom must be the start of an hour (minutes, seconds and milliseconds zero, UTC).'
        : `effectiveFrom must be in the future; the earliest is ${nextEffectiveFrom(now).toISOString()}.`;
    throw new DomainError(WalletErrors['price.invalid_effective_from'], detail);
  }
  const names = input.instanceTypes.map((price) => price.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) throw new DomainError(WalletErrors['price.invalid_list'], `Instance type ${duplicate} is priced twice.`);
  const providers = new Set(input.volumes.map((price) => price.provider));
  if (providers.size !== VOLUME_PROVIDERS.length) {
    throw new DomainError(WalletErrors['price.invalid_list'], `Give exactly one volume price for each provider: ${VOLUME_PROVIDERS.join(', ')}.`);
  }
  return {
    effectiveFrom,
    platformFeeBps: input.platformFeeBps,
    instanceTypes: input.instanceTypes.map((price) => ({ name: price.name, perHour: parseMicroUnits(price.perHour) })),
    volumes: input.volumes.map((price) => ({ provider: price.provider, perGibHour: parseMicroUnits(price.perGibHour) })),
    publicUdpPortPerHour: parseMicroUnits(input.publicUdpPortPerHour),
    publicIpv4PerHour: parseMicroUnits(input.publicIpv4PerHour),
    note: input.note ?? null,
  };
}
