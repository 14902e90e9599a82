// Dashboard: customers by tier for the company, each rep and each territory (charts), at-risk
// customers with their reasons, each rep's portfolio, and device health. Reads
// /v1/admin/reports/{tiers,portfolio,at-risk}, /v1/admin/territories and /v1/admin/devices.
import { ApiError, get } from '../api.js';
import { h, message, table } from '../dom.js';
import { t } from '../i18n.js';

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
  const [echarts, tiers, portfolio, atRisk, territories, devices] = await Promise.all([
    loadCharts(),
    report('/v1/admin/reports/tiers'),
    report('/v1/admin/reports/portfolio'),
    report('/v1/admin/reports/at-risk?limit=50'),
    get('/v1/admin/territories'),
    get('/v1/admin/devices'),
  ]);
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

  // Tiers per rep (stacked) and the portfolio table.
  const byRep = h('section', { class: 'card', 'aria-labelledby': 'h-reps' },
    h('h2', { id: 'h-reps' }, t('tiersByRep')));
  const reps = portfolio ? portfolio.reps || [] : [];
  if (reps.length) {
    const names = sortedTiers(Object.assign({}, ...reps.map((r) => r.tiers || {})));
    const box = chartBox(t('tiersByRep'));
    byRep.append(box);
    sections.push(() => draw(echarts, box, {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { top: 36, containLabel: true },
      xAxis: { type: 'category', data: reps.map((r) => r.name || r.rep) },
      yAxis: { type: 'value', minInterval: 1 },
      series: names.map((n) => ({
        name: tierName(n), type: 'bar', stack: 'tiers', data: reps.map((r) => (r.tiers || {})[n] || 0),
      })),
    }));
  } else {
    byRep.append(message('info', t('noGrades')));
  }

  const byTerritory = h('section', { class: 'card', 'aria-labelledby': 'h-territories' },
    h('h2', { id: 'h-territories' }, t('tiersByTerritory')));
  const terr = territories.territories || [];
  if (terr.length) {
    const box = chartBox(t('tiersByTerritory'));
    byTerritory.append(box);
    sections.push(() => draw(echarts, box, {
      tooltip: {},
      grid: { containLabel: true },
      xAxis: { type: 'category', data: terr.map((x) => x.name || x.id) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', data: terr.map((x) => x.customers || 0) }],
    }));
  } else {
    byTerritory.append(message('info', t('none')));
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
      risky.map((c) => [c.name || c.id, c.rep, c.tier, c.lifecycle,
        Array.isArray(c.reasons) ? c.reasons.join('; ') : String(c.reasons ?? '')]))) : message('info', t('none')));

  const devs = devices.devices || [];
  const deviceCard = h('section', { class: 'card wide', 'aria-labelledby': 'h-devices' },
    h('h2', { id: 'h-devices' }, t('deviceHealth')),
    devs.length ? h('div', { class: 'scroll' }, table(
      [t('rep'), t('device'), t('lastSync'), t('address'), t('state')],
      devs.map((d) => [d.rep, d.device, dateText(d.last_sync), d.last_address || '',
        d.revoked ? t('revoked') : t('inUse')]))) : message('info', t('none')));

  body.replaceChildren(h('div', { class: 'grid' }, company, byRep, byTerritory, portfolioCard,
    riskCard, deviceCard));
  for (const drawOne of sections) drawOne();
}
