// npm start keeps its data across restarts and recovers after the Node process is SIGKILLed
// (PostgreSQL is then left running as an orphan that holds postmaster.pid).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '@/lib/db/embedded';

const dir = path.resolve('.data', `recovery-test-${process.pid}`);
const port = 55100 + (process.pid % 400);
const password = 'recovery-test';

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function startInChild(): Promise<{ kill: () => void }> {
  const script = `
    import { startEmbeddedPostgres } from './lib/db/embedded.ts';
    const db = await startEmbeddedPostgres({ dir: ${JSON.stringify(dir)}, port: ${port}, password: '${password}', persistent: true });
    console.log('READY ' + db.url);
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('READY')) resolve({ kill: () => child.kill('SIGKILL') });
    });
    child.on('exit', (code) => reject(new Error(`child exited early (${code})`)));
  });
}

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL', () => {
  it('keeps data after a SIGKILL of its Node process and starts again over the orphaned server', async () => {
    const first = await startInChild();
    const url = `postgresql://postgres:${password}@localhost:${port}/portico`;
    await query(url, 'CREATE TABLE kept (note text); INSERT INTO kept VALUES ($$still here$$)');
    first.kill();
    await new Promise((r) => setTimeout(r, 300));
    expect(fs.existsSync(path.join(dir, 'postmaster.pid'))).toBe(true);

    const second = await startEmbeddedPostgres({ dir, port, password, persistent: true });
    try {
      expect(await query(second.url, 'SELECT note FROM kept')).toEqual([{ note: 'still here' }]);
    } finally {
      await second.stop();
    }
    expect(fs.existsSync(path.join(dir, 'PG_VERSION'))).toBe(true);
  }, 60_000);
});
