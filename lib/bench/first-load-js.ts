// First-load JavaScript of an App Router route from the production build in .next/: the root
// main files plus the route's entry chunks (page_client-reference-manifest.js), gzip-compressed.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** Gzip bytes of the JS a first visit to `route` (an app/ folder, e.g. "(site)/admin/users") loads, or null. */
export function firstLoadJsGzip(root: string, route: string): number | null {
  const next = path.join(root, '.next');
  const manifestFile = path.join(next, 'server', 'app', route, 'page_client-reference-manifest.js');
  const buildManifestFile = path.join(next, 'build-manifest.json');
  if (!fs.existsSync(manifestFile) || !fs.existsSync(buildManifestFile)) return null;
  const buildManifest = JSON.parse(fs.readFileSync(buildManifestFile, 'utf8')) as { rootMainFiles?: string[] };
  const text = fs.readFileSync(manifestFile, 'utf8');
  const json = text.slice(text.indexOf('= {') + 2).replace(/;\s*$/, '');
  const manifest = (JSON.parse(json) as { entryJSFiles?: Record<string, string[]> });
  const files = new Set<string>(buildManifest.rootMainFiles ?? []);
  for (const list of Object.values(manifest.entryJSFiles ?? {})) list.forEach((f) => files.add(f));
  let total = 0;
  for (const file of files) {
    const full = path.join(next, file);
    if (!fs.existsSync(full)) return null;
    total += zlib.gzipSync(fs.readFileSync(full), { level: 9 }).length;
  }
  return total;
}
