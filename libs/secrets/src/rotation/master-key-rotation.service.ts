import { Injectable } from '@nestjs/common';
import { SecretEnvelopeError, type SecretEnvelopeErrorCode } from '../envelope/envelope.errors';
import { MasterKeyring } from '../envelope/master-keyring';
import { rewrap } from '../envelope/secret-envelope';
import { SecretRepository, type SealedSecretRow } from '../secrets/secret.repository';

export const DEFAULT_ROTATION_BATCH_SIZE = 200;

export interface RotationFailure {
  secretId: string;
  accountId: string;
  name: string;
  keyId: string;
  code: SecretEnvelopeErrorCode;
}

export interface RotationSummary {
  activeKeyId: string;
  /** Secrets under another master key when the run started. */
  found: number;
  /** Master keys that wrap secrets but are not configured: those secrets are left as they are. */
  unconfiguredKeys: Array<{ keyId: string; secrets: number }>;
  rewrapped: number;
  /** Replaced or deleted between being read and rewrapped; a replaced value was sealed afresh by its writer. */
  changedMeanwhile: number;
  failed: RotationFailure[];
  /** Secrets still under another master key when the run ended (0 unless something failed or an old process kept writing). */
  remaining: number;
}

export interface RotationOptions {
  batchSize?: number;
  /** Progress lines, one per batch, then a summary. They carry ids, names and key ids: never key material or values. */
  log?: (line: string) => void;
}

/**
 * Moves every secret's data key under the active master key: each data key is
 * unwrapped with the master key that wrapped it and wrapped again with the
 * active one; values are not re-encrypted, and versions and `updatedAt` stay.
 *
 * Safe to run at any time, more than once, and beside the API: it only looks
 * at secrets under another key (so a second run, or a run after a crash,
 * carries on where the first stopped), and each row is updated only if it
 * still has the value and key it was read with. Rows are read in batches by
 * id, so a row that cannot be rewrapped is reported and passed over. Rows
 * under a master key missing from the keyring are not read at all: the run
 * says which keys to add and how many secrets each holds.
 */
@Injectable()
export class MasterKeyRotationService {
  constructor(
    private readonly secrets: SecretRepository,
    private readonly keyring: MasterKeyring,
  ) {}

  async rewrapAll(options: RotationOptions = {}): Promise<RotationSummary> {
    const batchSize = options.batchSize ?? DEFAULT_ROTATION_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
    const log = options.log ?? (() => undefined);
    const activeKeyId = this.keyring.activeKeyId;
    const others = [...(await this.secrets.countByKeyId())].filter(([keyId]) => keyId !== activeKeyId);
    const configured = others.filter(([keyId]) => this.keyring.has(keyId));
    const unconfigured = others.filter(([keyId]) => !this.keyring.has(keyId));
    const found = others.reduce((sum, [, count]) => sum + count, 0);
    const toRewrap = configured.reduce((sum, [, count]) => sum + count, 0);
    const summary: RotationSummary = {
      activeKeyId,
      found,
      unconfiguredKeys: unconfigured.map(([keyId, secrets]) => ({ keyId, secrets })),
      rewrapped: 0,
      changedMeanwhile: 0,
      failed: [],
      remaining: 0,
    };
    const listed = (keys: Array<[string, number]>) => keys.map(([keyId, count]) => `"${keyId}" (${count})`).join(', ');
    log(`active master key "${activeKeyId}" (keyring: ${this.keyring.keyIds.join(', ')})`);
    if (unconfigured.length > 0) {
      log(`not configured, left as they are: ${listed(unconfigured)}; add these keys to DATA_ENCRYPTION_RETIRED_KEYS to rewrap them`);
    }
    log(`${toRewrap} secret(s) to rewrap under "${activeKeyId}"${configured.length ? ` from ${listed(configured)}` : ''}, in batches of ${batchSize}`);

    const sourceKeyIds = configured.map(([keyId]) => keyId);
    let after: string | undefined;
    for (let batch = 1; sourceKeyIds.length > 0; batch++) {
      const rows = await this.secrets.listWrappedBy(sourceKeyIds, after, batchSize);
      if (rows.length === 0) break;
      after = rows[rows.length - 1].id;
      const outcomes = await Promise.all(rows.map((row) => this.rewrapOne(row)));
      const counts = { rewrapped: 0, changedMeanwhile: 0, failed: 0 };
      outcomes.forEach((outcome, index) => {
        if (outcome === 'rewrapped' || outcome === 'changedMeanwhile') {
          counts[outcome] += 1;
          summary[outcome] += 1;
          return;
        }
        counts.failed += 1;
        const row = rows[index];
        summary.failed.push({ secretId: row.id, accountId: row.accountId, name: row.name, keyId: row.keyId, code: outcome.failed });
        log(`  cannot rewrap secret ${row.accountId}/${row.name} (${row.id}): ${describeFailure(outcome.failed, row.keyId)}`);
      });
      const done = summary.rewrapped + summary.changedMeanwhile + summary.failed.length;
      log(
        `batch ${batch}: ${counts.rewrapped} rewrapped, ${counts.changedMeanwhile} changed meanwhile, ${counts.failed} failed ` +
          `(${done}/${Math.max(toRewrap, done)})`,
      );
    }

    summary.remaining = [...(await this.secrets.countByKeyId())].reduce((sum, [keyId, count]) => (keyId === activeKeyId ? sum : sum + count), 0);
    log(
      `done: ${summary.rewrapped} rewrapped, ${summary.changedMeanwhile} changed meanwhile, ${summary.failed.length} failed; ` +
        `${summary.remaining} secret(s) remain under other master keys`,
    );
    log(
      summary.remaining === 0
        ? `every secret is under "${activeKeyId}": other keys can be removed from DATA_ENCRYPTION_RETIRED_KEYS`
        : 'keep the other master keys configured; fix what is reported above (or let every process pick up the new key) and run again',
    );
    return summary;
  }

  private async rewrapOne(row: SealedSecretRow): Promise<'rewrapped' | 'changedMeanwhile' | { failed: SecretEnvelopeErrorCode }> {
    let wrapping;
    try {
      wrapping = rewrap(row, this.keyring);
    } catch (error) {
      if (error instanceof SecretEnvelopeError) return { failed: error.code };
      throw error;
    }
    const updated = await this.secrets.updateWrapping(row.id, { version: row.version, keyId: row.keyId }, wrapping);
    return updated ? 'rewrapped' : 'changedMeanwhile';
  }
}

function describeFailure(code: SecretEnvelopeErrorCode, keyId: string): string {
  switch (code) {
    case 'secret.unknown_master_key':
      return `master key "${keyId}" is not configured (add it to DATA_ENCRYPTION_RETIRED_KEYS)`;
    case 'secret.decryption_failed':
      return `its data key does not open under master key "${keyId}" (wrong key for that id, or a damaged row)`;
    case 'secret.malformed_envelope':
      return 'the stored envelope is malformed';
    case 'secret.invalid_keyring':
      return 'the keyring is invalid';
    default:
      return assertUnreachable(code);
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unhandled envelope error code ${String(value)}`);
}
