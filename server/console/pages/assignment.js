// Assignment: the assignment rules in a form (GET/PUT /v1/admin/assignment) with the server's
// validation messages next to the field they name, the dry run as a table of moves with their
// reasons (GET /v1/admin/assignment/plan) and applying it (POST /v1/admin/assignment/apply).
import { get, post, putRules } from '../api.js';
import { cardForm, field, fieldError, h, message, serverFieldError, table } from '../dom.js';
import { addStrings, inLang, t } from '../i18n.js';

addStrings({
  en: {
    asgRules: 'Assignment rules',
    asgRulesHelp: 'Who may serve which customers. Saving stores a new version; nothing moves until you apply a plan.',
    skillFor: 'Skill needed for tier {t}',
    anyRep: 'any rep',
    junior: 'junior',
    senior: 'senior',
    key_account: 'key account',
    regionMatch: 'Reps serve only their regions',
    enforceCapacity: 'Enforce each rep\'s capacity',
    tierATiers: 'Tiers counted as tier A (comma-separated)',
    keepRep: 'Keep a customer with its rep unless a rule is broken',
    tolerance: 'Rebalance tolerance (0 to 1)',
    closerStages: 'Stages that need a closer',
    reclaimDays: 'Days before a quiet tier-{t} customer returns to the pool (0 = never)',
    defaultReclaim: 'Days for other tiers and ungraded customers',
    warnDays: 'Warn the rep this many days before',
    maxWait: 'Most days to wait for a rep\'s device to sync',
    dailyClaims: 'Pool claims per rep per day',
    holdingCap: 'Most customers a rep may hold',
    saveRules: 'Save rules',
    rulesSaved: 'Saved as version {v}.',
    rulesInvalid: 'Not saved: correct the field marked below.',
    wholeNumber: 'A whole number of 0 or more.',
    fraction: 'A number from 0 to 1.',
    version: 'Version {v}',
    planTitle: 'Dry run and apply',
    planHelp: 'The dry run lists the moves the rules ask for, with the reason for each. Nothing changes until you apply.',
    allTerritories: 'all territories',
    dryRun: 'Dry run',
    applyPlan: 'Apply these moves',
    planMoves: '{n} moves among {m} customers considered.',
    planApplied: 'Applied {n} moves. The reps\' devices follow at their next sync.',
    noMoves: 'No customer needs to move.',
    from: 'From',
    to: 'To',
    rule: 'Rule',
    unplaced: 'Customers no rep can take',
  },
  zh: {
    asgRules: '分配规则',
    asgRulesHelp: '规定哪些业务员可以负责哪些客户。保存后生成新版本；应用方案之前不会移动任何客户。',
    skillFor: '{t} 级客户所需的能力',
    anyRep: '任何业务员',
    junior: '初级',
    senior: '高级',
    key_account: '大客户经理',
    regionMatch: '业务员只负责自己的区域',
    enforceCapacity: '执行每位业务员的容量上限',
    tierATiers: '计为 A 级的等级（逗号分隔）',
    keepRep: '除非违反规则，客户保留原业务员',
    tolerance: '再平衡容差（0 到 1）',
    closerStages: '需要成交能手的购买阶段',
    reclaimDays: '{t} 级客户多少天未跟进回到公海（0 = 从不）',
    defaultReclaim: '其他等级和未分级客户的天数',
    warnDays: '提前多少天提醒业务员',
    maxWait: '最多等待业务员设备同步的天数',
    dailyClaims: '每位业务员每天可领取的公海客户数',
    holdingCap: '每位业务员最多持有的客户数',
    saveRules: '保存规则',
    rulesSaved: '已保存为第 {v} 版。',
    rulesInvalid: '未保存：请更正下面标出的字段。',
    wholeNumber: '请输入 0 或更大的整数。',
    fraction: '请输入 0 到 1 之间的数。',
    version: '第 {v} 版',
    planTitle: '试运行与应用',
    planHelp: '试运行列出规则要求的客户转移及每项原因。点击应用之前不会有任何改变。',
    allTerritories: '全部片区',
    dryRun: '试运行',
    applyPlan: '应用这些转移',
    planMoves: '在 {m} 个客户中需要转移 {n} 个。',
    planApplied: '已完成 {n} 项转移，业务员设备将在下次同步时更新。',
    noMoves: '没有客户需要转移。',
    from: '原业务员',
    to: '新业务员',
    rule: '规则',
    unplaced: '没有业务员可以接手的客户',
  },
});

const SKILLS = ['junior', 'senior', 'key_account'];
const STAGES = ['aware', 'interested', 'deciding', 'customer'];

function numberInput(path, value, kind = 'whole') {
  return h('input', {
    id: 'asg-' + path.replace(/[^\w]/g, '-'), 'data-path': path, 'data-kind': kind,
    type: 'number', step: kind === 'whole' ? '1' : 'any', min: '0', inputmode: 'decimal',
    value: value ?? '',
  });
}

function checkbox(path, checked) {
  return h('input', { id: 'asg-' + path.replace(/[^\w]/g, '-'), 'data-path': path, type: 'checkbox', checked: !!checked });
}

function checkField(label, input) {
  return h('div', { class: 'field check' }, input, h('label', { for: input.id }, label));
}

// Client-side checks: empty or malformed numbers. Ranges and tier names are the server's.
function validNumbers(inputs) {
  let ok = true;
  for (const input of inputs) {
    const text = input.value.trim();
    const n = Number(text);
    const bad = input.dataset.kind === 'fraction'
      ? text === '' || !(n >= 0 && n <= 1)
      : text === '' || !Number.isInteger(n) || n < 0;
    if (bad) {
      fieldError(input, t(input.dataset.kind === 'fraction' ? 'fraction' : 'wholeNumber'));
      if (ok) input.focus();
      ok = false;
    }
  }
  return ok;
}

export async function renderAssignment(body) {
  const [rules, grading, { territories }] = await Promise.all([
    get('/v1/admin/assignment'), get('/v1/admin/grading'), get('/v1/admin/territories')]);
  const tiers = [...(grading.tiers || []).map((x) => x.name)];
  if (grading.vip && grading.vip.tier && !tiers.includes(grading.vip.tier)) tiers.unshift(grading.vip.tier);
  const status = h('div', { class: 'status', id: 'asg-status' });
  const versionNote = h('p', { class: 'meta' }, t('version', { v: rules.version }));

  const skillSelects = tiers.map((tier) => {
    const select = h('select', { id: 'asg-skill-' + tier.replace(/[^\w]/g, '-'), 'data-path': 'skill_for_tier.' + tier, 'data-tier': tier },
      h('option', { value: '' }, t('anyRep')), SKILLS.map((s) => h('option', { value: s }, t(s))));
    select.value = (rules.skill_for_tier || {})[tier] || '';
    return field(t('skillFor', { t: tier }), select);
  });
  const regionMatch = checkbox('region_match', rules.region_match);
  const enforce = checkbox('capacity.enforce', rules.capacity?.enforce);
  const tierA = h('input', { id: 'asg-tier-a', 'data-path': 'capacity.tier_a_tiers', value: (rules.capacity?.tier_a_tiers || []).join(', ') });
  const keep = checkbox('stability.keep_current_rep', rules.stability?.keep_current_rep);
  const tolerance = numberInput('stability.rebalance_tolerance', rules.stability?.rebalance_tolerance, 'fraction');
  const stageBoxes = STAGES.map((s) => {
    const box = h('input', { type: 'checkbox', id: 'asg-stage-' + s, value: s, checked: (rules.closer?.purchase_stages || []).includes(s) });
    return h('span', { class: 'check' }, box, h('label', { for: box.id }, s));
  });
  const stagesGroup = h('fieldset', { class: 'field', 'data-path': 'closer.purchase_stages', id: 'asg-stages', tabindex: '-1' },
    h('legend', {}, t('closerStages')), stageBoxes);
  const pool = rules.pool || {};
  const reclaimInputs = tiers.map((tier) => {
    const input = numberInput('pool.reclaim_days.' + tier, (pool.reclaim_days || {})[tier] ?? '');
    input.dataset.tier = tier;
    input.dataset.optional = '1';
    return field(t('reclaimDays', { t: tier }), input);
  });
  const poolInputs = {
    default_reclaim_days: numberInput('pool.default_reclaim_days', pool.default_reclaim_days),
    warn_days: numberInput('pool.warn_days', pool.warn_days),
    max_wait_days: numberInput('pool.max_wait_days', pool.max_wait_days),
    daily_claims: numberInput('pool.daily_claims', pool.daily_claims),
    holding_cap: numberInput('pool.holding_cap', pool.holding_cap),
  };
  const labels = {
    default_reclaim_days: 'defaultReclaim', warn_days: 'warnDays', max_wait_days: 'maxWait',
    daily_claims: 'dailyClaims', holding_cap: 'holdingCap',
  };

  const form = cardForm({ class: 'card wide rules', 'aria-labelledby': 'h-asg-rules', id: 'asg-form' }, async (e) => {
    status.replaceChildren();
    // An empty reclaim-days field means "use the default days": it is left out.
    for (const input of form.querySelectorAll('input[data-optional]')) {
      if (input.value.trim() === '') input.dataset.skip = '1';
      else delete input.dataset.skip;
    }
    const numbers = [...form.querySelectorAll('input[type="number"]')].filter((i) => !i.dataset.skip);
    if (!validNumbers(numbers)) {
      status.replaceChildren(message('error', t('rulesInvalid')));
      return;
    }
    const next = { ...rules };
    delete next.version;
    next.skill_for_tier = {};
    for (const s of form.querySelectorAll('select[data-tier]')) if (s.value) next.skill_for_tier[s.dataset.tier] = s.value;
    next.region_match = regionMatch.checked;
    next.capacity = { enforce: enforce.checked, tier_a_tiers: tierA.value.split(/[,，\s]+/).filter(Boolean) };
    next.stability = { keep_current_rep: keep.checked, rebalance_tolerance: Number(tolerance.value) };
    next.closer = { purchase_stages: STAGES.filter((s) => document.getElementById('asg-stage-' + s).checked) };
    next.pool = { reclaim_days: {} };
    for (const input of form.querySelectorAll('input[data-tier]')) {
      if (!input.dataset.skip) next.pool.reclaim_days[input.dataset.tier] = Number(input.value);
    }
    for (const [key, input] of Object.entries(poolInputs)) next.pool[key] = Number(input.value);
    try {
      const v = await putRules('/v1/admin/assignment', rules, next);
      versionNote.textContent = t('version', { v });
      status.replaceChildren(message('info', t('rulesSaved', { v })));
    } catch (err) {
      if (err.status === 400 && serverFieldError(form, err)) {
        status.replaceChildren(message('error', t('rulesInvalid')));
      } else {
        status.replaceChildren(message('error', err.message));
      }
    }
  },
  h('h2', { id: 'h-asg-rules' }, t('asgRules')), versionNote, h('p', {}, t('asgRulesHelp')),
  h('div', { class: 'form-grid' },
    skillSelects,
    checkField(t('regionMatch'), regionMatch),
    checkField(t('enforceCapacity'), enforce),
    field(t('tierATiers'), tierA),
    checkField(t('keepRep'), keep),
    field(t('tolerance'), tolerance),
    stagesGroup,
    reclaimInputs,
    Object.entries(poolInputs).map(([key, input]) => field(t(labels[key]), input))),
  h('button', { type: 'submit', class: 'primary' }, t('saveRules')));

  // Dry run and apply.
  const territory = h('select', { id: 'plan-territory' },
    h('option', { value: '' }, t('allTerritories')),
    territories.map((x) => h('option', { value: x.id }, x.name || x.id)));
  const planBox = h('div', { id: 'plan-result' });
  const applyButton = h('button', { type: 'button', class: 'primary', id: 'plan-apply', disabled: true }, t('applyPlan'));
  const query = () => (territory.value ? '?territory=' + encodeURIComponent(territory.value) : '');
  function showPlan(plan, applied) {
    const moves = plan.moves || [];
    const unplaced = plan.unplaced || [];
    planBox.replaceChildren(
      message('info', applied ? t('planApplied', { n: moves.length })
        : moves.length ? t('planMoves', { n: moves.length, m: plan.customers_considered }) : t('noMoves')),
      moves.length ? h('div', { class: 'scroll' }, table([t('customer'), t('from'), t('to'), t('rule'), t('reasonCol')],
        moves.map((m) => [(m.name || m.customer) + ' (' + m.customer + ')', m.from || '—', m.to, m.rule, inLang(m.reason_text, m.reason)]))) : '',
      unplaced.length ? h('h3', {}, t('unplaced')) : '',
      unplaced.length ? h('div', { class: 'scroll' }, table([t('customer'), t('from'), t('rule'), t('reasonCol')],
        unplaced.map((u) => [(u.name || u.customer) + ' (' + u.customer + ')', u.from || '—', u.rule, inLang(u.reason_text, u.reason)]))) : '');
    applyButton.disabled = applied || !moves.length;
  }
  territory.addEventListener('change', () => {
    applyButton.disabled = true;
    planBox.replaceChildren();
  });
  applyButton.addEventListener('click', async () => {
    applyButton.disabled = true;
    try {
      showPlan(await post('/v1/admin/assignment/apply' + query()), true);
    } catch (err) {
      planBox.replaceChildren(message('error', err.message));
    }
  });
  const planCard = h('section', { class: 'card wide', 'aria-labelledby': 'h-plan' },
    h('h2', { id: 'h-plan' }, t('planTitle')), h('p', {}, t('planHelp')),
    h('form', {
      class: 'inline-form',
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          showPlan(await get('/v1/admin/assignment/plan' + query()), false);
        } catch (err) {
          planBox.replaceChildren(message('error', err.message));
        }
      },
    }, field(t('territory'), territory), h('button', { type: 'submit', id: 'plan-dry' }, t('dryRun')), applyButton),
    planBox);

  body.replaceChildren(status, h('div', { class: 'grid' }, form, planCard));
}
