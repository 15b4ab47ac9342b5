import { Injectable } from '@nestjs/common';
import { PrismaService, type Db, type Secret } from '@statemesh/database';
import type { PageRequest } from '@statemesh/http';
import type { SealedSecret } from '../envelope/secret-envelope';

/** What anyone may know about a secret: never its sealed value. */
export type SecretMetadata = Pick<Secret, 'id' | 'accountId' | 'name' | 'version' | 'createdAt' | 'updatedAt'>;

/** A secret with its sealed value, for decryption and master key rotation only. */
export type SealedSecretRow = SecretMetadata & Pick<Secret, 'keyId' | 'wrappedKey' | 'wrapIv' | 'wrapTag' | 'iv' | 'tag' | 'ciphertext'>;

/** The part of a sealed secret that a master key rotation rewrites. */
export type DataKeyWrapping = Pick<SealedSecret, 'keyId' | 'wrappedKey' | 'wrapIv' | 'wrapTag'>;

const METADATA = { id: true, accountId: true, name: true, version: true, createdAt: true, updatedAt: true } as const;
const SEALED = { ...METADATA, keyId: true, wrappedKey: true, wrapIv: true, wrapTag: true, iv: true, tag: true, ciphertext: true } as const;

/**
 * The only code that reads or writes the `secrets` table. Reads for the API
 * select metadata only, so a sealed value is loaded only when it is to be
 * opened or rewrapped.
 */
@Injectable()
export class SecretRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: { id: string; accountId: string; name: string; sealed: SealedSecret }, db: Db = this.prisma): Promise<SecretMetadata> {
    const now = new Date();
    return db.secret.create({
      data: { id: data.id, accountId: data.accountId, name: data.name, ...sealedColumns(data.sealed), createdAt: now, updatedAt: now },
      select: METADATA,
    });
  }

  list(accountId: string, page: PageRequest): Promise<SecretMetadata[]> {
    return this.prisma.secret.findMany({
      where: { accountId, ...(page.after ? { id: { gt: page.after } } : {}) },
      orderBy: { id: 'asc' },
      take: page.limit + 1,
      select: METADATA,
    });
  }

  find(accountId: string, name: string, db: Db = this.prisma): Promise<SecretMetadata | null> {
    return db.secret.findUnique({ where: { accountId_name: { accountId, name } }, select: METADATA });
  }

  /**
   * Replaces the value (a new sealed envelope, under the active master key)
   * and bumps the version — only while the secret is at `expectedVersion`,
   * when given. Null when no row matched.
   */
  async replaceValue(
    accountId: string,
    name: string,
    sealed: SealedSecret,
    expectedVersion: number | undefined,
    db: Db = this.prisma,
  ): Promise<SecretMetadata | null> {
    const { count } = await db.secret.updateMany({
      where: { accountId, name, ...(expectedVersion !== undefined ? { version: expectedVersion } : {}) },
      data: { ...sealedColumns(sealed), version: { increment: 1 }, updatedAt: new Date() },
    });
    return count > 0 ? this.find(accountId, name, db) : null;
  }

  /** Deletes the row, value and all; only at `expectedVersion` when given. */
  async delete(accountId: string, name: string, expectedVersion: number | undefined): Promise<boolean> {
    const { count } = await this.prisma.secret.deleteMany({
      where: { accountId, name, ...(expectedVersion !== undefined ? { version: expectedVersion } : {}) },
    });
    return count > 0;
  }

  /** Names among `names` that the account has, without loading any sealed value. */
  async existingNames(accountId: string, names: readonly string[]): Promise<string[]> {
    const rows = await this.prisma.secret.findMany({ where: { accountId, name: { in: [...names] } }, select: { name: true } });
    return rows.map((row) => row.name);
  }

  findSealed(accountId: string, names: readonly string[]): Promise<SealedSecretRow[]> {
    return this.prisma.secret.findMany({ where: { accountId, name: { in: [...names] } }, select: SEALED });
  }

  /** How many secrets each master key wraps the data keys of. */
  async countByKeyId(): Promise<Map<string, number>> {
    const groups = await this.prisma.secret.groupBy({ by: ['keyId'], _count: { _all: true }, orderBy: { keyId: 'asc' } });
    return new Map(groups.map((group) => [group.keyId, group._count._all]));
  }

  /** The next `limit` secrets (by id, after `afterId`) whose data key is wrapped by one of `keyIds`. */
  listWrappedBy(keyIds: readonly string[], afterId: string | undefined, limit: number): Promise<SealedSecretRow[]> {
    return this.prisma.secret.findMany({
      where: { keyId: { in: [...keyIds] }, ...(afterId !== undefined ? { id: { gt: afterId } } : {}) },
      orderBy: { id: 'asc' },
      take: limit,
      select: SEALED,
    });
  }

  /**
   * Stores a rewrapped data key, only if the row still has the value and
   * master key it was read with: a value replaced meanwhile was sealed afresh
   * and must not get the old data key back. The value's own columns, the
   * version and `updatedAt` stay as they are.
   */
  async updateWrapping(id: string, readAs: { version: number; keyId: string }, wrapping: DataKeyWrapping): Promise<boolean> {
    const { count } = await this.prisma.secret.updateMany({
      where: { id, version: readAs.version, keyId: readAs.keyId },
      data: { keyId: wrapping.keyId, wrappedKey: bytes(wrapping.wrappedKey), wrapIv: bytes(wrapping.wrapIv), wrapTag: bytes(wrapping.wrapTag) },
    });
    return count > 0;
  }
}

function sealedColumns(sealed: SealedSecret) {
  return {
    keyId: sealed.keyId,
    wrappedKey: bytes(sealed.wrappedKey),
    wrapIv: bytes(sealed.wrapIv),
    wrapTag: bytes(sealed.wrapTag),
    iv: bytes(sealed.iv),
    tag: bytes(sealed.tag),
    ciphertext: bytes(sealed.ciphertext),
  };
}

// Prisma's Bytes are Uint8Arrays over a plain ArrayBuffer; a Buffer may sit on Node's shared pool.
function bytes(buffer: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(buffer);
}
