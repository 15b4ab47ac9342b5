import { PrismaPg } from '@prisma/adapter-pg';
import {
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlQueryable,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { randomUUID } from 'node:crypto';

// PostgreSQL's internal `"char"` (OID 18) and `name` (OID 19) columns appear in
// the catalog queries the schema engine runs while introspecting. The pg driver
// adapter cannot map them, so they are reported as text (OID 25), which is
// exactly how their values arrive anyway.
const CATALOG_TYPES_AS_TEXT = new Set([18, 19]);
const TEXT_OID = 25;
const CHAR_OID = 18;
// The engine reads some `"char"` columns (a CHECK constraint's `contype`) as a
// single character and panics on text. The pg adapter has no scalar mapping to
// its Character column type, so such columns travel tagged through their name,
// and the tag is turned back into the Character type above the adapter.
const CHAR_COLUMN_TAG = '\u0000char';

type Field = { dataTypeID: number; name: string };
type QueryResultLike = { fields?: Field[] } | undefined;

function reportCatalogTypesAsText<T extends QueryResultLike | QueryResultLike[]>(result: T): T {
  for (const part of Array.isArray(result) ? result : [result]) {
    for (const field of part?.fields ?? []) {
      if (field.dataTypeID === CHAR_OID) field.name += CHAR_COLUMN_TAG;
      if (CATALOG_TYPES_AS_TEXT.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
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

function untagCharColumns(result: SqlResultSet): SqlResultSet {
  result.columnNames.forEach((name, index) => {
    if (!name.endsWith(CHAR_COLUMN_TAG)) return;
    result.columnNames[index] = name.slice(0, -CHAR_COLUMN_TAG.length);
    result.columnTypes[index] = ColumnTypeEnum.Character;
  });
  return result;
}

function withCharColumns<T extends SqlQueryable>(queryable: T): T {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query: SqlQuery) => untagCharColumns(await queryRaw(query));
  return queryable;
}

class CatalogFriendlyPg extends PrismaPg {
  override async connect(): ReturnType<PrismaPg['connect']> {
    const adapter = withCharColumns(await super.connect());
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => withCharColumns(await startTransaction(isolationLevel));
    return adapter;
  }
}

function adapterFactoryFor(databaseUrl: string): PrismaPg {
  return new CatalogFriendlyPg({ connectionString: databaseUrl, Client: CatalogFriendlyClient } as pg.PoolConfig);
}

/**
 * The driver adapter the schema engine uses. Unlike `PrismaPg.connectToShadowDb`
 * (which keeps the original connection string, so "shadow" work would land in
 * the main database), the shadow database here is a real, separate database
 * that is dropped — connections and all — when the engine lets go of it.
 */
export function migrationAdapterFactory(
  databaseUrl: string,
): SqlMigrationAwareDriverAdapterFactory & { disposeConnections(): Promise<void> } {
  const main = adapterFactoryFor(databaseUrl);
  // The engine does not dispose the adapters it connects; left open, their
  // pools keep the calling process (a CLI, jest's global setup) alive.
  const connected: SqlDriverAdapter[] = [];
  return {
    provider: main.provider,
    adapterName: main.adapterName,
    async connect(): Promise<SqlDriverAdapter> {
      const adapter = await main.connect();
      connected.push(adapter);
      return adapter;
    },
    async disposeConnections(): Promise<void> {
      await Promise.allSettled(connected.splice(0).map((adapter) => adapter.dispose()));
    },
    async connectToShadowDb(): Promise<SqlDriverAdapter> {
      const shadowUrl = withDatabase(databaseUrl, `statemesh_shadow_${randomUUID().replace(/-/g, '')}`);
      await createDatabaseIfMissing(shadowUrl);
      const adapter = await adapterFactoryFor(shadowUrl).connect();
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose();
        await dropDatabase(shadowUrl);
      };
      return adapter;
    },
  };
}
