// The Import page's progress in a real browser (issue #16): a sheet of 20,000 customers, made by
// the test, is uploaded (the upload's bar reaches the file's size), dry-run and then imported as
// jobs; the page's progress bar advances through at least two values before the end, and the
// final report, the customers on the server and the page's export of them agree. The server pauses between the import's
// batches (test hook FIELDBOOK_TEST_IMPORT_PAUSE_MS), so that a fast machine still shows the steps.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, loadPlaywright, login, openPage, shot, startServer } from './harness.mjs';

const playwright = await loadPlaywright();
const ROWS = 20000;
const LONG = { timeout: 300000 };  // 20,000 rows under the sanitizers, on a loaded machine

// 20,000 garages of rep-a and rep-b; every 1,000th names a rep who does not exist (refused).
function customersCsv() {
  const cities = ['广州', '佛山', '深圳'];
  const lines = ['外部编号,客户名称,手机,城市,业务员'];
  for (let i = 1; i <= ROWS; ++i) {
    const rep = i % 1000 === 0 ? 'nobody-here' : i % 2 ? 'rep-a' : 'rep-b';
    lines.push(`PRG-${i},进度修理厂${i},${13800000000 + i * 7919},${cities[i % 3]},${rep}`);
  }
  return lines.join('\n') + '\n';
}

// Records what the job's progress bar shows every 40 ms, in the page, until stopSampling().
function startSampling(page) {
  return page.evaluate(() => {
    window.fbSamples = [];
    const tick = () => {
      const bar = document.getElementById('imp-job-progress');
      if (bar && bar.dataset.phase) {
        const s = { phase: bar.dataset.phase, rows: Number(bar.dataset.rows), value: bar.value, max: bar.max };
        const last = window.fbSamples[window.fbSamples.length - 1];
        if (!last || last.phase !== s.phase || last.rows !== s.rows || last.value !== s.value) window.fbSamples.push(s);
      }
      window.fbTimer = setTimeout(tick, 40);
    };
    tick();
  });
}
function stopSampling(page) {
  return page.evaluate(() => {
    clearTimeout(window.fbTimer);
    return window.fbSamples;
  });
}

describe('the Import page\'s progress', () => {
  let srv;
  let browser;
  const total = async () => (await (await fetch(srv.url + '/v1/admin/customers?limit=1', {
    headers: { Authorization: 'Bearer ' + srv.tokens.mgr },
  })).json()).total;
  before(async () => {
    srv = await startServer({ env: { FIELDBOOK_TEST_IMPORT_PAUSE_MS: '500' } });
    browser = await launchBrowser(playwright);
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  test('20,000 customers: the upload, the dry run and the import show their progress, then the report', async () => {
    const file = path.join(srv.dir, 'customers-20000.csv');
    const csv = customersCsv();
    fs.writeFileSync(file, csv);
    const { page, context, problems } = await openPage(browser);
    await login(page, srv.url);
    await page.getByRole('link', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { name: 'Import', level: 1 }).waitFor();
    await page.getByLabel('File (.csv or .xlsx)').setInputFiles(file);
    await page.getByLabel('Field for column B (客户名称)').waitFor();

    // The dry run: a job too; its bar follows the bytes read (no total of rows is counted first).
    await startSampling(page);
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByText('Dry run of customers-20000.csv: nothing was changed.').waitFor(LONG);
    const dry = await stopSampling(page);
    assert.ok(dry.length >= 2, 'the dry run showed its progress: ' + JSON.stringify(dry));
    assert.equal(await total(), 0, 'the dry run wrote nothing');
    const upload = page.locator('#imp-upload-progress');
    assert.equal(await upload.evaluate((b) => b.value), Buffer.byteLength(csv));
    assert.equal(await upload.evaluate((b) => b.max), Buffer.byteLength(csv));

    // The import: the whole file is read first, then the rows advance to the total.
    await startSampling(page);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.locator('#imp-job-progress[data-phase="importing"]').waitFor(LONG);
    await shot(page, 'import-progress');
    await page.getByText('Imported customers-20000.csv.').waitFor(LONG);
    const seen = await stopSampling(page);
    const importing = seen.filter((s) => s.phase === 'importing');
    const before = new Set(importing.filter((s) => s.rows < ROWS).map((s) => s.rows));
    assert.ok(before.size >= 2, 'the rows advanced before the end: ' + JSON.stringify(seen));
    for (let i = 1; i < importing.length; ++i) {
      assert.ok(importing[i].rows >= importing[i - 1].rows, 'never backwards: ' + JSON.stringify(importing));
    }
    for (const s of importing) assert.equal(s.max, ROWS, 'the bar counts rows of the whole file');
    assert.equal(seen[seen.length - 1].phase, 'done');
    assert.equal(await page.locator('#imp-upload-progress').evaluate((b) => b.value), Buffer.byteLength(csv));
    const text = await page.locator('#imp-job-text').textContent();
    assert.match(text, /20,000 of 20,000 rows/);
    assert.match(text, /20 problems/);
    // The report: the refused rows by row, and the customers on the server.
    await page.getByText('Problems by row (20)').waitFor();
    assert.equal(await total(), ROWS - 20);
    await shot(page, 'import-report');
    // Exported again from the page: every imported customer in the downloaded sheet.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('a[href="/v1/admin/export/customers?format=csv"]').click(),
    ]);
    const exported = fs.readFileSync(await download.path(), 'utf8');
    assert.equal(exported.trim().split('\n').length, 1 + ROWS - 20);
    assert.ok(exported.includes('进度修理厂19999'));
    assert.deepEqual(problems, []);
    await context.close();
  });
});
