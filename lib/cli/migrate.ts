// npm run db:migrate | db:migration:create -- <name> | db:check
import 'dotenv/config';
import { openDatabase } from './runtime';
import { createMigration, deployMigrations, missingMigrationSql } from '../db/migrations';

const log = (line: string) => console.error(`[migrate] ${line}`);

async function main() {
  const [command, name] = process.argv.slice(2);
  const database = await openDatabase(log);
  let exitCode = 0;
  try {
    if (command === 'deploy') {
      const applied = await deployMigrations(database.url);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'No pending migrations to apply.');
    } else if (command === 'create') {
      if (!name) throw new Error('Usage: npm run db:migration:create -- <name>');
      const created = await createMigration(database.url, name);
      console.log(created ? `Created prisma/migrations/${created}/migration.sql` : 'No schema changes, nothing to create.');
    } else if (command === 'check') {
      const missing = await missingMigrationSql(database.url);
      if (missing) {
        exitCode = 2;
        console.log(`schema.prisma has changes that no migration contains:\n${missing}\nRun: npm run db:migration:create -- <name>`);
      } else {
        console.log('Migrations match schema.prisma.');
      }
    } else {
      throw new Error('Usage: migrate.ts deploy | create <name> | check');
    }
  } finally {
    await database.stop();
  }
  process.exit(exitCode);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
