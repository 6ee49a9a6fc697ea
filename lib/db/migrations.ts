/* eslint-disable @typescript-eslint/no-explicit-any -- the WASM engine ships loose typings */
// Prisma-compatible migrations without Prisma's native schema-engine binary, which cannot be
// downloaded on these machines. Prisma's official WASM schema engine runs the same logic and writes
// the standard `_prisma_migrations` table and `prisma/migrations/<timestamp>_<name>/` folders, so
// `prisma migrate deploy` elsewhere accepts what this produces.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCHEMA_PATH = path.join(ROOT, 'prisma/schema.prisma');
export const MIGRATIONS_DIR = path.join(ROOT, 'prisma/migrations');
const FILTERS = { externalTables: [], externalEnums: [] };

// The WASM panic hook reports through this global; without it a Rust panic surfaces as
// "Cannot read properties of undefined (reading 'set_message')".
(globalThis as any).PRISMA_WASM_PANIC_REGISTRY ??= {
  set_message: (message: string) => console.error('[schema-engine panic]', message),
};

let engineModule: Promise<typeof bg> | undefined;
function loadEngineModule() {
  engineModule ??= (async () => {
    // The package's exports map hides the .wasm file; it sits next to schema_engine_bg.js.
    const wasm = fs.readFileSync(path.join(ROOT, 'node_modules/@prisma/schema-engine-wasm/schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(wasm, { './schema_engine_bg.js': bg as any });
    (bg as any).__wbg_set_wasm(instance.exports);
    (instance.exports as any).__wbindgen_start();
    return bg;
  })();
  return engineModule;
}

type MigrationsList = {
  baseDir: string;
  lockfile: { path: string; content: string | null };
  migrationDirectories: { path: string; migrationFile: { path: string; content: { tag: 'ok' | 'error'; value: string } } }[];
  shadowDbInitScript: string;
};

export async function readMigrationsList(dir = MIGRATIONS_DIR): Promise<MigrationsList> {
  const lockPath = 'migration_lock.toml';
  const lockContent = await fsp.readFile(path.join(dir, lockPath), 'utf8').catch(() => null);
  const entries = await fsp.readdir(dir, { withFileTypes: true }).catch(() => []);
  const migrationDirectories = [];
  for (const entry of entries.filter((e) => e.isDirectory())) {
    const content = await fsp.readFile(path.join(dir, entry.name, 'migration.sql'), 'utf8').then(
      (value) => ({ tag: 'ok' as const, value }),
      (error: Error) => ({ tag: 'error' as const, value: error.message }),
    );
    migrationDirectories.push({ path: entry.name, migrationFile: { path: 'migration.sql', content } });
  }
  migrationDirectories.sort((a, b) => a.path.localeCompare(b.path));
  return { baseDir: dir, lockfile: { path: lockPath, content: lockContent }, migrationDirectories, shadowDbInitScript: '' };
}

function poolConfig(connectionString: string) {
  // Discrete fields, not { connectionString }: in node-postgres a connectionString overrides
  // `database`, so the shadow database replay would otherwise run against the main database.
  const url = new URL(connectionString);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.slice(1),
  };
}

// @prisma/adapter-pg cannot map PostgreSQL's one-byte "char" type (OID 18), which the engine's
// introspection queries return (pg_constraint.contype, …). Relabel it as text for the adapter and
// report those columns as Character (column type 6) to the engine.
async function patchCharColumns(factory: PrismaPg) {
  const probe = await factory.connect();
  const proto = Object.getPrototypeOf(Object.getPrototypeOf(probe));
  await probe.dispose();
  if (proto.__porticoCharPatched) return;
  proto.__porticoCharPatched = true;
  // The adapter's executeScript splits a migration on every ';', which breaks function bodies
  // (plpgsql). `prisma migrate deploy` sends the script whole, in PostgreSQL's simple query
  // protocol (several statements, one implicit transaction): do the same.
  const adapterProto = Object.getPrototypeOf(probe);
  adapterProto.executeScript = async function (this: { client: pg.Pool; onError: (error: unknown) => never }, script: string) {
    try {
      await this.client.query(script);
    } catch (error) {
      this.onError(error);
    }
  };
  const performIO = proto.performIO;
  proto.performIO = async function (query: any, ...rest: unknown[]) {
    const result = await performIO.call(this, query, ...rest);
    const charColumns: number[] = [];
    result.fields?.forEach((field: any, i: number) => {
      if (field.dataTypeID === 18) {
        field.dataTypeID = 25;
        charColumns.push(i);
      }
    });
    if (charColumns.length) query.__charColumns = charColumns;
    return result;
  };
  const queryRaw = proto.queryRaw;
  proto.queryRaw = async function (query: any) {
    const result = await queryRaw.call(this, query);
    for (const i of query.__charColumns ?? []) result.columnTypes[i] = 6;
    return result;
  };
}

async function withEngine<T>(connectionString: string, fn: (engine: any, schemaText: string) => Promise<T>): Promise<T> {
  const { SchemaEngine } = await loadEngineModule();
  const schemaText = await fsp.readFile(SCHEMA_PATH, 'utf8');
  const config = poolConfig(connectionString);
  const factory = new PrismaPg(config);
  await patchCharColumns(factory);
  // The stock connectToShadowDb drops the shadow database before closing the pool connected to it
  // and never closes its admin pool; create and drop it here in the right order instead.
  (factory as any).connectToShadowDb = async () => {
    const name = `prisma_migrate_shadow_db_${crypto.randomUUID().replace(/-/g, '')}`;
    const admin = async (sql: string) => {
      const client = new pg.Client(config);
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    await admin(`CREATE DATABASE "${name}"`);
    const shadow = await new PrismaPg({ ...config, database: name }).connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    };
    return shadow;
  };
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  const engine = await SchemaEngine.new(
    { datamodels: [[SCHEMA_PATH, schemaText]] } as any,
    (log: string) => {
      if (process.env.ENGINE_LOG) console.error('[engine]', log);
    },
    adapter,
  );
  try {
    return await fn(engine, schemaText);
  } finally {
    engine.free();
  }
}

/** Applies pending migrations (what `prisma migrate deploy` does). Returns the names applied. */
export async function deployMigrations(connectionString: string): Promise<string[]> {
  return withEngine(connectionString, async (engine) => {
    const out = await engine.applyMigrations({ migrationsList: await readMigrationsList(), filters: FILTERS });
    return out.appliedMigrationNames as string[];
  });
}

/**
 * Schema drift: replays the migrations into a throwaway shadow database and compares the result
 * with schema.prisma. Returns the SQL that is missing from the migrations ('' when in sync).
 */
export async function missingMigrationSql(
  connectionString: string,
  options: { schemaText?: string; migrationsDir?: string } = {},
): Promise<string> {
  return withEngine(connectionString, async (engine, schemaText) => {
    const out = await engine.diff({
      from: { tag: 'migrations', ...(await readMigrationsList(options.migrationsDir)) },
      to: { tag: 'schemaDatamodel', files: [{ path: SCHEMA_PATH, content: options.schemaText ?? schemaText }] },
      script: true,
      exitCode: true,
      filters: FILTERS,
    });
    return out.exitCode === 0 ? '' : (out.stdout as string) || '-- (changes found)';
  });
}

/** Writes a new migration folder for the schema changes not yet in migrations, like `migrate dev --create-only`. */
export async function createMigration(connectionString: string, name: string): Promise<string | null> {
  const lock = path.join(MIGRATIONS_DIR, 'migration_lock.toml');
  if (!fs.existsSync(lock)) {
    await fsp.mkdir(MIGRATIONS_DIR, { recursive: true });
    await fsp.writeFile(
      lock,
      '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n',
    );
  }
  const sql = await missingMigrationSql(connectionString);
  if (!sql) return null;
  const stamp = new Date().toISOString().replace(/[-:TZ]/g, '').slice(0, 14);
  const dirName = `${stamp}_${name.replace(/[^a-zA-Z0-9_]/g, '_')}`;
  await fsp.mkdir(path.join(MIGRATIONS_DIR, dirName), { recursive: true });
  await fsp.writeFile(path.join(MIGRATIONS_DIR, dirName, 'migration.sql'), sql);
  return dirName;
}
