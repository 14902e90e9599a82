// The Import page's progress in a real browser (issue #16): a sheet of 3,000 customers, made by
// the test, is uploaded (the upload's bar reaches the file's size), dry-run and then imported as
// jobs; the page's progress bar advances through at least two values before the end, and the
// final report, the customers on the server and the page's export of them agree. The server pauses between the import's
// batches (test hook FIELDBOOK_TEST_IMPORT_PAUSE_MS), so that a fast machine still shows the steps,
// and its batches are of 1,000 rows (FIELDBOOK_TEST_IMPORT_BATCH_ROWS; 5,000 unless a request
// says): the page sees the same three batches as of a 12,000-row file at a quarter of the rows.
// Then the page in 中文 (issue #19): a dry run of a contacts sheet with bad rows, and a file the
// reader refuses whole, show no English word but the names of formats and products.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, loadPlaywright, login, openPage, shot, startServer } from './harness.mjs';

const playwright = await loadPlaywright();
// Three batches of 1,000 rows: the page sees the rows stop at two batches' ends.
const ROWS = 3000;
const BATCH_ROWS = 1000;
const REFUSED = ROWS / 1000;
const LONG = { timeout: 300000 };  // the rows under the sanitizers, on a loaded machine

// 3,000 garages of rep-a and rep-b; every 1,000th names a rep who does not exist (refused).
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
    srv = await startServer({
      env: { FIELDBOOK_TEST_IMPORT_PAUSE_MS: '500', FIELDBOOK_TEST_IMPORT_BATCH_ROWS: String(BATCH_ROWS) },
    });
    browser = await launchBrowser(playwright);
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  test('3,000 customers: the upload, the dry run and the import show their progress, then the report', async () => {
    const file = path.join(srv.dir, 'customers-3000.csv');
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
    await page.getByText('Dry run of customers-3000.csv: nothing was changed.').waitFor(LONG);
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
    await page.getByText('Imported customers-3000.csv.').waitFor(LONG);
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
    assert.match(text, /3,000 of 3,000 rows/);
    assert.match(text, new RegExp(REFUSED + ' problems'));
    // The report: the refused rows by row, and the customers on the server.
    await page.getByText(`Problems by row (${REFUSED})`).waitFor();
    assert.equal(await total(), ROWS - REFUSED);
    await shot(page, 'import-report');
    // Exported again from the page: every imported customer in the downloaded sheet.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('a[href="/v1/admin/export/customers?format=csv"]').click(),
    ]);
    const exported = fs.readFileSync(await download.path(), 'utf8');
    assert.equal(exported.trim().split('\n').length, 1 + ROWS - REFUSED);
    assert.ok(exported.includes('进度修理厂' + (ROWS - 1)));
    assert.deepEqual(problems, []);
    await context.close();
  });

  // Words that are names (of formats, encodings, products), not English: allowed in 中文.
  const NAMES = new Set(['UTF', 'GB', 'GBK', 'CSV', 'XLSX', 'xlsx', 'csv', 'Excel', 'Windows', 'Unicode',
    'Fieldbook', 'ZIP', 'JSON', 'XML', 'NUL', 'VIP']);
  const englishWords = (text) => (text.replace(/0x[0-9A-F]{2}/g, '').match(/[A-Za-z]{2,}/g) || [])
    .filter((w) => !NAMES.has(w));
  // The import form's text with every choice of its <select>s (the mapping editor's fields too).
  const formText = (page) => page.locator('form[aria-labelledby="h-import"]').evaluate((form) =>
    [form.innerText, ...[...form.querySelectorAll('option')].map((o) => o.textContent)].join('\n'));

  test('中文: a dry run with bad rows and a file refused whole show no English word', async () => {
    const sheet = path.join(srv.dir, '联系人-有问题.csv');
    // Three garages of its own, then their contacts by the garages' phones: a phone no customer
    // has, and a contact with neither a name nor a phone.
    const garages = await fetch(srv.url + '/v1/admin/import/customers', {
      method: 'POST',
      headers: { Authorization: 'Bearer ' + srv.tokens.mgr },
      body: '外部编号,客户名称,手机,城市,业务员\nZH-1,中文一厂,13700000001,广州,rep-a\n'
        + 'ZH-3,中文三厂,13700000003,广州,rep-a\nZH-5,中文五厂,13700000005,佛山,rep-b\n',
    });
    assert.equal(garages.status, 200, await garages.text());
    fs.writeFileSync(sheet, ['客户电话,联系人,电话,职务',
      '13700000001,王经理,13900000001,老板',
      '13811111111,李会计,13900000002,会计',
      '13700000003,,,前台',
      '13700000005,赵师傅,13900000005,技师'].join('\n') + '\n');
    // GBK bytes (广州) in a file read as UTF-8: refused whole, with the row and the column.
    const refused = path.join(srv.dir, '编码不对.csv');
    fs.writeFileSync(refused, Buffer.concat([Buffer.from('客户电话,联系人\n13700000001,'), Buffer.from([0xB9, 0xE3, 0xD6, 0xDD, 0x0A])]));
    const { page, context } = await openPage(browser);
    await login(page, srv.url);
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await page.locator('#lang').selectOption('zh');
    await page.getByRole('link', { name: '导入', exact: true }).click();
    await page.getByRole('heading', { name: '导入表格' }).waitFor();

    await page.locator('#imp-kind').selectOption('contacts');
    await page.getByLabel('文件（.csv 或 .xlsx）').setInputFiles(sheet);
    const phoneField = page.getByLabel('第 A 列（客户电话）对应的字段');
    await phoneField.waitFor();
    assert.equal(await phoneField.evaluate((s) => s.selectedOptions[0].textContent), '客户电话');
    await page.getByText('编码：UTF-8（自动识别）').first().waitFor();
    await page.getByRole('button', { name: '试运行' }).click();
    await page.getByText('联系人-有问题.csv 试运行完成：没有做任何修改。').waitFor(LONG);
    const rows = await page.locator('#imp-result .import-report tbody tr').allInnerTexts();
    const report = (await page.locator('#imp-result').innerText()) + '\n' + rows.join('\n');
    assert.match(report, /没有这个电话的客户/, report);
    assert.match(report, /联系人需要姓名或电话/, report);
    assert.match(report, /错误/, report);
    const dryText = await formText(page);
    assert.deepEqual(englishWords(dryText), [], dryText);
    await shot(page, 'import-zh-dry-run');

    // Who would get each new customer: by its 业务员 column, or by the assignment rules.
    const customers = path.join(srv.dir, '客户-试运行.csv');
    fs.writeFileSync(customers, '客户名称,城市,业务员\n中文七厂,广州,rep-a\n中文八厂,广州,\n');
    await page.locator('#imp-kind').selectOption('customers');
    await page.getByLabel('文件（.csv 或 .xlsx）').setInputFiles(customers);
    await page.getByLabel('第 C 列（业务员）对应的字段').waitFor();
    await page.getByRole('button', { name: '试运行' }).click();
    await page.getByText('客户-试运行.csv 试运行完成：没有做任何修改。').waitFor(LONG);
    const placed = await page.locator('#imp-result').innerText();
    assert.match(placed, /按“业务员”列/, placed);
    assert.match(placed, /分配规则第 \d+ 版：/, placed);
    // Names: the reps' ids and the new customers' ids.
    assert.deepEqual(englishWords(placed.replace(/rep-[a-z0-9]+|\([0-9a-f]{32}\)/g, '')), [], placed);
    await page.locator('#imp-kind').selectOption('contacts');  // the refused file's kind

    // The file refused whole: in the preview, and in the dry run's answer.
    await page.locator('#imp-encoding').selectOption('utf-8');
    await page.getByLabel('文件（.csv 或 .xlsx）').setInputFiles(refused);
    const why = '第 2 行 B 列：字节 0xB9 不是有效的 UTF-8';
    await page.locator('#imp-mapping').getByText(why, { exact: false }).waitFor();
    await page.getByRole('button', { name: '试运行' }).click();
    await page.locator('#imp-result').getByText(why, { exact: false }).waitFor(LONG);
    const refusedText = await formText(page);
    assert.match(refusedText, /请选择 GB18030 编码/, refusedText);
    assert.deepEqual(englishWords(refusedText), [], refusedText);
    await shot(page, 'import-zh-refused');
    await context.close();
  });
});
