import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createDatabaseIfMissing, migrationAdapterFactory } from './migration-adapter';

// Prisma's schema engine, as WebAssembly, driven through a pg driver adapter.
// The native engine cannot be downloaded on offline machines; this one ships
// on npm. Its JS API is internal to Prisma, so the package version is pinned
// exactly and test/database/migrations.e2e-spec.ts migrates from zero.

export interface MigrationPaths {
  schemaDir: string;
  migrationsDir: string;
}

interface EngineMigrationList {
  baseDir: string;
  shadowDbInitScript: string;
  lockfile: { path: string; content: string | null };
  migrationDirectories: Array<{ path: string; migrationFile: { path: string; content: { tag: 'ok'; value: string } } }>;
}

interface SchemaEngine {
  applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>;
  diff(input: unknown): Promise<{ exitCode: number; stdout: string }>;
  free(): void;
}

const NO_FILTERS = { externalTables: [], externalEnums: [] };

// The ES2023 lib has no WebAssembly typings; this is the part used here.
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: Record<string, unknown>): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

let glue: Promise<any> | undefined;
let lastPanic: string | undefined;

// The engine reports a Rust panic through this global before it traps; without
// it the panic surfaces as an unrelated TypeError and its message is lost.
(globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY ??= {
  set_message: (message: string) => {
    lastPanic = message;
  },
};

function loadEngineGlue(): Promise<any> {
  glue ??= (async () => {
    const module = require('@prisma/schema-engine-wasm/schema_engine_bg');
    const wasmPath = join(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'), '..', 'schema_engine_bg.wasm');
    const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), { './schema_engine_bg.js': module });
    module.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
    return module;
  })();
  return glue;
}

export function readSchemaFiles(schemaDir: string): Array<[string, string]> {
  return readdirSync(schemaDir)
    .filter((file) => file.endsWith('.prisma'))
    .sort()
    .map((file) => [join(schemaDir, file), readFileSync(join(schemaDir, file), 'utf8')]);
}

export function readMigrations(migrationsDir: string): EngineMigrationList {
  const lockPath = join(migrationsDir, 'migration_lock.toml');
  const directories = existsSync(migrationsDir)
    ? readdirSync(migrationsDir)
        .filter((entry) => statSync(join(migrationsDir, entry)).isDirectory())
        .filter((entry) => existsSync(join(migrationsDir, entry, 'migration.sql')))
        .sort()
    : [];
  return {
    baseDir: migrationsDir,
    shadowDbInitScript: '',
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null },
    migrationDirectories: directories.map((path) => ({
      path,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok', value: readFileSync(join(migrationsDir, path, 'migration.sql'), 'utf8') },
      },
    })),
  };
}

async function withEngine<T>(databaseUrl: string, schemaDir: string, run: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const { SchemaEngine } = await loadEngineGlue();
  const adapters = migrationAdapterFactory(databaseUrl);
  const factory = bindMigrationAwareSqlAdapterFactory(adapters);
  const log = (message: string) => {
    if (process.env.SCHEMA_ENGINE_DEBUG) process.stderr.write(`${message}\n`);
  };
  const restoreTimers = unrefEngineTimers();
  try {
    const engine: SchemaEngine = await SchemaEngine.new({ datamodels: readSchemaFiles(schemaDir) }, log, factory);
    try {
      return await run(engine);
    } catch (error) {
      throw explainEngineError(error, factory);
    } finally {
      engine.free();
      await adapters.close();
    }
  } finally {
    restoreTimers();
  }
}

/**
 * The engine's wasm arms timers (10 s) that outlive its work, and its glue has
 * no way to cancel them: left as they are, they keep a finished CLI or jest's
 * global setup alive for ten more seconds. Timers the engine arms while it
 * runs are unref'd, so they no longer hold the process open.
 */
function unrefEngineTimers(): () => void {
  const original = globalThis.setTimeout;
  const patched = (...args: Parameters<typeof setTimeout>) => {
    const timer = original(...args);
    if (new Error().stack?.includes('schema-engine-wasm')) timer.unref();
    return timer;
  };
  globalThis.setTimeout = Object.assign(patched, original) as typeof setTimeout;
  return () => {
    globalThis.setTimeout = original;
  };
}

/** The engine reports driver failures as `External error id#N`; the adapter keeps the real one. */
function explainEngineError(error: unknown, factory: { errorRegistry: { consumeError(id: number): unknown } }): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (lastPanic !== undefined) {
    const panic = lastPanic;
    lastPanic = undefined;
    return new Error(`schema engine panicked: ${panic}`);
  }
  const match = /External error id#(\d+)/.exec(message);
  if (!match) return error instanceof Error ? error : new Error(message);
  const cause = factory.errorRegistry.consumeError(Number(match[1])) as { error?: unknown } | undefined;
  return new Error(`${message}: ${JSON.stringify(cause?.error ?? cause)}`);
}

/** Creates the database if needed, then applies every pending migration. */
export async function applyMigrations(databaseUrl: string, paths: MigrationPaths): Promise<string[]> {
  await createDatabaseIfMissing(databaseUrl);
  return withEngine(databaseUrl, paths.schemaDir, async (engine) => {
    const result = await engine.applyMigrations({ migrationsList: readMigrations(paths.migrationsDir), filters: NO_FILTERS });
    return result.appliedMigrationNames;
  });
}

/**
 * SQL that takes a database built from the migrations folder to the state
 * `schema.prisma` describes; empty when they agree. The migrations are
 * replayed in a temporary shadow database next to `databaseUrl`.
 */
export async function diffMigrationsToSchema(databaseUrl: string, paths: MigrationPaths): Promise<string> {
  await createDatabaseIfMissing(databaseUrl);
  return withEngine(databaseUrl, paths.schemaDir, async (engine) => {
    const schemaFiles = readSchemaFiles(paths.schemaDir).map(([path, content]) => ({ path, content }));
    const result = await engine.diff({
      from: { tag: 'migrations', ...readMigrations(paths.migrationsDir) },
      to: { tag: 'schemaDatamodel', files: schemaFiles },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    return isEmptyDiff(result.stdout) ? '' : result.stdout;
  });
}

export function isEmptyDiff(sql: string): boolean {
  return sql.replace(/--.*$/gm, '').trim() === '';
}
