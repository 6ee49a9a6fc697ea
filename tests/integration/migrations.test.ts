import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { missingMigrationSql, SCHEMA_PATH } from '@/lib/db/migrations';

describe('migration drift check', () => {
  it('passes: the committed migrations produce exactly schema.prisma', async () => {
    expect(await missingMigrationSql(inject('postgresUrl'))).toBe('');
  });

  it('fails when schema.prisma changes without a migration, naming the missing change', async () => {
    const schema = fs.readFileSync(SCHEMA_PATH, 'utf8');
    const changed = schema.replace('model Space {\n', 'model Space {\n  archivedAt     DateTime?\n');
    expect(changed).not.toBe(schema);
    const missing = await missingMigrationSql(inject('postgresUrl'), { schemaText: changed });
    expect(missing).toContain('ALTER TABLE "Space" ADD COLUMN     "archivedAt" TIMESTAMP(3)');
  });
});
