// `npx tsx lib/cli/worker.ts`: a standalone email worker for scaled deployments (N app instances,
// M workers, one PostgreSQL). Needs DATABASE_URL and SMTP_URL; the schema must already be migrated
// (an app instance's `npm start` or `npm run db:migrate` does that). Runs until SIGINT/SIGTERM.
// It also runs the guest access expiry schedule (safe with any number of workers).
import 'dotenv/config';
import { mailTuningFromEnv, startMailWorker } from '../mail/worker';
import { startGuestExpiryWorker } from '../guests/expiry';

const log = (line: string) => console.log(`[portico-mail] ${line}`);

async function main() {
  const databaseUrl = process.env.DATABASE_URL;
  const smtpUrl = process.env.SMTP_URL;
  if (!databaseUrl || !smtpUrl) {
    console.error('The email worker needs DATABASE_URL (your PostgreSQL) and SMTP_URL (e.g. smtp://user:pass@smtp.example.com:587).');
    process.exit(1);
  }
  const appUrl = process.env.APP_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
  const worker = await startMailWorker({ databaseUrl, smtpUrl, appUrl, log, ...mailTuningFromEnv() });
  const guestExpiry = await startGuestExpiryWorker({ databaseUrl, log }).catch(async (error: unknown) => {
    await worker.stop();
    throw error;
  });
  log(`Delivering emails through ${new URL(smtpUrl).host}; links point to ${appUrl}. Press Ctrl-C to stop.`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`Stopping (${signal}); letting sends in progress finish…`);
    try {
      await guestExpiry.stop();
      await worker.stop();
      process.exit(0);
    } catch (error) {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
