// Dashboard: customers by tier for the company, each rep and each territory (charts), the tier
// migration between the two latest grading runs, at-risk customers with their reasons, each rep's
// portfolio, what waits for review, and device health (last sync per device, each replica's latest
// verification, what the last nightly verification repaired). Reads
// /v1/admin/reports/{tiers,movement,portfolio,at-risk}, /v1/admin/dashboard, /v1/admin/devices
// and /v1/admin/nightly/runs.
import { ApiError, get } from '../api.js';
import { h, message, table } from '../dom.js';
import { addStrings, codeLabel, inLang, t } from '../i18n.js';

addStrings({
  en: {
    tiersPerTerritory: 'Customers by tier — each territory',
    withoutTerritory: '(no territory)',
    items: 'Items',
    migration: 'Tier migration between grading runs',
    migrationRuns: 'From run #{from} ({fromDay}) to run #{to} ({toDay}).',
    migrationOne: 'Only one grading run so far: the migration appears after the next one.',
    fromTier: 'From tier',
    toTier: 'To tier',
    newlyGraded: 'newly graded',
    unchanged: 'unchanged',
    review: 'Waiting for review',
    heldEdits: 'Held edits',
    possibleDuplicates: 'Possible duplicate garages',
    openReview: 'See them and decide',
    verification: 'Replica verification',
    lastNightlyCheck: 'Last nightly verification (run #{run}, {day}): {verified} replicas compared, {repaired} repaired.',
    noNightlyCheck: 'No nightly verification yet.',
    replica: 'Replica',
    lastCheck: 'Last check',
    outcome: 'Outcome',
    rowsResent: 'Rows re-sent',
  },
  zh: {
    tiersPerTerritory: '客户分级 — 各片区',
    withoutTerritory: '（无片区）',
    items: '条数',
    migration: '两次分级之间的等级变化',
    migrationRuns: '从第 {from} 次（{fromDay}）到第 {to} 次（{toDay}）分级。',
    migrationOne: '目前只有一次分级：下一次分级后显示等级变化。',
    fromTier: '原等级',
    toTier: '新等级',
    newlyGraded: '新分级',
    unchanged: '未变',
    review: '待审核事项',
    heldEdits: '暂存的修改',
    possibleDuplicates: '疑似重复的修理厂',
    openReview: '查看并处理',
    verification: '副本校验',
    lastNightlyCheck: '最近一次夜间校验（第 {run} 次，{day}）：比对 {verified} 个副本，修复 {repaired} 个。',
    noNightlyCheck: '尚无夜间校验。',
    replica: '副本',
    lastCheck: '最近校验',
    outcome: '结果',
    rowsResent: '重发行数',
  },
});

const TIER_ORDER = ['A', 'B', 'C', 'D'];

async function loadCharts() {
  try {
    return await import('../vendor/echarts.esm.min.js');
  } catch {
    return null;  // charts are not installed: the tables below still tell everything
  }
}

// A report that 404s because nothing was graded yet is "no data", not a failure.
async function report(path) {
  try {
    return await get(path);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

function tierName(tier) {
  return tier === 'not graded' ? t('notGraded') : tier;
}

function sortedTiers(tiers) {
  const names = Object.keys(tiers || {});
  return names.sort((a, b) => {
    const ia = TIER_ORDER.indexOf(a), ib = TIER_ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
}

function chartBox(label) {
  return h('div', { class: 'chart', role: 'img', 'aria-label': label });
}

function draw(echarts, el, option) {
  if (!echarts) return;
  const chart = echarts.init(el, null, { renderer: 'svg' });
  chart.setOption({ animation: false, ...option });
  new ResizeObserver(() => chart.resize()).observe(el);
}

function dateText(ms) {
  return ms ? new Date(ms).toLocaleString() : t('never');
}

export async function renderDashboard(body) {
  const [echarts, tiers, portfolio, atRisk, overview, devices, nightly] = await Promise.all([
    loadCharts(),
    report('/v1/admin/reports/tiers'),
    report('/v1/admin/reports/portfolio'),
    report('/v1/admin/reports/at-risk?limit=50'),
    get('/v1/admin/dashboard'),
    get('/v1/admin/devices'),
    get('/v1/admin/nightly/runs?last=1'),
  ]);
  // The migration needs two grading runs (asked only then: no 404 to show in the browser's log).
  const movement = overview.grading_runs >= 2 ? await report('/v1/admin/reports/movement') : null;
  const sections = [];

  // Company tiers.
  const company = h('section', { class: 'card', 'aria-labelledby': 'h-company' },
    h('h2', { id: 'h-company' }, t('tiersCompany')));
  if (tiers && Object.keys(tiers.tiers || {}).length) {
    const names = sortedTiers(tiers.tiers);
    const box = chartBox(t('tiersCompany'));
    company.append(box, table([t('tier'), t('customers')],
      names.map((n) => [tierName(n), tiers.tiers[n]])));
    sections.push(() => draw(echarts, box, {
      tooltip: {},
      xAxis: { type: 'category', data: names.map(tierName) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', data: names.map((n) => tiers.tiers[n]), label: { show: true, position: 'top' } }],
    }));
  } else {
    company.append(message('info', t('noGrades')));
  }

  // A bar per item (a rep, a territory) named by label(item), stacked by tier (`names`).
  const stackedTiers = (names, items, label) => ({
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { top: 36, containLabel: true },
    xAxis: { type: 'category', data: items.map(label) },
    yAxis: { type: 'value', minInterval: 1 },
    series: names.map((n) => ({
      name: tierName(n), type: 'bar', stack: 'tiers', data: items.map((x) => (x.tiers || {})[n] || 0),
    })),
  });

  // Tiers per rep (stacked) and the portfolio table.
  const byRep = h('section', { class: 'card', 'aria-labelledby': 'h-reps' },
    h('h2', { id: 'h-reps' }, t('tiersByRep')));
  const reps = portfolio ? portfolio.reps || [] : [];
  if (reps.length) {
    const names = sortedTiers(Object.assign({}, ...reps.map((r) => r.tiers || {})));
    const box = chartBox(t('tiersByRep'));
    byRep.append(box);
    sections.push(() => draw(echarts, box, stackedTiers(names, reps, (r) => r.name || r.rep)));
  } else {
    byRep.append(message('info', t('noGrades')));
  }

  // Tiers per territory (stacked), with the table under it.
  const byTerritory = h('section', { class: 'card', 'aria-labelledby': 'h-territories' },
    h('h2', { id: 'h-territories' }, t('tiersPerTerritory')));
  const terr = overview.territories || [];
  if (terr.length) {
    const names = sortedTiers(Object.assign({}, ...terr.map((x) => x.tiers || {})));
    const label = (x) => (x.id ? x.name || x.id : t('withoutTerritory'));
    const box = chartBox(t('tiersPerTerritory'));
    byTerritory.append(box, h('div', { class: 'scroll' }, table(
      [t('territory'), ...names.map(tierName), t('customers')],
      terr.map((x) => [label(x), ...names.map((n) => (x.tiers || {})[n] || 0), x.customers]))));
    sections.push(() => draw(echarts, box, stackedTiers(names, terr, label)));
  } else {
    byTerritory.append(message('info', t('none')));
  }

  // Tier migration between the two latest grading runs: a from x to heat map and the moves.
  const migration = h('section', { class: 'card', 'aria-labelledby': 'h-migration' },
    h('h2', { id: 'h-migration' }, t('migration')));
  if (!overview.grading_runs) {
    migration.append(message('info', t('noGrades')));
  } else if (!movement || !movement.from_run) {
    migration.append(message('info', t('migrationOne')));
  } else {
    const cells = movement.cells || [];
    const fromName = (x) => (x === '-' ? t('newlyGraded') : tierName(x));
    const from = sortedTiers(Object.fromEntries(cells.map((c) => [c.from, 1])));
    const to = sortedTiers(Object.fromEntries(cells.map((c) => [c.to, 1])));
    const box = chartBox(t('migration'));
    migration.append(
      h('p', { class: 'meta' }, t('migrationRuns', {
        from: movement.from_run, fromDay: movement.from_today, to: movement.to_run, toDay: movement.to_today,
      })),
      box,
      h('div', { class: 'scroll' }, table([t('fromTier'), t('toTier'), t('customers')],
        cells.filter((c) => c.from !== c.to).map((c) => [fromName(c.from), tierName(c.to), c.customers]))),
      h('p', { class: 'meta' }, t('unchanged') + ': ' +
        cells.filter((c) => c.from === c.to).reduce((n, c) => n + c.customers, 0)));
    const max = Math.max(1, ...cells.map((c) => c.customers));
    sections.push(() => draw(echarts, box, {
      tooltip: {},
      grid: { containLabel: true, left: 24, bottom: 64 },
      xAxis: { type: 'category', name: t('toTier'), nameLocation: 'middle', nameGap: 24, data: to.map(tierName) },
      yAxis: { type: 'category', name: t('fromTier'), nameLocation: 'middle', nameGap: 64, data: from.map(fromName) },
      visualMap: { min: 0, max, calculable: false, orient: 'horizontal', left: 'center', bottom: 0 },
      series: [{
        type: 'heatmap', label: { show: true },
        data: cells.map((c) => [to.indexOf(c.to), from.indexOf(c.from), c.customers]),
      }],
    }));
  }

  const portfolioCard = h('section', { class: 'card wide', 'aria-labelledby': 'h-portfolio' },
    h('h2', { id: 'h-portfolio' }, t('portfolio')),
    reps.length ? h('div', { class: 'scroll' }, table(
      [t('rep'), t('customers'), t('followUpsDue'), t('followUpsOverdue'), t('visitsDue'),
        t('visitsOverdue'), t('revenue')],
      reps.map((r) => [r.name || r.rep, r.customers, r.follow_ups_due, r.follow_ups_overdue,
        r.visits_due, r.visits_overdue, ((r.revenue_cents || 0) / 100).toFixed(2)]))) : message('info', t('none')));

  const risky = atRisk ? atRisk.customers || [] : [];
  const riskCard = h('section', { class: 'card wide', 'aria-labelledby': 'h-risk' },
    h('h2', { id: 'h-risk' }, t('atRisk')),
    risky.length ? h('div', { class: 'scroll' }, table(
      [t('customer'), t('rep'), t('tier'), t('lifecycle'), t('reasons')],
      risky.map((c) => [c.name || c.id, c.rep, c.tier, codeLabel('lifecycle', c.lifecycle),
        inLang(c.reason_texts, Array.isArray(c.reasons) ? c.reasons.join('; ') : String(c.reasons ?? ''))]))) : message('info', t('none')));

  const review = overview.review || {};
  const reviewCard = h('section', { class: 'card', 'aria-labelledby': 'h-review' },
    h('h2', { id: 'h-review' }, t('review')),
    h('div', { class: 'scroll' }, table([t('review'), t('items')],
      [[t('heldEdits'), review.held_edits ?? 0], [t('possibleDuplicates'), review.duplicates ?? 0]])),
    h('p', {}, h('a', { href: '#/review' }, t('openReview'))));

  const devs = devices.devices || [];
  const deviceCard = h('section', { class: 'card wide', 'aria-labelledby': 'h-devices' },
    h('h2', { id: 'h-devices' }, t('deviceHealth')),
    devs.length ? h('div', { class: 'scroll' }, table(
      [t('rep'), t('device'), t('lastSync'), t('address'), t('state')],
      devs.map((d) => [d.rep, d.device, dateText(d.last_sync), d.last_address || '',
        d.revoked ? t('revoked') : t('inUse')]))) : message('info', t('none')));

  // Replica verification: what the last nightly run's check found, and each replica's latest check.
  const lastRun = (nightly.runs || [])[0];
  const verify = lastRun && (lastRun.steps || []).find((x) => x.name === 'verify' && x.status === 'done');
  const replicas = overview.replicas || [];
  const verifyCard = h('section', { class: 'card wide', 'aria-labelledby': 'h-verify' },
    h('h2', { id: 'h-verify' }, t('verification')),
    h('p', { class: 'meta', id: 'last-verification' }, verify ? t('lastNightlyCheck', {
      run: lastRun.id, day: lastRun.day, verified: lastRun.summary?.replicas_verified ?? 0,
      repaired: lastRun.summary?.replicas_repaired ?? 0,
    }) : t('noNightlyCheck')),
    replicas.length ? h('div', { class: 'scroll' }, table(
      [t('rep'), t('replica'), t('lastCheck'), t('outcome'), t('rowsResent')],
      replicas.map((r) => [r.rep, r.replica, dateText(r.checked), r.outcome, r.rows_resent]))) : null);

  body.replaceChildren(h('div', { class: 'grid' }, company, byRep, byTerritory, migration, portfolioCard,
    riskCard, reviewCard, deviceCard, verifyCard));
  for (const drawOne of sections) drawOne();
}
