// The browser suite's ground (ctest label `browser`, issue #16): a fresh server database with a
// manager (password set through `rep passwd` on standard input), reps and devices; the real
// fieldbook-server on an ephemeral loopback port serving the built console; Debian's chromium
// driven headless by playwright-core; a screenshot of every page in the build folder.
//
// Environment (tests/browser/CMakeLists.txt sets it): FIELDBOOK_SERVER_BINARY, FIELDBOOK_CLI_BINARY,
// FIELDBOOK_CONSOLE_DIR, FIELDBOOK_SCREENSHOT_DIR, FIELDBOOK_CHROMIUM (default /usr/bin/chromium).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const PASSWORD = 'correct horse battery';
const env = process.env;
export const SERVER = env.FIELDBOOK_SERVER_BINARY;
export const CLI = env.FIELDBOOK_CLI_BINARY;
const CHROMIUM = env.FIELDBOOK_CHROMIUM || '/usr/bin/chromium';
export const SHOTS = env.FIELDBOOK_SCREENSHOT_DIR || path.join(os.tmpdir(), 'fieldbook-screenshots');

// playwright-core (run.mjs has checked that it is there).
export async function loadPlaywright() {
  return import('playwright-core');
}

export function server(args, input) {
  return execFileSync(SERVER, args, { input: input ?? '', encoding: 'utf8' });
}

export function cli(replica, args) {
  return execFileSync(CLI, ['--replica', replica, ...args], { encoding: 'utf8' });
}

export function tokenOf(output) {
  return output.trim().split(/\s+/).pop();
}

// A server database with manager `mgr` (password PASSWORD), reps rep-a and rep-b, a territory,
// and the server running. With `demo: N`, the database is seed-demo's N garages with its reps,
// territories, orders and visits instead (tokens by rep id), plus manager `mgr`.
// With `tls`, a throwaway self-signed certificate for 127.0.0.1 is made with openssl and the
// server answers HTTPS only (url https://...). Returns {dir, db, url, tokens, stop()}.
// `env`: variables added to the server's environment (test hooks).
export async function startServer({ extra = [], demo = 0, tls = false, env: serverEnv = {} } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldbook-browser-'));
  const tlsFlags = [];
  if (tls) {
    const cert = path.join(dir, 'cert.pem'), key = path.join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
      '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    tlsFlags.push('--tls-cert', cert, '--tls-key', key);
  }
  const db = path.join(dir, 'server.db');
  let tokens = {};
  if (demo) {
    const seeded = JSON.parse(server(['seed-demo', '--db', db, '--customers', String(demo), '--json']));
    for (const r of seeded.reps) tokens[r.id] = r.token;
    tokens.mgr = tokenOf(server(['rep', 'add', '--db', db, '--id', 'mgr', '--name', '周敏 Zhou Min', '--role', 'manager']));
  } else {
    server(['init', '--db', db]);
    tokens = {
      mgr: tokenOf(server(['rep', 'add', '--db', db, '--id', 'mgr', '--name', '周敏 Zhou Min', '--role', 'manager'])),
      'rep-a': tokenOf(server(['rep', 'add', '--db', db, '--id', 'rep-a', '--name', '张伟 Zhang Wei'])),
      'rep-b': tokenOf(server(['rep', 'add', '--db', db, '--id', 'rep-b', '--name', '李娜 Li Na'])),
    };
  }
  server(['rep', 'passwd', '--db', db, 'mgr'], PASSWORD + '\n');
  const portFile = path.join(dir, 'port');
  const log = fs.openSync(path.join(dir, 'server.log'), 'a');
  const child = spawn(SERVER, ['serve', '--db', db, '--port', '0', '--port-file', portFile,
    '--console-dir', env.FIELDBOOK_CONSOLE_DIR, '--nightly-at', 'off', ...tlsFlags, ...extra],
  { stdio: ['ignore', log, log], env: { ...env, ...serverEnv } });
  let exited = false;
  child.on('exit', () => { exited = true; });
  for (let i = 0; i < 200 && !fs.existsSync(portFile); ++i) {
    if (exited) break;
    await sleep(50);
  }
  if (!fs.existsSync(portFile)) {
    throw new Error('the server did not start:\n' + fs.readFileSync(path.join(dir, 'server.log'), 'utf8'));
  }
  const port = Number(fs.readFileSync(portFile, 'utf8').trim());
  return {
    dir, db, tokens, url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    log: () => fs.readFileSync(path.join(dir, 'server.log'), 'utf8'),
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        for (let i = 0; i < 100 && !exited; ++i) await sleep(50);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Chromium as the machine's notes say: headless, no sandbox (root), no background networking.
export async function launchBrowser(playwright) {
  return playwright.chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A page in a fresh context (its own cookies and storage) that records console errors, CSP
// violations and requests to any other host. Close it with `context.close()`.
// With `selfSigned`, the context accepts the test's self-signed certificate.
export async function openPage(browser, { width = 1280, height = 800, selfSigned = false } = {}) {
  const context = await browser.newContext({
    viewport: { width, height }, locale: 'en-US', ignoreHTTPSErrors: selfSigned,
  });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    // The page asks GET /v1/admin/session first; before a login that is 401, as it should be.
    if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push('console: ' + m.text());
  });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol.startsWith('http') && u.hostname !== '127.0.0.1') problems.push('outside fetch: ' + r.url());
  });
  return { page, context, problems };
}

export async function shot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, name + '.png');
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export async function login(page, url, rep = 'mgr', password = PASSWORD) {
  await page.goto(url + '/');
  await page.getByLabel(/Manager id|管理员账号/).fill(rep);
  await page.getByLabel(/^Password$|^密码$/).fill(password);
  await page.getByRole('button', { name: /Sign in|登录/ }).click();
}
