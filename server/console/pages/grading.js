// Grading: the grading rules in a form (GET/PUT /v1/admin/grading): RFM scores by thresholds or
// quintiles, the tiers, VIP, the 高低客单 threshold and the lifecycle. The server's validation
// message goes next to the field it names. Preview (POST /v1/admin/grading/preview) shows how many
// grades the form's rules would move before anything is saved; Regrade now (POST /v1/admin/grade)
// grades every customer with the rules in force.
import { get, post, putRules } from '../api.js';
import { clearFieldErrors, field, fieldError, h, message, serverFieldError, table } from '../dom.js';
import { addStrings, t } from '../i18n.js';

addStrings({
  en: {
    grdRules: 'Grading rules',
    grdHelp: 'Scores for recency (days since the last order), frequency (orders) and monetary value (yuan) in the window add up to the tier. Preview shows what the rules in this form would change before you save them.',
    windowDays: 'Window (days of history graded)',
    recency: 'Recency (days since the last order)',
    frequency: 'Frequency (orders in the window)',
    monetary: 'Monetary (yuan in the window)',
    method: 'Method',
    thresholds: 'by thresholds',
    quantiles: 'by quintiles',
    cut: 'Cut point {n}',
    cutsHelp: 'Four ascending cut points for scores 2 to 5.',
    tiersTitle: 'Tiers (highest first; the last needs 0)',
    tierName: 'Tier {n} name',
    tierMin: 'Tier {n} minimum score (0 to 15)',
    addTier: 'Add a tier',
    removeTier: 'Remove tier {n}',
    vipTier: 'VIP tier name',
    vipMin: 'VIP from spending (yuan in the window)',
    vipRel: 'Relationship "vip" makes a customer VIP',
    highTicket: '高客单: average order from (yuan)',
    lcNew: 'New: first order within (days)',
    lcAtRisk: 'At risk after this many rhythms of silence',
    lcChurned: 'Churned after this many rhythms',
    lcMinRhythm: 'Shortest rhythm (days)',
    lcDefaultRhythm: 'Rhythm of a one-order customer (days)',
    lcWonBack: 'Won back: order after churn within (days)',
    preview: 'Preview',
    regradeNow: 'Regrade now',
    previewResult: 'With these rules {n} of {m} customers would change tier.',
    previewNone: 'With these rules no customer would change tier ({m} customers).',
    tierBefore: 'Tier now',
    tierAfter: 'Tier with these rules',
    rulesInForce: 'Rules in force: version {v}.',
    regraded: 'Graded {m} customers; {n} grades changed. The devices receive them at their next sync.',
    number: 'A number.',
    wholeNumber: 'A whole number of 0 or more.',
  },
  zh: {
    grdRules: '分级规则',
    grdHelp: '时间窗口内的最近购买（距上次订单天数）、购买频次（订单数）和消费金额（元）三项得分相加决定等级。“预览”会在保存之前显示表单中的规则将改变什么。',
    windowDays: '统计窗口（天）',
    recency: '最近购买（距上次订单天数）',
    frequency: '购买频次（窗口内订单数）',
    monetary: '消费金额（窗口内，元）',
    method: '方法',
    thresholds: '按阈值',
    quantiles: '按五分位',
    cut: '分界点 {n}',
    cutsHelp: '四个递增的分界点，对应 2 到 5 分。',
    tiersTitle: '等级（从高到低；最后一级需为 0）',
    tierName: '第 {n} 级名称',
    tierMin: '第 {n} 级最低分（0 到 15）',
    addTier: '添加等级',
    removeTier: '删除第 {n} 级',
    vipTier: 'VIP 等级名称',
    vipMin: '消费达到多少成为 VIP（窗口内，元）',
    vipRel: '关系为 “vip” 的客户即为 VIP',
    highTicket: '高客单：平均订单金额不低于（元）',
    lcNew: '新客户：首单在多少天内',
    lcAtRisk: '沉默超过几个购买周期为有流失风险',
    lcChurned: '沉默超过几个购买周期为已流失',
    lcMinRhythm: '最短购买周期（天）',
    lcDefaultRhythm: '只有一单的客户的购买周期（天）',
    lcWonBack: '挽回：流失后多少天内再下单',
    preview: '预览',
    regradeNow: '立即重新分级',
    previewResult: '按这些规则，{m} 个客户中有 {n} 个会改变等级。',
    previewNone: '按这些规则，没有客户会改变等级（共 {m} 个客户）。',
    tierBefore: '当前等级',
    tierAfter: '按新规则的等级',
    rulesInForce: '当前生效规则：第 {v} 版。',
    regraded: '已为 {m} 个客户分级，其中 {n} 个等级有变化。设备将在下次同步时收到。',
    number: '请输入数字。',
    wholeNumber: '请输入 0 或更大的整数。',
  },
});

let nextId = 0;
function numberInput(path, value, whole) {
  return h('input', {
    id: 'grd-' + (++nextId), 'data-path': path, 'data-whole': whole ? '1' : null,
    type: 'number', step: whole ? '1' : 'any', inputmode: 'decimal', value: value ?? '',
  });
}

function scoreGroup(key, rule) {
  const method = h('select', { id: 'grd-' + key + '-method', 'data-path': key + '.method' },
    h('option', { value: 'thresholds' }, t('thresholds')), h('option', { value: 'quantiles' }, t('quantiles')));
  method.value = rule.method || 'thresholds';
  const cuts = [0, 1, 2, 3].map((i) => {
    const input = numberInput(key + '.thresholds', (rule.thresholds || [])[i], false);
    input.id = 'grd-' + key + '-cut' + i;
    input.dataset.path = i === 0 ? key + '.thresholds' : '';
    input.dataset.cut = key;
    return h('span', { class: 'cut' }, h('label', { for: input.id }, t('cut', { n: i + 1 })), input);
  });
  const cutBox = h('div', { class: 'field cuts', id: 'grd-' + key + '-cuts' }, h('p', { class: 'meta' }, t('cutsHelp')), cuts);
  const sync = () => {
    cutBox.hidden = method.value !== 'thresholds';
  };
  method.addEventListener('change', sync);
  sync();
  return h('fieldset', { class: 'card score', id: 'grd-' + key },
    h('legend', {}, t(key)), field(t('method'), method), cutBox);
}

export async function renderGrading(body) {
  const rules = await get('/v1/admin/grading');
  const status = h('div', { class: 'status', id: 'grd-status' });
  const previewBox = h('div', { id: 'grd-preview', 'aria-live': 'polite' });
  const inForce = h('p', { class: 'meta' }, t('rulesInForce', { v: rules.version }));

  const windowDays = numberInput('window_days', rules.window_days, true);
  const scores = ['recency', 'frequency', 'monetary'].map((k) => scoreGroup(k, rules[k] || {}));

  const tierRows = h('div', { class: 'tiers', id: 'grd-tiers', 'data-path': 'tiers', tabindex: '-1' });
  const tierBox = h('fieldset', { class: 'card field', id: 'grd-tier-box' }, h('legend', {}, t('tiersTitle')), tierRows);
  function renumber() {
    [...tierRows.children].forEach((row, i) => {
      const [name, min] = row.querySelectorAll('input');
      name.dataset.path = `tiers[${i}].name`;
      min.dataset.path = `tiers[${i}].min_score`;
      row.querySelector('label.tier-name').textContent = t('tierName', { n: i + 1 });
      row.querySelector('label.tier-min').textContent = t('tierMin', { n: i + 1 });
      row.querySelector('button').textContent = t('removeTier', { n: i + 1 });
    });
  }
  function addTier(tier) {
    const name = h('input', { id: 'grd-' + (++nextId), value: tier.name ?? '', maxlength: '32' });
    const min = numberInput('', tier.min_score, true);
    const row = h('div', { class: 'tier-row' },
      h('div', { class: 'field' }, h('label', { for: name.id, class: 'tier-name' }), name),
      h('div', { class: 'field' }, h('label', { for: min.id, class: 'tier-min' }), min),
      h('button', { type: 'button', onclick: () => { row.remove(); renumber(); } }));
    tierRows.append(row);
    renumber();
  }
  (rules.tiers || []).forEach(addTier);
  tierBox.append(h('button', { type: 'button', id: 'grd-add-tier', onclick: () => addTier({ name: '', min_score: 0 }) }, t('addTier')));

  const vip = rules.vip || {};
  const vipTier = h('input', { id: 'grd-vip-tier', 'data-path': 'vip.tier', value: vip.tier ?? '', maxlength: '32' });
  const vipMin = numberInput('vip.min_monetary_yuan', vip.min_monetary_yuan, false);
  const vipRel = h('input', { type: 'checkbox', id: 'grd-vip-rel', 'data-path': 'vip.by_relationship', checked: !!vip.by_relationship });
  const highTicket = numberInput('ticket.high_average_yuan', (rules.ticket || {}).high_average_yuan, false);
  const lc = rules.lifecycle || {};
  const lifecycle = {
    new_customer_days: [numberInput('lifecycle.new_customer_days', lc.new_customer_days, true), 'lcNew'],
    at_risk_factor: [numberInput('lifecycle.at_risk_factor', lc.at_risk_factor, false), 'lcAtRisk'],
    churned_factor: [numberInput('lifecycle.churned_factor', lc.churned_factor, false), 'lcChurned'],
    min_rhythm_days: [numberInput('lifecycle.min_rhythm_days', lc.min_rhythm_days, true), 'lcMinRhythm'],
    default_rhythm_days: [numberInput('lifecycle.default_rhythm_days', lc.default_rhythm_days, true), 'lcDefaultRhythm'],
    won_back_days: [numberInput('lifecycle.won_back_days', lc.won_back_days, true), 'lcWonBack'],
  };

  const form = h('form', { class: 'rules', id: 'grd-form', novalidate: true, 'aria-labelledby': 'h-grd' });

  // The form's rules, or null after marking the fields that are not numbers.
  function collect() {
    clearFieldErrors(form);
    let ok = true;
    for (const input of form.querySelectorAll('input[type="number"]')) {
      if (input.closest('[hidden]')) continue;
      const text = input.value.trim();
      const n = Number(text);
      const bad = text === '' || !Number.isFinite(n) || (input.dataset.whole && (!Number.isInteger(n) || n < 0));
      if (bad) {
        fieldError(input, t(input.dataset.whole ? 'wholeNumber' : 'number'));
        if (ok) input.focus();
        ok = false;
      }
    }
    if (!ok) return null;
    const next = { ...rules };
    delete next.version;
    next.window_days = Number(windowDays.value);
    for (const key of ['recency', 'frequency', 'monetary']) {
      const method = document.getElementById('grd-' + key + '-method').value;
      next[key] = { method };
      if (method === 'thresholds') {
        next[key].thresholds = [0, 1, 2, 3].map((i) => Number(document.getElementById('grd-' + key + '-cut' + i).value));
      }
    }
    next.tiers = [...tierRows.children].map((row) => {
      const [name, min] = row.querySelectorAll('input');
      return { name: name.value.trim(), min_score: Number(min.value) };
    });
    next.vip = { tier: vipTier.value.trim(), min_monetary_yuan: Number(vipMin.value), by_relationship: vipRel.checked };
    next.ticket = { high_average_yuan: Number(highTicket.value) };
    next.lifecycle = {};
    for (const [key, [input]] of Object.entries(lifecycle)) next.lifecycle[key] = Number(input.value);
    return next;
  }

  function showError(err) {
    if (err.status === 400 && serverFieldError(form, err)) return;
    status.replaceChildren(message('error', err.message));
  }

  async function preview() {
    const next = collect();
    status.replaceChildren();
    previewBox.replaceChildren();
    if (!next) return;
    try {
      const p = await post('/v1/admin/grading/preview', next);
      previewBox.replaceChildren(
        message('info', p.changed ? t('previewResult', { n: p.changed, m: p.customers }) : t('previewNone', { m: p.customers })),
        (p.moves || []).length ? h('div', { class: 'scroll' }, table([t('tierBefore'), t('tierAfter'), t('customers')],
          p.moves.map((m) => [m.from || t('notGraded'), m.to, m.customers]))) : '');
    } catch (err) {
      showError(err);
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const next = collect();
    status.replaceChildren();
    if (!next) return;
    try {
      const v = await putRules('/v1/admin/grading', rules, next);
      inForce.textContent = t('rulesInForce', { v });
      status.replaceChildren(message('info', t('rulesSaved', { v })));
    } catch (err) {
      showError(err);
    }
  });

  const regrade = h('button', {
    type: 'button', id: 'grd-regrade',
    onclick: async () => {
      regrade.disabled = true;
      try {
        const r = await post('/v1/admin/grade');
        status.replaceChildren(message('info', t('regraded', { m: r.customers, n: r.changed })));
      } catch (err) {
        status.replaceChildren(message('error', err.message));
      } finally {
        regrade.disabled = false;
      }
    },
  }, t('regradeNow'));

  form.append(
    h('div', { class: 'grid' },
      h('section', { class: 'card wide' }, h('h2', { id: 'h-grd' }, t('grdRules')), inForce, h('p', {}, t('grdHelp')),
        field(t('windowDays'), windowDays)),
      scores,
      tierBox,
      h('fieldset', { class: 'card' }, h('legend', {}, 'VIP · 客单'),
        field(t('vipTier'), vipTier), field(t('vipMin'), vipMin),
        h('div', { class: 'field check' }, vipRel, h('label', { for: vipRel.id }, t('vipRel'))),
        field(t('highTicket'), highTicket)),
      h('fieldset', { class: 'card' }, h('legend', {}, t('lifecycle')),
        Object.values(lifecycle).map(([input, label]) => field(t(label), input)))),
    h('div', { class: 'actions sticky' },
      h('button', { type: 'button', id: 'grd-preview-button', onclick: preview }, t('preview')),
      h('button', { type: 'submit', class: 'primary' }, t('saveRules')),
      regrade),
    previewBox);
  body.replaceChildren(status, form);
}
