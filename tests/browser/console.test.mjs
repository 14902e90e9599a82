// The manager's console in a real browser (issue #16): Debian's chromium, headless, driven by
// playwright-core against the real fieldbook-server and real fieldbook-cli devices. Every page is
// photographed into the build folder (FIELDBOOK_SCREENSHOT_DIR).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  PASSWORD, cli, launchBrowser, loadPlaywright, login, openPage, server, shot, startServer,
} from './harness.mjs';

const playwright = await loadPlaywright();

describe('the manager\'s console', () => {
  let srv;
  let browser;
  before(async () => {
    srv = await startServer();
    browser = await launchBrowser(playwright);
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  test('a manager logs in with the keyboard, sees the dashboard and logs out', async () => {
    const { page, context, problems } = await openPage(browser);
    await page.goto(srv.url + '/');
    assert.equal(new URL(page.url()).pathname, '/console/');
    await page.getByLabel('Manager id').waitFor();
    await shot(page, 'login');
    // The id field has the focus; Tab reaches the password; Enter signs in.
    await page.keyboard.type('mgr');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Device health' }).waitFor();
    assert.match(await page.locator('#who').innerText(), /Zhou Min/);
    await shot(page, 'dashboard');
    // The session cookie is HttpOnly: the page's scripts cannot read it.
    assert.equal(await page.evaluate(() => document.cookie), '');
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'fb_session');
    assert.ok(session, 'a session cookie');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    // A reload keeps the session.
    await page.reload();
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Manager id').waitFor();
    await shot(page, 'logged-out');
    // The old session is gone on the server too.
    const after = await page.request.get(srv.url + '/v1/admin/reps');
    assert.equal(after.status(), 401);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a wrong password is refused with a message', async () => {
    const { page, context } = await openPage(browser);
    await login(page, srv.url, 'mgr', 'not the password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /Wrong manager id or password/);
    await shot(page, 'login-wrong-password');
    assert.equal(await page.getByRole('heading', { name: 'Dashboard' }).count(), 0);
    await context.close();
  });

  test('a rep cannot log in, and a rep\'s token is refused by the admin API', async () => {
    const { page, context } = await openPage(browser);
    await login(page, srv.url, 'rep-a', PASSWORD);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /Wrong manager id or password/);
    const asRep = await page.request.get(srv.url + '/v1/admin/reps', {
      headers: { Authorization: 'Bearer ' + srv.tokens['rep-a'] },
    });
    assert.equal(asRep.status(), 403);
    await context.close();
  });

  test('the console switches to 中文 and remembers it', async () => {
    const { page, context, problems } = await openPage(browser);
    await login(page, srv.url);
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await page.getByLabel('Language').selectOption('zh');
    await page.getByRole('heading', { name: '数据看板', level: 1 }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    await page.getByRole('link', { name: '待审核' }).waitFor();
    await shot(page, 'dashboard-zh');
    await page.reload();
    await page.getByRole('heading', { name: '数据看板', level: 1 }).waitFor();
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a manager moves a customer and the new rep\'s real device receives it', async () => {
    const a = path.join(srv.dir, 'a.db');
    const b = path.join(srv.dir, 'b.db');
    cli(a, ['init', '--server', srv.url, '--token', srv.tokens['rep-a']]);
    cli(b, ['init', '--server', srv.url, '--token', srv.tokens['rep-b']]);
    const id = JSON.parse(cli(a, ['customer', 'add', '--name', '鑫达汽修厂', '--city', '广州', '--json'])).id;
    cli(a, ['sync']);
    cli(b, ['sync']);
    assert.throws(() => cli(b, ['customer', 'show', id]));  // not B's yet

    const { page, context, problems } = await openPage(browser);
    await login(page, srv.url);
    await page.getByRole('link', { name: 'Territories & reps' }).click();
    await page.getByRole('heading', { name: 'Move a customer to another rep' }).waitFor();
    // Validation by the field first.
    await page.getByRole('button', { name: 'Move', exact: true }).click();
    await page.locator('#move-customer-error').waitFor();
    await page.getByLabel('Customer id').fill(id);
    await page.getByLabel('New rep').first().selectOption('rep-b');
    await page.getByLabel('Reason (optional)').fill('Li Na covers Guangzhou now');
    await page.getByRole('button', { name: 'Move', exact: true }).click();
    await page.getByText(`Moved ${id} to rep-b`).waitFor();
    await shot(page, 'territories');

    cli(b, ['sync']);
    const shown = JSON.parse(cli(b, ['customer', 'show', id, '--json']));
    assert.equal(shown.customer.owner_rep_id, 'rep-b');
    assert.equal(shown.customer.name, '鑫达汽修厂');
    cli(a, ['sync']);
    assert.throws(() => cli(a, ['customer', 'show', id]));  // gone from A's device
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a manager resolves a conflict side by side on the Review page', async () => {
    const a = path.join(srv.dir, 'ra.db');
    const b = path.join(srv.dir, 'rb.db');
    cli(a, ['init', '--server', srv.url, '--token', srv.tokens['rep-a']]);
    cli(b, ['init', '--server', srv.url, '--token', srv.tokens['rep-b']]);
    const id = JSON.parse(cli(a, ['customer', 'add', '--name', 'Bright Auto', '--city', '深圳', '--json'])).id;
    cli(a, ['customer', 'edit', id, '--notes', 'before the move']);
    cli(a, ['sync']);
    await sleep(20);
    server(['customer', 'reassign', '--db', srv.db, '--customer', id, '--to', 'rep-b']);
    await sleep(20);
    cli(a, ['customer', 'edit', id, '--notes', 'edited offline after the move']);
    cli(a, ['sync']);  // the late edit is held for review

    const { page, context, problems } = await openPage(browser);
    await login(page, srv.url);
    await page.getByRole('link', { name: 'Review' }).click();
    const item = page.locator('li.conflict').filter({ hasText: 'Bright Auto' });
    await item.waitFor();
    assert.match(await item.locator('.side.diverted').innerText(), /edited offline after the move/);
    assert.match(await item.locator('.side.current').innerText(), /before the move/);
    // What the held edit changed, in words (not "customers.notes"), in both languages (#19).
    assert.match(await item.locator('.field-line').innerText(), /^Field: Customer · Notes · /);
    await page.locator('#lang').selectOption('zh');
    const zh = page.locator('li.conflict').filter({ hasText: 'Bright Auto' });
    await zh.locator('.field-line', { hasText: '字段: 客户 · 备注 · ' }).waitFor();
    assert.doesNotMatch(await zh.innerText(), /customers\.notes/);
    await shot(page, 'review-zh');
    await page.locator('#lang').selectOption('en');
    await item.locator('.field-line', { hasText: 'Field: Customer · Notes' }).waitFor();
    await page.setViewportSize({ width: 768, height: 1024 });
    await shot(page, 'review-768');
    await page.setViewportSize({ width: 1280, height: 800 });
    await shot(page, 'review');
    await item.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('Applied.').waitFor();
    assert.equal(await item.count(), 0);

    const open = await page.request.get(srv.url + '/v1/admin/conflicts', {
      headers: { Authorization: 'Bearer ' + srv.tokens.mgr },
    });
    assert.equal((await open.json()).conflicts.length, 0);
    cli(b, ['sync']);
    const shown = JSON.parse(cli(b, ['customer', 'show', id, '--json']));
    assert.equal(shown.customer.notes, 'edited offline after the move');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a rep dismisses a refused edit on the device and the Review page shows it with the note', async () => {
    const a = path.join(srv.dir, 'ra-dismiss.db');
    cli(a, ['init', '--server', srv.url, '--token', srv.tokens['rep-a']]);
    const id = JSON.parse(cli(a, ['customer', 'add', '--name', '金轮汽修', '--city', '佛山', '--json'])).id;
    cli(a, ['sync']);
    await sleep(20);
    server(['customer', 'reassign', '--db', srv.db, '--customer', id, '--to', 'rep-b']);
    await sleep(20);
    cli(a, ['customer', 'edit', id, '--notes', 'asked for monthly terms']);
    cli(a, ['sync']);  // held for review
    const entry = JSON.parse(cli(a, ['review', 'list', '--json'])).find((e) => e.customer_id === id);
    assert.ok(entry, 'the held edit is on the review list');
    assert.equal(entry.customer_name, '金轮汽修');
    cli(a, ['review', 'dismiss', String(entry.id), '--note', '客户改主意了']);
    assert.equal(JSON.parse(cli(a, ['review', 'list', '--json'])).filter((e) => e.customer_id === id).length, 0);
    cli(a, ['sync']);  // the dismissal reaches the server

    const { page, context, problems } = await openPage(browser);
    await login(page, srv.url);
    await page.getByRole('link', { name: 'Review' }).click();
    const card = page.locator('li.dismissal').filter({ hasText: '金轮汽修' });
    await card.waitFor();
    const text = await card.innerText();
    assert.match(text, /客户改主意了/);
    assert.match(text, /rep-a dismissed it/);
    assert.match(text, /asked for monthly terms/);
    await card.scrollIntoViewIfNeeded();
    await shot(page, 'review-dismissals');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the Night page shows a nightly run, and the dashboard charts the grades it made', async () => {
    server(['nightly', '--db', srv.db]);  // grades every customer, then backs up
    const { page, context, problems } = await openPage(browser);
    await login(page, srv.url);
    await page.getByRole('link', { name: 'Night' }).click();
    const run = page.locator('section.night-run').first();
    await run.waitFor();
    assert.match(await run.innerText(), /grade/);
    await shot(page, 'night');
    await page.getByRole('link', { name: 'Dashboard' }).click();
    const company = page.getByRole('img', { name: 'Customers by tier — company' });
    await company.waitFor();
    await company.locator('svg').first().waitFor();  // ECharts drew the chart (no CSP refusal)
    await shot(page, 'dashboard-graded');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('every page is usable at 768 px: nothing too wide, every input labelled, every control reached with Tab', async () => {
    const { page, context, problems } = await openPage(browser);
    await page.setViewportSize({ width: 768, height: 1024 });
    await login(page, srv.url);
    for (const [link, name] of [['Dashboard', 'dashboard-768'], ['Territories & reps', 'territories-768'],
      ['Night', 'night-768'], ['Customers', 'customers-768'], ['Review', 'review-page-768'],
      ['Assignment', 'assignment-768'], ['Grading', 'grading-768'], ['Public pool', 'pool-empty-768'],
      ['Import', 'import-768']]) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { name: link, level: 1 }).waitFor();
      await page.waitForTimeout(200);
      // Nothing spills sideways out of the page.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${link} is ${overflow} px too wide at 768 px`);
      // Every input has a label (a <label for>, or aria-label / aria-labelledby).
      const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
        .filter((el) => el.type !== 'hidden' && el.getClientRects().length > 0)
        .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') &&
          !el.getAttribute('aria-labelledby'))
        .map((el) => el.outerHTML.slice(0, 120)));
      assert.deepEqual(unlabelled, [], `${link} has inputs without a label`);
      // Every visible control of the page is reached with Tab from the page's top.
      const controls = await page.evaluate(() => {
        let n = 0;
        for (const el of document.querySelectorAll('main a[href], main button, main input, main select, main textarea, main summary')) {
          if (el.getClientRects().length === 0 || el.disabled) continue;
          el.dataset.kbd = String(n++);
        }
        return n;
      });
      await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
      const reached = new Set();
      for (let i = 0; i < controls + 80 && reached.size < controls; i++) {
        await page.keyboard.press('Tab');
        const k = await page.evaluate(() => document.activeElement?.dataset?.kbd ?? null);
        if (k !== null) reached.add(k);
      }
      const missed = await page.evaluate((seen) => [...document.querySelectorAll('[data-kbd]')]
        .filter((el) => !seen.includes(el.dataset.kbd)).map((el) => el.outerHTML.slice(0, 120)), [...reached]);
      assert.deepEqual(missed, [], `${link}: controls Tab does not reach`);
      await shot(page, name);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
});
