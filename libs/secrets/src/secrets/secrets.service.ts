import { Injectable } from '@nestjs/common';
import { CommonErrors, DomainError, newId, notFound } from '@statemesh/common';
import { isUniqueViolation } from '@statemesh/database';
import { Versioned, assertVersion, pageRequest, toPage, type Page } from '@statemesh/http';
import { MasterKeyring } from '../envelope/master-keyring';
import { open, seal } from '../envelope/secret-envelope';
import { SecretsErrors } from '../secrets.errors';
import type { SecretResponseDto } from './dto/secret.dto';
import { isSecretName } from './secret-name';
import { SecretRepository, type SecretMetadata } from './secret.repository';

/** The account a secret's value belongs to, as its services know it. */
export interface SecretOwner {
  accountId: string;
}

export function toSecretResponse(secret: SecretMetadata): SecretResponseDto {
  return {
    name: secret.name,
    version: secret.version,
    createdAt: secret.createdAt.toISOString(),
    updatedAt: secret.updatedAt.toISOString(),
  };
}

/**
 * Associated data of a secret's encryption: its ciphertext opens only for the
 * account and name it was sealed for, so a row copied or renamed in the
 * database does not decrypt.
 */
export function secretAssociatedData(accountId: string, name: string): string {
  return `statemesh.secret.v1:${accountId}/${name}`;
}

/**
 * Account secrets. Values go in (create, replace) and are sealed at once
 * under the active master key; nothing the API returns carries them. The
 * one way out is `revealForAccount`, for delivery to a node agent.
 */
@Injectable()
export class SecretsService {
  constructor(
    private readonly secrets: SecretRepository,
    private readonly keyring: MasterKeyring,
  ) {}

  async create(owner: SecretOwner, input: { name: string; value: string }): Promise<Versioned<SecretResponseDto>> {
    const sealed = seal(input.value, this.keyring, secretAssociatedData(owner.accountId, input.name));
    try {
      const secret = await this.secrets.create({ id: newId(), accountId: owner.accountId, name: input.name, sealed });
      return new Versioned(toSecretResponse(secret), secret.version);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError(
          SecretsErrors['secret.name_taken'],
          `A secret named "${input.name}" already exists; replace its value with PUT, or delete it first.`,
        );
      }
      throw error;
    }
  }

  async list(owner: SecretOwner, query: { limit?: number; cursor?: string }): Promise<Page<SecretResponseDto>> {
    const request = pageRequest(query);
    const rows = await this.secrets.list(owner.accountId, request);
    return toPage(rows, request, (row) => row.id, toSecretResponse);
  }

  async get(owner: SecretOwner, name: string): Promise<Versioned<SecretResponseDto>> {
    const secret = await this.secrets.find(owner.accountId, name);
    if (!secret) throw notFound('Secret');
    return new Versioned(toSecretResponse(secret), secret.version);
  }

  /** Sets a new value (sealed with a fresh data key) and bumps the version; If-Match guards against lost updates. */
  async replace(owner: SecretOwner, name: string, value: string, expectedVersion: number | undefined): Promise<Versioned<SecretResponseDto>> {
    const current = await this.secrets.find(owner.accountId, name);
    if (!current) throw notFound('Secret');
    assertVersion(expectedVersion, current.version);
    const sealed = seal(value, this.keyring, secretAssociatedData(owner.accountId, name));
    const updated = await this.secrets.replaceValue(owner.accountId, name, sealed, expectedVersion);
    if (!updated) throw await this.missedWrite(owner, name);
    return new Versioned(toSecretResponse(updated), updated.version);
  }

  async delete(owner: SecretOwner, name: string, expectedVersion: number | undefined): Promise<void> {
    if (!(await this.secrets.delete(owner.accountId, name, expectedVersion))) throw await this.missedWrite(owner, name);
  }

  /** Names among `names` the account has no secret for (nothing is decrypted): to validate references early. */
  async findMissing(accountId: string, names: readonly string[]): Promise<string[]> {
    const wanted = [...new Set(names)];
    const valid = wanted.filter(isSecretName);
    const existing = new Set(valid.length > 0 ? await this.secrets.existingNames(accountId, valid) : []);
    return wanted.filter((name) => !existing.has(name));
  }

  /**
   * Decrypts the named secrets of one account, by name.
   *
   * INTERNAL, and for one purpose only: handing the values a VM's cloud-init
   * references to the node agent of the node that runs that VM, over
   * `/agent/v1`, after the agent has authenticated as that node. Never return
   * the result from a `/v1` or `/admin/v1` route, log it, put it in an event,
   * an operation, an error or a queue payload, or store it anywhere: it is
   * the plaintext.
   *
   * Throws `secret.unknown_secret` (422, names only) if any name is missing,
   * so a VM never starts with part of its secrets.
   */
  async revealForAccount(accountId: string, names: readonly string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(names)];
    if (wanted.length === 0) return new Map();
    const valid = wanted.filter(isSecretName);
    const rows = valid.length > 0 ? await this.secrets.findSealed(accountId, valid) : [];
    const found = new Set(rows.map((row) => row.name));
    const missing = wanted.filter((name) => !found.has(name));
    if (missing.length > 0) {
      throw new DomainError(SecretsErrors['secret.unknown_secret'], `The account has no secrets named: ${missing.join(', ')}.`, {
        secrets: missing,
      });
    }
    const values = new Map<string, string>();
    for (const name of wanted) {
      const row = rows.find((candidate) => candidate.name === name)!;
      const plaintext = open(row, this.keyring, secretAssociatedData(accountId, name));
      values.set(name, plaintext.toString('utf8'));
      plaintext.fill(0);
    }
    return values;
  }

  /** Why a conditional write matched no row: the secret is gone (404) or has changed (412). */
  private async missedWrite(owner: SecretOwner, name: string): Promise<DomainError> {
    const current = await this.secrets.find(owner.accountId, name);
    if (!current) return notFound('Secret');
    return new DomainError(CommonErrors['request.precondition_failed'], `The secret is at version v${current.version}; it changed since the version in If-Match.`);
  }
}
