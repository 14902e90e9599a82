// Reasons and codes in 中文 and English in a real browser (issue #19), against a server holding
// seed-demo's 200 garages, graded: the dashboard's at-risk customers and a customer's archive (the
// grade's reasons with their rules, the facts, the visits) show exactly the texts the server gives
// for the language picked, codes by their labels (决策中, 例行拜访, 有流失风险), the Chinese with
// Chinese reasons and the English with no Chinese in them. Every page is photographed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, loadPlaywright, login, openPage, server, shot, startServer } from './harness.mjs';

const playwright = await loadPlaywright();
const CJK = /[\u3400-\u9fff]/;

describe('reasons and codes in both languages', () => {
  let srv;
  let browser;
  const admin = async (route) => (await fetch(srv.url + route, {
    headers: { Authorization: 'Bearer ' + srv.tokens.mgr },
  })).json();
  before(async () => {
    srv = await startServer({ demo: 200 });
    server(['grade', '--db', srv.db]);
    browser = await launchBrowser(playwright);
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  for (const lang of ['zh', 'en']) {
    test(`${lang}: the dashboard's at-risk reasons and a customer's archive`, async () => {
      const { labels } = await admin('/v1/admin/labels');
      const label = (enumeration, code) => (code ? labels[enumeration + '.' + code]?.[lang] ?? code : '');
      const risky = (await admin('/v1/admin/reports/at-risk?limit=50')).customers;
      assert.ok(risky.length > 5, 'seed-demo has customers at risk');

      const { page, context, problems } = await openPage(browser);
      await login(page, srv.url);
      await page.locator('section[aria-labelledby="h-risk"] tbody tr').first().waitFor();
      await page.locator('#lang').selectOption(lang);
      // The page is drawn again in that language: wait for the first reason in it.
      const firstReason = risky[0].reason_texts[lang].trim();
      await page.waitForFunction((want) => {
        const row = document.querySelector('section[aria-labelledby="h-risk"] tbody tr');
        return row !== null && row.lastElementChild.textContent.trim() === want;
      }, firstReason);
      const rows = await page.locator('section[aria-labelledby="h-risk"] tbody tr').allInnerTexts();
      assert.equal(rows.length, risky.length);
      rows.forEach((row, i) => {
        const cells = row.split('\t').map((c) => c.trim());
        const reason = cells.at(-1);
        assert.equal(reason, risky[i].reason_texts[lang].trim(), row);
        assert.equal(cells[3], label('lifecycle', risky[i].lifecycle), row);
        if (lang === 'zh') {
          assert.match(reason, CJK, reason);
          assert.doesNotMatch(reason, /last order|days ago|its rhythm|churn risk/, reason);
          assert.doesNotMatch(cells[3], /^(at_risk|churned|active|new|won_back)$/, row);
        } else {
          assert.doesNotMatch(reason, CJK, reason);
        }
      });
      await shot(page, `reasons-dashboard-${lang}`);

      // The archive of the riskiest garage: reasons, rules, facts and visits in the language.
      const id = risky[0].id;
      const full = await admin('/v1/admin/customers/archive?id=' + encodeURIComponent(id));
      await page.goto(srv.url + '/#/customers/' + encodeURIComponent(id));
      const grade = page.locator('section[aria-labelledby="h-grade"]');
      await grade.locator('tbody tr').first().waitFor();
      const reasons = full.grade_reasons.reasons;
      assert.ok(reasons.length > 3, 'a graded garage has the reasons of its grade');
      const shown = (await grade.locator('tbody tr').allInnerTexts()).map((r) => r.split('\t').map((c) => c.trim()));
      assert.equal(shown.length, reasons.length);
      shown.forEach(([rule, text], i) => {
        assert.equal(rule, reasons[i].rule_text[lang]);
        assert.equal(text, reasons[i].text[lang].trim());
        if (lang === 'zh') {
          assert.match(rule + text, CJK);
          assert.doesNotMatch(text, /last order|scores|days ago|median gap/, text);
        } else {
          assert.doesNotMatch(rule + text, CJK, text);
        }
      });
      const summary = await page.locator('section[aria-labelledby="h-summary"] dl').innerText();
      const c = full.customer;
      for (const [key, enumeration] of [['customer_type', 'type'], ['purchase_stage', 'stage'], ['relationship', 'relationship']]) {
        if (c[key]) assert.ok(summary.includes(label(enumeration, c[key])), `${key} ${c[key]}: ${summary}`);
      }
      if (lang === 'zh') assert.match(summary, /类型/);
      const visits = full.records.visits || [];
      assert.ok(visits.length > 0, 'the riskiest garage was visited before');
      const visitRows = (await page.locator('section[aria-labelledby="h-rec-visits"] tbody tr').allInnerTexts())
        .map((r) => r.split('\t').map((x) => x.trim()));
      assert.equal(visitRows.length, visits.length);
      visitRows.forEach((cells, i) => {
        assert.equal(cells[2], label('purpose', visits[i].purpose), cells.join(' | '));
        assert.equal(cells[3], label('outcome', visits[i].outcome), cells.join(' | '));
        if (lang === 'zh' && visits[i].purpose) assert.match(cells[2], CJK);
      });
      await shot(page, `reasons-archive-${lang}`);
      await page.setViewportSize({ width: 768, height: 1024 });
      await shot(page, `reasons-archive-${lang}-768`);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
});
