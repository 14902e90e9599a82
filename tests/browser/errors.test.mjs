// The server's refusals in the console's language (issue #19): a refusal comes with its
// "error_code" and "error_values" beside the English, and the console shows the code's text in
// 中文 (GET /v1/admin/labels "errors") and the server's own English in English, by the field it
// names. Here: adding a rep whose id exists already (409, http_rep_already_exists), in both
// languages, and a refusal the console has no text of shown as the server's English.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, loadPlaywright, login, openPage, shot, startServer } from './harness.mjs';

const playwright = await loadPlaywright();
const CJK = /[\u3400-\u9fff]/;

describe('the server\'s refusals in the console\'s language', () => {
  let srv;
  let browser;
  before(async () => {
    srv = await startServer({});
    browser = await launchBrowser(playwright);
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  test('a rep id taken already, by its field, in 中文 and in English', async () => {
    // The wire: the English as before, the code and values beside it, the texts in the labels.
    const answer = await fetch(srv.url + '/v1/admin/reps', {
      method: 'POST',
      headers: { Authorization: 'Bearer ' + srv.tokens.mgr, 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 'rep-a', name: 'Again' }),
    });
    assert.equal(answer.status, 409);
    const body = await answer.json();
    assert.equal(body.error.message, 'id: rep-a exists already');
    assert.equal(body.error_code, 'http_rep_already_exists');
    assert.deepEqual(body.error_values, { field: 'id', rep: 'rep-a' });
    const { errors } = await (await fetch(srv.url + '/v1/admin/labels', {
      headers: { Authorization: 'Bearer ' + srv.tokens.mgr },
    })).json();
    assert.equal(errors.http_rep_already_exists.zh, '业务员 {rep} 已存在');

    const { page, context } = await openPage(browser);
    await login(page, srv.url);
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await page.locator('#lang').selectOption('zh');
    await page.getByRole('link', { name: '片区与业务员' }).click();
    await page.locator('#rep-new-id').fill('rep-a');
    await page.locator('#rep-new-name').fill('再来一位');
    const add = page.locator('form[aria-labelledby="h-rep-add"] button[type="submit"]');
    await add.click();
    const note = page.locator('#rep-new-id-error');
    await note.waitFor();
    assert.equal(await note.innerText(), '业务员 rep-a 已存在');
    assert.match(await note.innerText(), CJK);
    await shot(page, 'error-rep-exists-zh');

    await page.locator('#lang').selectOption('en');
    await page.getByRole('link', { name: 'Territories & reps' }).click();
    await page.locator('#rep-new-id').fill('rep-a');
    await page.locator('#rep-new-name').fill('Again');
    await add.click();
    await note.waitFor();
    assert.equal(await note.innerText(), 'rep-a exists already');

    // A code this console has no text of: the server's English, whatever the language.
    const shown = await page.evaluate(async () => {
      const { errorOf } = await import('./api.js');
      const { setLang } = await import('./i18n.js');
      setLang('zh');
      const e = errorOf(409, { error: { code: 'conflict', message: 'newer words' },
        error_code: 'http_from_the_future', error_values: { x: '1' } }, 'x');
      setLang('en');
      return e.message;
    });
    assert.equal(shown, 'newer words');

    // A real import refused whole ({"written": "nothing"}) says in Chinese too that nothing was
    // written, as its English does.
    const whole = await page.evaluate(async () => {
      const { errorOf } = await import('./api.js');
      const { setLang } = await import('./i18n.js');
      setLang('zh');
      const e = errorOf(400, { error: { code: 'invalid_file',
        message: 'row 2, column B: byte 0xB9 is not UTF-8 (nothing was written)' },
      error_code: 'http_import_not_utf8',
      error_values: { row: '2', column: 'B', byte: '0xB9', written: 'nothing' } }, 'x');
      setLang('en');
      return e.message;
    });
    assert.match(whole, /^第 2 行 B 列：字节 0xB9 不是有效的 UTF-8.*（未写入任何内容）$/su, whole);
    await context.close();
  });
});
