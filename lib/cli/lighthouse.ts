// `npm run lighthouse [-- --url=http://localhost:3000] [--space=MKT]`: Lighthouse (desktop) in
// /usr/bin/chromium (or CHROME_PATH) against a running Portico with the demo accounts (npm start,
// or the benchmark's app: `npm run bench -- --lighthouse` runs it on the large seed). Signs in as
// the site admin, a space admin and a guest; prints performance and accessibility with pass/fail.
import { DEMO_PASSWORD } from '../../prisma/seed';
import { flagValue } from '../bench/args';
import { signIn } from '../bench/http';
import { lighthousePages, lighthouseReport, runLighthouse } from '../bench/lighthouse';

const log = (line: string) => console.log(`[lighthouse] ${line}`);

async function main() {
  const baseUrl = (flagValue('url') ?? 'http://localhost:3000').replace(/\/$/, '');
  const cookies = {
    admin: await signIn(baseUrl, 'alana.admin@acme.com', DEMO_PASSWORD),
    spaceAdmin: await signIn(baseUrl, 'sam.rivera@acme.com', DEMO_PASSWORD),
    guest: await signIn(baseUrl, 'casey.jones@brightagency.io', DEMO_PASSWORD),
  };
  const scores = await runLighthouse(baseUrl, lighthousePages(cookies, flagValue('space') ?? 'MKT'), log);
  const { text, failures } = lighthouseReport(scores);
  console.log(`\n${text}\n`);
  log(failures ? `${failures} screen(s) below target.` : 'Every screen meets the targets.');
  process.exitCode = failures ? 1 : 0;
}

main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
