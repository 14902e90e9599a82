// The console's working pages in a real browser (issue #16) against a server holding seed-demo's
// garages (reps, territories, orders, visits, profiles): grading, public pool, assignment,
// territories & reps with devices, customers, duplicate garages. Real fieldbook-cli devices check
// that what a manager does reaches them at their next sync. Every page is photographed.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { cli, launchBrowser, loadPlaywright, login, openPage, server, shot, startServer } from './harness.mjs';

const playwright = await loadPlaywright();

// The browser logs every refused request; a form that shows the server's 400 by its field has
// those on purpose.
const unexpected = (problems) => problems.filter((p) => !/status of 400 \(Bad Request\)/.test(p));

async function goTo(page, link, heading = link) {
  await page.getByRole('link', { name: link, exact: true }).click();
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

describe('the console\'s working pages', () => {
  let srv;
  let browser;
  const device = (name) => path.join(srv.dir, name + '.db');
  before(async () => {
    srv = await startServer({ demo: 150 });
    browser = await launchBrowser(playwright);
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  test('both languages have every string', async () => {
    const { page, context, problems } = await openPage(browser);
    await login(page, srv.url);
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    const missing = await page.evaluate(async () => (await import('./i18n.js')).missingStrings());
    assert.deepEqual(missing, []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('an invalid grading rule shows the message by the field, and nothing is saved', async () => {
    const { page, context, problems } = await openPage(browser);
    await login(page, srv.url);
    await goTo(page, 'Grading');
    const before = await (await page.request.get(srv.url + '/v1/admin/grading')).json();
    // Client side: a cut point that is not a number.
    await page.getByLabel('Cut point 2').first().fill('');
    await page.getByRole('button', { name: 'Save rules' }).click();
    const cutError = page.locator('#grd-recency-cuts .field-error');
    await cutError.waitFor();
    assert.match(await cutError.innerText(), /A number/);
    // Server side: cut points out of order; the server's message lands by the recency cut points.
    await page.getByLabel('Cut point 2').first().fill('10');
    await page.getByLabel('Cut point 1').first().fill('50');
    await page.getByRole('button', { name: 'Save rules' }).click();
    await page.getByText('must be 4 ascending numbers').waitFor();
    assert.match(await cutError.innerText(), /must be 4 ascending numbers/);
    assert.equal(await page.locator('#grd-recency-cut0').getAttribute('aria-invalid'), 'true');
    // A tier's minimum score out of range: by that tier's field.
    await page.getByLabel('Cut point 1').first().fill('30');
    await page.getByLabel('Cut point 2').first().fill('60');
    await page.getByLabel('Tier 1 minimum score (3 to 15)').fill('20');
    await page.getByRole('button', { name: 'Save rules' }).click();
    const tierError = page.locator('#grd-tiers .field-error');
    await tierError.waitFor();
    assert.match(await tierError.innerText(), /between 0 and 15/);
    assert.equal(await page.getByLabel('Tier 1 minimum score (3 to 15)').getAttribute('aria-invalid'), 'true');
    await shot(page, 'grading-invalid');
    const afterBad = await (await page.request.get(srv.url + '/v1/admin/grading')).json();
    assert.equal(afterBad.version, before.version);
    assert.deepEqual(unexpected(problems), []);
    await context.close();
  });

  test('the public pool: release, list by region, give to a rep, reclaim dry run, the audit', async () => {
    const li = device('pool-li');
    const zhang = device('pool-zhang');
    cli(li, ['init', '--server', srv.url, '--token', srv.tokens['rep-li-na']]);
    cli(zhang, ['init', '--server', srv.url, '--token', srv.tokens['rep-zhang-wei']]);
    cli(li, ['sync']);
    cli(zhang, ['sync']);
    const held = JSON.parse(cli(li, ['--json', 'customer', 'list']));
    const list = held.customers || held;
    const garage = list[0];

    const { page, context, problems } = await openPage(browser);
    await login(page, srv.url);
    await goTo(page, 'Public pool');
    // The reason is required, by its field.
    await page.getByLabel('Customer id', { exact: true }).fill(garage.id);
    await page.getByRole('button', { name: 'Release', exact: true }).click();
    await page.locator('#release-reason-error').waitFor();
    await page.getByLabel('Reason', { exact: true }).fill('garage closed for renovation');
    await page.getByRole('button', { name: 'Release', exact: true }).click();
    await page.getByText(`${garage.id} is in the pool now.`).waitFor();
    const row = page.locator('#pool-list tr').filter({ hasText: garage.id });
    await row.waitFor();
    assert.match(await row.innerText(), /garage closed for renovation/);
    // By region: GD-GZ keeps it (Li Na serves Guangzhou), GD-SZ does not.
    await page.getByLabel('Region', { exact: true }).selectOption('GD-SZ');
    await page.getByRole('button', { name: 'Show' }).first().click();
    await page.locator('#pool-list').getByText(garage.id).waitFor({ state: 'detached' });
    await page.getByLabel('Region', { exact: true }).selectOption('');
    await page.getByRole('button', { name: 'Show' }).first().click();
    await row.waitFor();
    // The reclaim's dry run changes nothing.
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.locator('#reclaim-result').getByText(/Would reclaim \d+ of \d+ customers checked/).waitFor();
    await shot(page, 'pool');
    // Give it to Zhang Wei.
    await row.getByRole('combobox').selectOption('rep-zhang-wei');
    await row.getByRole('button', { name: 'Assign' }).click();
    await page.getByText(/now belongs to rep-zhang-wei/).waitFor();
    const audit = page.locator('#pool-audit');
    await audit.getByText('assign').first().waitFor();
    assert.match(await audit.innerText(), /release/);
    assert.match(await audit.innerText(), /manager:mgr/);
    await page.setViewportSize({ width: 768, height: 1024 });
    await shot(page, 'pool-768');

    cli(li, ['sync']);
    assert.throws(() => cli(li, ['customer', 'show', garage.id]));
    cli(zhang, ['sync']);
    const shown = JSON.parse(cli(zhang, ['customer', 'show', garage.id, '--json']));
    assert.equal(shown.customer.owner_rep_id, 'rep-zhang-wei');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('assignment: a bad rule is named by its field; the dry run lists the moves with reasons; apply', async () => {
    const { page, context, problems } = await openPage(browser);
    await login(page, srv.url);
    await goTo(page, 'Assignment');
    // Client side: a tolerance over 1.
    await page.getByLabel('Rebalance tolerance (0 to 1)').fill('2');
    await page.getByRole('button', { name: 'Save rules' }).click();
    await page.locator('#asg-stability-rebalance_tolerance-error').waitFor();
    await page.getByLabel('Rebalance tolerance (0 to 1)').fill('0.15');
    // Server side: a tier the grading rules do not have.
    await page.getByLabel('Tiers counted as tier A (comma-separated)').fill('VIP, Z');
    await page.getByRole('button', { name: 'Save rules' }).click();
    const tierAError = page.locator('#asg-tier-a-error');
    await tierAError.waitFor();
    assert.match(await tierAError.innerText(), /Z/);
    await page.getByLabel('Tiers counted as tier A (comma-separated)').fill('VIP, A');
    // A valid change: Wang Qiang's capacity is low, so holding caps push customers away.
    await page.getByLabel('Reps serve only their regions').check();
    await page.getByRole('button', { name: 'Save rules' }).click();
    await page.getByText(/Saved as version \d+/).waitFor();
    await shot(page, 'assignment');

    await page.getByRole('button', { name: 'Dry run' }).click();
    const result = page.locator('#plan-result');
    await result.getByText(/moves among|No customer needs to move/).waitFor();
    const plan = await (await page.request.get(srv.url + '/v1/admin/assignment/plan')).json();
    if (plan.moves.length) {
      const first = plan.moves[0];
      assert.match(await result.innerText(), new RegExp(first.customer));
      assert.match(await result.innerText(), new RegExp(first.rule));
      await shot(page, 'assignment-dry-run');
      await page.getByRole('button', { name: 'Apply these moves' }).click();
      await result.getByText(/Applied \d+ moves/).waitFor();
      const again = await (await page.request.get(srv.url + '/v1/admin/assignment/plan')).json();
      assert.ok(again.moves.length < plan.moves.length, 'applying made the moves');
    }
    assert.deepEqual(unexpected(problems), []);
    await context.close();
  });

  test('a rep\'s devices: issue a token, set a real device up with the line shown, revoke it', async () => {
    const { page, context, problems } = await openPage(browser);
    await login(page, srv.url);
    await goTo(page, 'Territories & reps');
    await page.getByLabel('Rep', { exact: true }).last().selectOption('rep-li-na');
    await page.getByLabel('New device\'s name').fill('tablet-2');
    await page.getByRole('button', { name: 'Issue a token' }).click();
    const line = await page.locator('#device-result #setup-line').inputValue();
    assert.match(line, /^fieldbook-cli init --server http:\/\/127\.0\.0\.1:\d+ --token \S+$/);
    await page.locator('#device-list').getByText('tablet-2').waitFor();
    await shot(page, 'devices');
    const tablet = device('tablet-2');
    const args = line.split(' ').slice(1);
    cli(tablet, args);
    cli(tablet, ['sync']);
    assert.ok(JSON.parse(cli(tablet, ['--json', 'customer', 'list'])).length > 0 ||
      JSON.parse(cli(tablet, ['--json', 'customer', 'list'])).customers.length > 0);
    await page.getByRole('button', { name: 'Revoke tablet-2 of rep-li-na' }).click();
    await page.getByText('tablet-2 of rep-li-na is revoked').waitFor();
    assert.throws(() => cli(tablet, ['sync']));
    assert.deepEqual(problems, []);
    await context.close();
  });
});
