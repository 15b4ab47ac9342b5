import { PrismaPg } from '@prisma/adapter-pg';
import { ColumnTypeEnum, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { randomUUID } from 'node:crypto';

// PostgreSQL's internal `"char"` (OID 18) and `name` (OID 19) columns appear in
// the catalog queries the schema engine runs while introspecting. The pg driver
// adapter cannot map them. `name` values are text, so they are reported as text
// (OID 25). `"char"` values are single characters that the engine reads as
// such (e.g. `pg_constraint.contype` of check constraints): the field is
// reported as text and its name tagged, and the adapter (see
// `withCharColumns`) turns tagged columns into the driver's character type.
const NAME_OID = 19;
const CHAR_OID = 18;
const TEXT_OID = 25;
const CHAR_COLUMN_TAG = '\u0000char';

type Field = { dataTypeID: number; name: string };
type QueryResultLike = { fields?: Field[] } | undefined;

function reportCatalogTypesAsText<T extends QueryResultLike | QueryResultLike[]>(result: T): T {
  for (const part of Array.isArray(result) ? result : [result]) {
    for (const field of part?.fields ?? []) {
      if (field.dataTypeID === NAME_OID) field.dataTypeID = TEXT_OID;
      if (field.dataTypeID === CHAR_OID) {
        field.dataTypeID = TEXT_OID;
        field.name += CHAR_COLUMN_TAG;
      }
    }
  }
  return result;
}

class CatalogFriendlyClient extends pg.Client {
  override query(...args: any[]): any {
    const callbackIndex = args.findIndex((arg) => typeof arg === 'function');
    if (callbackIndex >= 0) {
      const callback = args[callbackIndex];
      args[callbackIndex] = (error: Error | null, result: QueryResultLike) =>
        callback(error, error ? result : reportCatalogTypesAsText(result));
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const returned = (super.query as (...a: unknown[]) => unknown)(...args);
    if (returned && typeof (returned as Promise<unknown>).then === 'function') {
      return (returned as Promise<QueryResultLike>).then(reportCatalogTypesAsText);
    }
    return returned;
  }
}

export function withDatabase(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export function databaseName(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, '')) || 'postgres';
}

/** Runs one statement on the server's maintenance database (`postgres`). */
export async function onMaintenanceDatabase<T>(databaseUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export async function createDatabaseIfMissing(databaseUrl: string): Promise<boolean> {
  const name = databaseName(databaseUrl);
  return onMaintenanceDatabase(databaseUrl, async (client) => {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
    } catch (error) {
      // Another process created it between the check and the CREATE.
      if ((error as { code?: string }).code !== '42P04') throw error;
      return false;
    }
    return true;
  });
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = databaseName(databaseUrl);
  await onMaintenanceDatabase(databaseUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`),
  );
}

function adapterFactoryFor(databaseUrl: string): PrismaPg {
  return new PrismaPg({ connectionString: databaseUrl, Client: CatalogFriendlyClient } as pg.PoolConfig);
}

/**
 * The pg adapter runs a script by splitting it on every `;`, which breaks any
 * migration with a function body (or a `;` in a comment). PostgreSQL runs a
 * multi-statement script itself, as one implicit transaction, when it is sent
 * whole as a simple query — which is what Prisma's native engine does.
 */
function withCharColumns(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const queryRaw = adapter.queryRaw.bind(adapter);
  adapter.queryRaw = async (query) => {
    const result = await queryRaw(query);
    result.columnNames.forEach((name, index) => {
      if (!name.endsWith(CHAR_COLUMN_TAG)) return;
      result.columnNames[index] = name.slice(0, -CHAR_COLUMN_TAG.length);
      result.columnTypes[index] = ColumnTypeEnum.Character;
    });
    return result;
  };
  return adapter;
}

function runScriptsWhole(adapter: SqlDriverAdapter): SqlDriverAdapter {
  // Both are methods of adapter-pg's adapter class, outside the driver adapter interface.
  const pgAdapter = adapter as SqlDriverAdapter & { underlyingDriver(): pg.Pool; onError(error: unknown): never };
  adapter.executeScript = async (script: string) => {
    try {
      await pgAdapter.underlyingDriver().query(script);
    } catch (error) {
      pgAdapter.onError(error);
    }
  };
  return adapter;
}

/** Makes `dispose` safe to call more than once (pg refuses to end a pool twice). */
function disposeOnce(adapter: SqlDriverAdapter, after?: () => Promise<void>): SqlDriverAdapter {
  const dispose = adapter.dispose.bind(adapter);
  let disposed: Promise<void> | undefined;
  adapter.dispose = () => {
    disposed ??= (async () => {
      await dispose();
      await after?.();
    })();
    return disposed;
  };
  return adapter;
}

export interface MigrationAdapterFactory extends SqlMigrationAwareDriverAdapterFactory {
  /**
   * Disposes every connection the engine opened. Freeing the engine does not:
   * the pool would stay open — holding the engine's migration advisory lock —
   * until pg's idle timeout, stalling the next migration and the process exit.
   */
  close(): Promise<void>;
}

/**
 * The driver adapter the schema engine uses. Unlike `PrismaPg.connectToShadowDb`
 * (which keeps the original connection string, so "shadow" work would land in
 * the main database), the shadow database here is a real, separate database
 * that is dropped — connections and all — when the engine lets go of it.
 */
export function migrationAdapterFactory(databaseUrl: string): MigrationAdapterFactory {
  const main = adapterFactoryFor(databaseUrl);
  const opened: SqlDriverAdapter[] = [];
  return {
    provider: main.provider,
    adapterName: main.adapterName,
    async connect(): Promise<SqlDriverAdapter> {
      const adapter = disposeOnce(withCharColumns(runScriptsWhole(await main.connect())));
      opened.push(adapter);
      return adapter;
    },
    async connectToShadowDb(): Promise<SqlDriverAdapter> {
      const shadowUrl = withDatabase(databaseUrl, `statemesh_shadow_${randomUUID().replace(/-/g, '')}`);
      await createDatabaseIfMissing(shadowUrl);
      const adapter = disposeOnce(withCharColumns(runScriptsWhole(await adapterFactoryFor(shadowUrl).connect())), () => dropDatabase(shadowUrl));
      opened.push(adapter);
      return adapter;
    },
    async close(): Promise<void> {
      await Promise.all(opened.splice(0).map((adapter) => adapter.dispose()));
    },
  };
}
