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
    await context.close();
  });
});
