// Runs the browser suite (node --test) once its tools are there: exits 77 (ctest: skipped) when
// chromium or playwright-core is missing, or 1 when FIELDBOOK_BROWSER_REQUIRED=1 (scripts/test).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const chromium = process.env.FIELDBOOK_CHROMIUM || '/usr/bin/chromium';
const required = process.env.FIELDBOOK_BROWSER_REQUIRED === '1';
const missing = [];
if (!fs.existsSync(chromium)) missing.push(chromium + ' (Debian package chromium)');
try {
  await import('playwright-core');
} catch {
  missing.push('playwright-core (npm ci)');
}
if (missing.length) {
  console.error('browser suite: missing ' + missing.join(', ') + '; scripts/setup installs them');
  process.exit(required ? 1 : 77);
}
const files = fs.readdirSync(here).filter((f) => f.endsWith('.test.mjs')).map((f) => path.join(here, f));
const run = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], { stdio: 'inherit' });
process.exit(run.status ?? 1);
