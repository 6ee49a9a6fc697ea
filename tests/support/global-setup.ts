// One throwaway PostgreSQL for the whole vitest run; each test file clones a migrated template
// database (see tests/support/database.ts), so files are isolated and can run in parallel.
import path from 'node:path';
import crypto from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../lib/db/embedded';
import { deployMigrations } from '../../lib/db/migrations';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject) {
  const port = Number(process.env.PORTICO_TEST_PG_PORT ?? 54400 + Math.floor(Math.random() * 500));
  const dir = path.resolve('.data', `test-postgres-${port}`);
  fs.rmSync(dir, { recursive: true, force: true });
  const database = await startEmbeddedPostgres({ dir, port, password: crypto.randomBytes(12).toString('hex'), persistent: false, database: 'portico_template' });
  await deployMigrations(database.url);
  const client = new pg.Client({ connectionString: database.url.replace(/\/portico_template$/, '/postgres') });
  await client.connect();
  // A template must have no open connections when cloned.
  await client.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'portico_template' AND pid <> pg_backend_pid()`);
  await client.end();
  project.provide('postgresUrl', database.url.replace(/\/portico_template$/, '/postgres'));
  project.provide('templateDatabase', 'portico_template');
  return async () => {
    await database.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
