// Shared by `npm start`, the worker and the test runner: find or start the database, apply
// migrations, seed when empty, and make sure a local AUTH_SECRET exists.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres } from '../db/embedded';
import { deployMigrations } from '../db/migrations';
import { createPrismaClient } from '../db/client';
import { seedDemo } from '../../prisma/seed';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const DATA_DIR = path.join(ROOT, '.data');

/** A secret kept under .data/ so it survives restarts (created on first use). */
export function localSecret(name: string, bytes = 32): string {
  fs.mkdirSync(DATA_DIR, { recursive: true, mode: 0o755 });
  const file = path.join(DATA_DIR, name);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const value = crypto.randomBytes(bytes).toString('base64url');
  fs.writeFileSync(file, value + '\n', { mode: 0o600 });
  return value;
}

export type Database = { url: string; embedded: boolean; stop: () => Promise<void> };

export async function openDatabase(log: (line: string) => void): Promise<Database> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, embedded: false, stop: async () => {} };
  const port = Number(process.env.PORTICO_PG_PORT ?? 54329);
  // PORTICO_EPHEMERAL_DB=1 (end-to-end tests): a throwaway cluster, deleted when stopped.
  const ephemeral = process.env.PORTICO_EPHEMERAL_DB === '1';
  const dir = path.join(DATA_DIR, ephemeral ? `ephemeral-postgres-${port}` : 'postgres');
  if (ephemeral) fs.rmSync(dir, { recursive: true, force: true });
  const db = await startEmbeddedPostgres({
    dir,
    port,
    password: ephemeral ? crypto.randomBytes(12).toString('hex') : localSecret('postgres-password', 18),
    persistent: !ephemeral,
    log,
    fallbackToFreePort: !process.env.PORTICO_PG_PORT,
  });
  log(`Embedded PostgreSQL 18 on ${new URL(db.url).host} (data in ${path.relative(ROOT, dir)}${ephemeral ? ', deleted on stop' : ''})`);
  return { url: db.url, embedded: true, stop: db.stop };
}

export async function migrateAndSeed(url: string, log: (line: string) => void, options: { seed?: boolean } = {}) {
  const applied = await deployMigrations(url);
  log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database schema is up to date.');
  if (options.seed === false) return;
  const prisma = createPrismaClient(url);
  try {
    const anySite = await prisma.site.count();
    if (anySite === 0) await seedDemo(prisma, { log });
  } finally {
    await prisma.$disconnect();
  }
}
