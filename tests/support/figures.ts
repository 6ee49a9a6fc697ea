// Each suite that produces a figure for `npm test`'s summary line writes it here; lib/cli/test.ts
// reads them (a missing file fails the run).
import fs from 'node:fs';
import path from 'node:path';

export const FIGURES_DIR = path.resolve(import.meta.dirname, '../../.data/test-reports/figures');

export function writeFigures(name: string, figures: Record<string, number>): void {
  fs.mkdirSync(FIGURES_DIR, { recursive: true });
  fs.writeFileSync(path.join(FIGURES_DIR, `${name}.json`), JSON.stringify(figures, null, 2) + '\n');
}
