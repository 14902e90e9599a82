// The Night page's "Run now" in a real browser (issue #16): the run goes on the server's own
// thread while the page follows its steps; a run held by another process refuses the button with
// a message; the run stopped by SIGTERM shows as interrupted and the next "Run now" resumes it.
// Then the dashboard's figures those runs made: tiers per territory, the tier migration between
// two grading runs, each rep's portfolio, the customers at risk with their reasons, what waits for
// review, and a real device's verification.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  SERVER, cli, launchBrowser, loadPlaywright, login, openPage, server, shot, startServer,
} from './harness.mjs';

const playwright = await loadPlaywright();

describe('the Night page and the dashboard it feeds', () => {
  let srv;
  let browser;
  before(async () => {
    srv = await startServer({ demo: 40 });
    browser = await launchBrowser(playwright);
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  test('run now: the new run appears with its steps and its backup', async () => {
    const backups = path.join(srv.dir, 'backups');
    const { page, context, problems } = await openPage(browser);
    await login(page, srv.url);
    await page.getByRole('link', { name: 'Night' }).click();
    await page.getByText('The nightly job has not run yet.').waitFor();
    const button = page.getByRole('button', { name: 'Run now' });
    await button.click();
    const run = page.locator('section.night-run').first();
    await run.waitFor();
    // The page follows the run until it has finished.
    await page.getByText(/The nightly job finished: run #1, succeeded/).waitFor({ timeout: 120000 });
    const text = await run.innerText();
    assert.match(text, /Run #1 .* succeeded/);
    assert.match(text, /Started by: manual/);
    for (const step of ['grade', 'reclaim', 'verify', 'compact', 'backup']) assert.match(text, new RegExp(step));
    assert.match(text, /Backup: .*fieldbook-.*\(\d+ bytes\)/);
    const file = text.match(/Backup: (\S+)/)[1];
    assert.ok(fs.existsSync(file), file + ' exists');
    assert.ok(file.startsWith(backups) || file.startsWith(path.join(srv.dir)), file);
    assert.equal(await button.isEnabled(), true);
    assert.match(text, /customers graded as of/);  // each step's line, not its JSON report
    await shot(page, 'night-run-now');
    // In Chinese each step's result is the server's line in Chinese (issue #19).
    await page.locator('#lang').selectOption('zh');
    const zhRun = page.locator('section.night-run').first();
    await page.waitForFunction(() => /已为 \d+ 个客户分级/.test(
      document.querySelector('section.night-run')?.textContent ?? ''));
    const results = await zhRun.locator('tbody tr td:last-child').allInnerTexts();
    assert.equal(results.length, 5, results.join('\n'));
    for (const result of results) {
      assert.match(result, /[\u3400-\u9fff]/, result);
      assert.doesNotMatch(result, /graded|reclaimed|verified|forgot|integrity ok|\{"/, result);
    }
    await page.locator('#lang').selectOption('en');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a run held by another process refuses "Run now" with a message, then resumes', async () => {
    const { page, context, problems } = await openPage(browser);
    await login(page, srv.url);
    await page.getByRole('link', { name: 'Night' }).click();
    const button = page.getByRole('button', { name: 'Run now' });
    await button.waitFor();
    // `fieldbook-server nightly` pauses after grading (the test hook), holding the lease.
    const err = path.join(srv.dir, 'nightly.err');
    const child = spawn(SERVER, ['nightly', '--db', srv.db], {
      env: { ...process.env, FIELDBOOK_TEST_NIGHTLY_PAUSE_AFTER: 'grade' },
      stdio: ['ignore', 'ignore', fs.openSync(err, 'w')],
    });
    const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 1200 && !/paused after grade/.test(fs.readFileSync(err, 'utf8')); ++i) await sleep(50);
    assert.match(fs.readFileSync(err, 'utf8'), /paused after grade/);
    await button.click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /Not started: the nightly job is running \(run 2/);
    await shot(page, 'night-busy');
    // Reloaded, the page shows the run in progress and the button is off.
    await page.reload();
    await page.getByText(/A nightly run is in progress \(run 2/).waitFor();
    assert.equal(await button.isDisabled(), true);
    assert.match(await page.locator('section.night-run').first().innerText(), /Run #2 .* running/);
    // SIGTERM: the other process records its run as interrupted and gives the lease up; the page
    // (which follows the run) offers the button again.
    child.kill('SIGTERM');
    assert.equal(await exited, 1);  // its run did not succeed
    await page.locator('section.night-run').first().getByText(/Run #2 .* interrupted/).waitFor();
    await page.waitForFunction(() => !document.getElementById('run-now').disabled);
    // Run now resumes the interrupted run: its grading is not done again.
    await button.click();
    await page.getByText(/The nightly job finished: run #2, succeeded/).waitFor({ timeout: 120000 });
    const text = await page.locator('section.night-run').first().innerText();
    assert.match(text, /Run #2 .* succeeded/);
    assert.equal((await page.locator('section.night-run').count()), 2);
    await shot(page, 'night-resumed');
    // The page in Chinese.
    await page.getByLabel('Language').selectOption('zh');
    await page.getByRole('button', { name: '立即运行' }).waitFor();
    await shot(page, 'night-zh');
    await page.getByLabel('语言').selectOption('en');
    // The refused run's 409 is the only failed request.
    assert.deepEqual(problems.filter((p) => !/status of 409 \(Conflict\)/.test(p)), []);
    await context.close();
  });

  test('the dashboard: tiers per territory, tier migration, portfolio, at risk, review and verification', async () => {
    // A real device of Li Na syncs: the nightly run asked every rep's devices to verify.
    const tablet = path.join(srv.dir, 'li-na.db');
    cli(tablet, ['init', '--server', srv.url, '--token', srv.tokens['rep-li-na']]);
    cli(tablet, ['sync']);
    cli(tablet, ['sync']);
    // A second grading run, a month later: tiers move.
    server(['grade', '--db', srv.db, '--today', new Date(Date.now() + 40 * 86400000).toISOString().slice(0, 10)]);
    const { page, context, problems } = await openPage(browser);
    await login(page, srv.url);
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    const territories = page.locator('section[aria-labelledby="h-territories"]');
    await territories.getByRole('img', { name: 'Customers by tier — each territory' }).locator('svg').first().waitFor();
    const rows = await territories.locator('tbody tr').allInnerTexts();
    assert.ok(rows.length >= 2, rows.join('\n'));
    // Each territory's tiers add up to its customers, and all of them to seed-demo's 40.
    let total = 0;
    for (const row of rows) {
      const cells = row.split('\t').slice(1).map(Number);
      const sum = cells.slice(0, -1).reduce((a, b) => a + b, 0);
      assert.equal(sum, cells.at(-1), row);
      total += cells.at(-1);
    }
    assert.equal(total, 40);
    const migration = page.locator('section[aria-labelledby="h-migration"]');
    assert.match(await migration.innerText(), /From run #\d+ \(.*\) to run #\d+/);
    await migration.locator('svg').first().waitFor();
    const review = page.locator('section[aria-labelledby="h-review"]');
    assert.match(await review.innerText(), /Held edits\s+\d+/);
    assert.match(await review.innerText(), /Possible duplicate garages\s+\d+/);
    // Each rep's portfolio and the at-risk customers with their reasons: what the reports say.
    const admin = async (route) => (await fetch(srv.url + route, {
      headers: { Authorization: 'Bearer ' + srv.tokens.mgr },
    })).json();
    const portfolio = (await admin('/v1/admin/reports/portfolio')).reps;
    const shown = await page.locator('section[aria-labelledby="h-portfolio"] tbody tr').allInnerTexts();
    assert.equal(shown.length, portfolio.length, shown.join('\n'));
    for (const r of portfolio) {
      assert.ok(shown.some((row) => row.startsWith((r.name || r.rep) + '\t' + r.customers + '\t')),
        (r.name || r.rep) + ' with ' + r.customers + ' customers: ' + shown.join('\n'));
    }
    const risky = (await admin('/v1/admin/reports/at-risk?limit=50')).customers;
    assert.ok(risky.length > 0, 'seed-demo has customers at risk');
    const riskRows = await page.locator('section[aria-labelledby="h-risk"] tbody tr').allInnerTexts();
    assert.equal(riskRows.length, risky.length);
    for (const row of riskRows) assert.ok(row.split('\t').at(-1).trim().length > 0, 'a reason: ' + row);
    const verify = page.locator('section[aria-labelledby="h-verify"]');
    assert.match(await verify.innerText(), /Last nightly verification \(run #2, .*\): \d+ replicas compared, \d+ repaired/);
    assert.match(await verify.locator('tbody').innerText(), /rep-li-na\s+\S+\s+.+\s+(match|repaired)/);
    await shot(page, 'dashboard-figures');
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.waitForTimeout(300);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth) <= 0);
    await shot(page, 'dashboard-figures-768');
    assert.deepEqual(problems, []);
    await context.close();
  });
});
