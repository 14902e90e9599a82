// Runs the browser suite (node --test) once its tools are there: exits 77 (ctest: skipped) when
// chromium, playwright-core or jsqr (which reads the QR codes back) is missing, or 1 when
// FIELDBOOK_BROWSER_REQUIRED=1 (scripts/test).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const chromium = process.env.FIELDBOOK_CHROMIUM || '/usr/bin/chromium';
const required = process.env.FIELDBOOK_BROWSER_REQUIRED === '1';
const missing = [];
if (!fs.existsSync(chromium)) missing.push(chromium + ' (Debian package chromium)');
for (const name of ['playwright-core', 'jsqr']) {
  try {
    await import(name);
  } catch {
    missing.push(name + ' (npm ci)');
  }
}
if (missing.length) {
  console.error('browser suite: missing ' + missing.join(', ') + '; scripts/setup installs them');
  process.exit(required ? 1 : 77);
}
const files = fs.readdirSync(here).filter((f) => f.endsWith('.test.mjs')).map((f) => path.join(here, f));
const run = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], { stdio: 'inherit' });
process.exit(run.status ?? 1);
