// The console's working pages in a real browser (issue #16) against a server holding seed-demo's
// garages (reps, territories, orders, visits, profiles): grading, public pool, assignment,
// territories & reps with devices, customers, duplicate garages. Real fieldbook-cli devices check
// that what a manager does reaches them at their next sync. Every page is photographed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { cli, launchBrowser, loadPlaywright, login, openPage, server, shot, startServer } from './harness.mjs';

const playwright = await loadPlaywright();
const jsQR = (await import('jsqr')).default;

// The text of the QR code drawn on `canvas` (a locator), read back pixel by pixel with jsQR.
async function decodeQr(canvas) {
  await canvas.waitFor();
  const img = await canvas.evaluate((c) => ({
    width: c.width, height: c.height,
    data: Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data),
  }));
  const found = jsQR(Uint8ClampedArray.from(img.data), img.width, img.height);
  assert.ok(found, 'a QR code is drawn');
  return found.data;
}


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
  const page0 = () => fetch(srv.url + '/v1/admin/customers?limit=1', {
    headers: { Authorization: 'Bearer ' + srv.tokens.mgr },
  });
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
    await page.getByLabel('Tier 1 minimum score (0 to 15)').fill('20');
    await page.getByRole('button', { name: 'Save rules' }).click();
    const tierError = page.locator('#grd-tiers .field-error');
    await tierError.waitFor();
    assert.match(await tierError.innerText(), /between 0 and 15/);
    assert.equal(await page.getByLabel('Tier 1 minimum score (0 to 15)').getAttribute('aria-invalid'), 'true');
    await shot(page, 'grading-invalid');
    const afterBad = await (await page.request.get(srv.url + '/v1/admin/grading')).json();
    assert.equal(afterBad.version, before.version);
    // Quintiles need no cut points: they are not shown.
    await page.locator('#grd-recency-method').selectOption('quantiles');
    assert.equal(await page.locator('#grd-recency-cuts').isVisible(), false);
    await page.locator('#grd-recency-method').selectOption('thresholds');
    // A valid change: the preview counts the tiers it moves, and saves nothing.
    await page.getByLabel('Tier 1 minimum score (0 to 15)').fill('10');
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.locator('#grd-preview');
    await preview.getByText(/With these rules (\d+ of \d+ customers would change tier|no customer would change tier)/).waitFor();
    assert.equal((await (await page.request.get(srv.url + '/v1/admin/grading')).json()).version, before.version);
    await shot(page, 'grading-preview');
    await page.getByRole('button', { name: 'Save rules' }).click();
    await page.getByText(`Saved as version ${before.version + 1}.`).waitFor();
    await page.getByRole('button', { name: 'Regrade now' }).click();
    await page.getByText(/Graded \d+ customers; \d+ grades changed/).waitFor();
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

  // The Territories & reps page with a new device of Li Na named and `button` pressed.
  async function newDeviceOfLiNa(name, button) {
    const opened = await openPage(browser);
    const { page } = opened;
    await login(page, srv.url);
    await goTo(page, 'Territories & reps');
    await page.getByLabel('Rep', { exact: true }).last().selectOption('rep-li-na');
    await page.getByLabel('New device\'s name').fill(name);
    await page.getByRole('button', { name: button }).click();
    return opened;
  }

  test('a rep\'s devices: issue a token, set a real device up with the line shown, revoke it', async () => {
    const { page, context, problems } = await newDeviceOfLiNa('tablet-2', 'Issue a token');
    const line = await page.locator('#device-result #setup-line').inputValue();
    assert.match(line, /^fieldbook-cli init --server http:\/\/127\.0\.0\.1:\d+ --token \S+$/);
    // The same line as a QR code, drawn in the page from qrcode-generator: decoded, it is the line.
    assert.equal(await decodeQr(page.locator('#device-result #setup-qr canvas')), line);
    assert.equal(await page.getByRole('img', { name: 'QR code of the setup line' }).count(), 1);
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
  test('a rep\'s devices: a one-time setup code typed on a real device sets it up, once', async () => {
    const { page, context, problems } = await newDeviceOfLiNa('phone-code', 'Setup code');
    const code = (await page.locator('#setup-code').innerText()).trim();
    assert.match(code, /^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/);
    assert.match(await page.locator('#setup-code-box').innerText(), /valid once until/);
    assert.equal(await page.locator('#setup-code-line').inputValue(),
      `fieldbook-cli init --server ${srv.url} --code ${code}`);
    await shot(page, 'devices-setup-code');
    const phone = device('phone-code');
    cli(phone, ['init', '--server', srv.url, '--code', code.toLowerCase().replace('-', ' ')]);
    cli(phone, ['sync']);
    const listed = JSON.parse(cli(phone, ['--json', 'customer', 'list']));
    assert.ok((listed.length ?? listed.customers.length) > 0);
    // The device appears in the list; the code is spent.
    await page.getByLabel('Rep', { exact: true }).last().selectOption('rep-zhao-min');
    await page.getByLabel('Rep', { exact: true }).last().selectOption('rep-li-na');
    await page.locator('#device-list').getByText('phone-code').waitFor();
    assert.throws(() => cli(device('phone-code-2'), ['init', '--server', srv.url, '--code', code]), /used already/);
    // Without a rep, the message is by the rep field.
    await page.getByLabel('Rep', { exact: true }).last().selectOption('');
    await page.getByRole('button', { name: 'Setup code' }).click();
    await page.locator('#devices-rep-error').getByText('Choose a rep.').waitFor();
    assert.deepEqual(unexpected(problems), []);
    await context.close();
  });
  test('territories & reps: create a territory, add a rep whose first device syncs, move customers by filter, edit its profile', async () => {
    const { page, context, problems } = await openPage(browser);
    await login(page, srv.url);
    await goTo(page, 'Territories & reps');
    // A territory needs a name, by its field.
    await page.getByRole('button', { name: 'Save territory' }).click();
    await page.locator('#terr-name-error').waitFor();
    await page.locator('#terr-name').fill('珠海香洲 Zhuhai');
    await page.getByLabel('Region code (e.g. GD-GZ)').fill('GD-ZH');
    await page.locator('#terr-city').fill('珠海');
    await page.getByRole('button', { name: 'Save territory' }).click();
    await page.getByText('Territory 珠海香洲 Zhuhai saved.').waitFor();
    await page.locator('section[aria-labelledby="h-terr"]').getByText('珠海香洲 Zhuhai').waitFor();
    // A new rep: the setup line sets a real device up.
    await page.getByLabel('Id (letters, digits, - and _)').fill('rep-sun-li');
    await page.getByLabel('Name', { exact: true }).last().fill('孙丽 Sun Li');
    await page.getByLabel('Regions (comma-separated)').first().fill('GD-ZH');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const line = await page.locator('#setup-line').inputValue();
    assert.match(line, /--token \S+$/);
    assert.equal(await decodeQr(page.locator('#setup-qr canvas')), line);
    const sun = device('sun');
    cli(sun, line.split(' ').slice(1));
    cli(sun, ['sync']);
    // Zhao Min's Shenzhen customers to Sun Li: checked first, then moved.
    await page.getByLabel('Now with').selectOption('rep-zhao-min');
    await page.locator('#bulk-to').selectOption('rep-sun-li');
    await page.getByRole('button', { name: 'Check' }).click();
    const result = page.locator('#bulk-result');
    await result.getByText(/customers match; \d+ would move/).waitFor();
    const would = Number((await result.innerText()).match(/(\d+) would move/)[1]);
    assert.ok(would > 5, `${would} customers would move`);
    await shot(page, 'territories-bulk');
    await page.getByRole('button', { name: 'Move them' }).click();
    await result.getByText(`Moved ${would} customers to rep-sun-li`).waitFor();
    cli(sun, ['sync']);
    assert.equal(JSON.parse(cli(sun, ['--json', 'customer', 'list'])).length, would);
    // Sun Li's profile: a negative capacity named by its field, then regions, skill, capacity and
    // closer saved as the assignment rules read them.
    await page.locator('#profile-rep').selectOption('rep-sun-li');
    await page.locator('#profile-regions').fill('GD-ZH, GD-GZ');
    await page.locator('#profile-skill').selectOption('senior');
    await page.locator('#profile-capacity').fill('-3');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.locator('#profile-capacity-error').waitFor();
    await page.locator('#profile-capacity').fill('60');
    await page.locator('#profile-closer').check();
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Profile of rep-sun-li saved.').waitFor();
    const profiles = (await (await fetch(srv.url + '/v1/admin/assignment/profiles', {
      headers: { Authorization: 'Bearer ' + srv.tokens.mgr },
    })).json()).reps;
    const sunProfile = profiles.find((p) => p.rep === 'rep-sun-li');
    assert.deepEqual([[...sunProfile.regions].sort(), sunProfile.skill, sunProfile.capacity, sunProfile.closer],
      [['GD-GZ', 'GD-ZH'], 'senior', 60, true]);
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.reload();
    await page.getByRole('heading', { name: 'Territories & reps', level: 1 }).waitFor();
    await shot(page, 'territories-768');
    assert.deepEqual(unexpected(problems), []);
    await context.close();
  });

  test('customers: search, open the archive, set the territory', async () => {
    const { page, context, problems } = await openPage(browser);
    await login(page, srv.url);
    server(['grade', '--db', srv.db]);
    await goTo(page, 'Customers');
    await page.getByText(/\d+ customers match/).waitFor();
    await page.getByLabel('Tier').selectOption('A');
    // Wait for the filtered list itself: the unfiltered rows are still on the page right after the
    // click, and reading one of them raced the re-render (the link clicked was another garage's).
    const filtered = page.waitForResponse((r) => r.url().includes('/v1/admin/customers?') && r.url().includes('tier=A'));
    await page.getByRole('button', { name: 'Search' }).click();
    await filtered;
    await page.waitForFunction(() => {
      const row = document.querySelector('#cust-results tbody tr');
      return row !== null && row.children[5] !== undefined && row.children[5].textContent === 'A';
    });
    const first = page.locator('#cust-results tbody tr').first();
    await first.waitFor();
    const name = await first.locator('td').first().innerText();
    await shot(page, 'customers');
    await first.getByRole('link').click();
    await page.getByRole('heading', { name: `Customer: ${name}` }).waitFor();
    await page.getByRole('heading', { name: /^Grade: A/ }).waitFor();
    await page.getByRole('heading', { name: 'Grade history' }).waitFor();
    await page.getByRole('heading', { name: /^Orders \(\d+\)/ }).waitFor();
    assert.ok(await page.locator('section[aria-labelledby="h-rec-orders"] tbody tr').count() > 0);
    // The whole archive as its route gives it: each kind of record with its count, the grade's
    // reasons and the grade history.
    const shownId = decodeURIComponent(new URL(page.url()).hash.split('/').pop());
    const full = await (await page.request.get(srv.url + '/v1/admin/customers/archive?id=' + shownId)).json();
    for (const kind of ['contacts', 'tasks', 'visits', 'orders', 'feedback']) {
      const section = page.locator(`section[aria-labelledby="h-rec-${kind}"]`);
      assert.match(await section.locator('h2').innerText(), new RegExp(`\\(${full.totals[kind] || 0}\\)$`), kind);
      assert.equal(await section.locator('tbody tr').count(), (full.records[kind] || []).length, kind);
    }
    const reasons = full.grade_reasons?.reasons || [];
    assert.ok(reasons.length > 0, 'a graded customer has the reasons of its grade');
    assert.equal(await page.locator('section[aria-labelledby="h-grade"] tbody tr').count(), reasons.length);
    assert.ok(full.grade_history.length > 0);
    assert.equal(await page.locator('section[aria-labelledby="h-history"] tbody tr').count(), full.grade_history.length);
    await shot(page, 'customer-archive');
    const territories = (await (await page.request.get(srv.url + '/v1/admin/territories')).json()).territories;
    const target = territories.find((x) => x.id === 'terr-sz-baoan');
    await page.locator('#archive-territory').selectOption(target.id);
    await page.getByRole('button', { name: 'Set territory' }).click();
    await page.getByText(new RegExp(`Territory of .* is now ${target.id}`)).waitFor();
    const id = decodeURIComponent(new URL(page.url()).hash.split('/').pop());
    const archive = await (await page.request.get(srv.url + '/v1/admin/customers/archive?id=' + id)).json();
    assert.equal(archive.customer.territory_id, target.id);
    await page.setViewportSize({ width: 768, height: 1024 });
    await shot(page, 'customer-archive-768');
    assert.deepEqual(unexpected(problems), []);
    await context.close();
  });

  test('merge two duplicate garages and see both devices follow', async () => {
    const zhang = device('merge-zhang');
    const li = device('merge-li');
    cli(zhang, ['init', '--server', srv.url, '--token', srv.tokens['rep-zhang-wei']]);
    cli(li, ['init', '--server', srv.url, '--token', srv.tokens['rep-li-na']]);
    // Both reps meet the same garage offline.
    const keep = JSON.parse(cli(zhang, ['customer', 'add', '--name', '鑫达汽修厂', '--city', '广州',
      '--phone', '13800138000', '--json'])).id;
    const lose = JSON.parse(cli(li, ['customer', 'add', '--name', '鑫达汽修', '--city', '广州',
      '--phone', '+86 138 0013 8000', '--json'])).id;
    cli(zhang, ['visit', 'log', '--customer', keep, '--notes', 'first visit by Zhang Wei']);
    cli(li, ['visit', 'log', '--customer', lose, '--notes', 'first visit by Li Na']);
    cli(li, ['order', 'add', '--customer', lose, '--line', 'BP-1024:4:128.50']);
    cli(zhang, ['sync']);
    cli(li, ['sync']);

    const { page, context, problems } = await openPage(browser);
    await login(page, srv.url);
    await goTo(page, 'Review');
    const card = page.locator('li.duplicate').filter({ hasText: '鑫达汽修厂' });
    await card.waitFor();
    assert.match(await card.innerText(), /same phone/);
    await shot(page, 'review-duplicates');
    await card.getByLabel('Keep 鑫达汽修厂').check();
    await card.getByRole('button', { name: 'Merge' }).click();
    await page.getByText(/Merged 鑫达汽修 into .*records moved/).waitFor();
    assert.equal(await card.count(), 0);

    cli(zhang, ['sync']);
    cli(li, ['sync']);
    const shown = JSON.parse(cli(zhang, ['customer', 'show', keep, '--json']));
    const visits = JSON.stringify(shown);
    assert.match(visits, /first visit by Li Na/);
    assert.match(visits, /first visit by Zhang Wei/);
    assert.throws(() => cli(li, ['customer', 'show', lose]));
    assert.throws(() => cli(li, ['customer', 'show', keep]));
    assert.deepEqual(unexpected(problems), []);
    await context.close();
  });

  test('import: a dry run reports each row, then the import lands', async () => {
    const file = path.join(srv.dir, 'garages.csv');
    const rows = ['客户名称,电话,城市,业务员'];
    for (let i = 0; i < 30; ++i) rows.push(`导入修理厂${i},1390000${String(1000 + i)},广州,rep-li-na`);
    rows.push('坏行,139,广州,nobody-here');
    fs.writeFileSync(file, rows.join('\n') + '\n');
    const before = (await (await page0()).json()).total;
    const { page, context, problems } = await openPage(browser);
    await login(page, srv.url);
    await goTo(page, 'Import');
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.locator('#imp-file-error').waitFor();
    await page.getByLabel('File (.csv or .xlsx)').setInputFiles(file);
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByText('Dry run of garages.csv: nothing was changed.').waitFor();
    await page.getByText('Problems by row').waitFor();
    await shot(page, 'import-dry-run');
    assert.equal((await (await page0()).json()).total, before);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('Imported garages.csv.').waitFor();
    assert.equal((await (await page0()).json()).total, before + 30);
    assert.deepEqual(unexpected(problems), []);
    await context.close();
  });

  test('import: the mapping editor points an unrecognised column at a field and leaves one out', async (t) => {
    const file = path.join(srv.dir, 'shops.csv');
    // 店铺 is no header the import knows; 内部备注 would go into notes.
    const rows = ['店铺,电话,城市,业务员,备注'];
    for (let i = 0; i < 12; ++i) rows.push(`映射修理厂${i},1370000${String(2000 + i)},广州,rep-li-na,内部备注${i}`);
    fs.writeFileSync(file, rows.join('\n') + '\n');
    // The columns preview is the import's (#17, H8 this session): until the server answers it, the
    // page shows no editor and this test has nothing to drive.
    const probe = await (await fetch(srv.url + '/v1/admin/import/customers?preview=1&dry_run=1', {
      method: 'POST', headers: { Authorization: 'Bearer ' + srv.tokens.mgr }, body: fs.readFileSync(file),
    })).json();
    if (!Array.isArray(probe.columns)) {
      t.skip('this server has no import preview (?preview=1) yet');
      return;
    }
    const before = (await (await page0()).json()).total;
    const { page, context, problems } = await openPage(browser);
    await login(page, srv.url);
    await goTo(page, 'Import');
    await page.getByLabel('File (.csv or .xlsx)').setInputFiles(file);
    const shop = page.getByLabel('Field for column A (店铺)');
    await shop.waitFor();
    assert.equal(await shop.inputValue(), '');  // not recognised
    const notes = page.getByLabel('Field for column E (备注)');
    assert.equal(await notes.inputValue(), 'notes');
    assert.equal(await page.getByLabel('Field for column B (电话)').inputValue(), 'phone');
    // Without a name column the import would refuse the sheet: said before any dry run.
    await page.locator('#map-problem [role="alert"]').waitFor();
    await shot(page, 'import-mapping');
    await shop.selectOption('name');
    await page.locator('#map-problem [role="alert"]').waitFor({ state: 'detached' });
    await notes.selectOption('');
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByText('Dry run of shops.csv: nothing was changed.').waitFor();
    assert.equal((await (await page0()).json()).total, before);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('Imported shops.csv.').waitFor();
    assert.equal((await (await page0()).json()).total, before + 12);
    const found = await (await fetch(srv.url + '/v1/admin/customers?q=' + encodeURIComponent('映射修理厂3'), {
      headers: { Authorization: 'Bearer ' + srv.tokens.mgr },
    })).json();
    assert.equal(found.customers.length, 1);
    const archive = await (await fetch(srv.url + '/v1/admin/customers/archive?id=' + encodeURIComponent(found.customers[0].id), {
      headers: { Authorization: 'Bearer ' + srv.tokens.mgr },
    })).json();
    assert.equal(archive.customer.name, '映射修理厂3');
    assert.ok(!archive.customer.notes, 'the left-out column is not imported: ' + archive.customer.notes);
    assert.deepEqual(unexpected(problems), []);
    await context.close();
  });
});
