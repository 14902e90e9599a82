// Customers: search with filters (GET /v1/admin/customers), a customer's full archive (GET
// /v1/admin/customers/archive?id=C: contacts, tasks, visits, orders, feedback, the grade with its
// reasons and its history) and the fields managers own: the rep (POST /v1/admin/customers/reassign)
// and the territory (POST /v1/admin/customers/territory). #/customers/<id> opens one archive.
import { get, post } from '../api.js';
import { cardForm, field, fieldError, h, message, repSelect, table } from '../dom.js';
import { addStrings, codeLabel, inLang, t } from '../i18n.js';

addStrings({
  en: {
    search: 'Search',
    searchText: 'Name, phone or id',
    anyRepFilter: 'any rep',
    anyTerritory: 'any territory',
    anyTier: 'any tier',
    noRep: 'nobody (pool)',
    noTerritory: 'no territory',
    cityFilter: 'City',
    found: '{n} customers match.',
    more: 'Show more',
    open: 'Open',
    openCustomer: 'Open {c}',
    archiveOf: 'Customer: {c}',
    back: 'Back to the list',
    phone: 'Phone',
    ownerFields: 'Fields managers own',
    saveOwner: 'Move to this rep',
    saveTerritory: 'Set territory',
    territorySet: 'Territory of {c} is now {t}.',
    contacts: 'Contacts',
    tasks: 'Follow-ups',
    visits: 'Visits',
    orders: 'Orders',
    order_lines: 'Order lines',
    feedback: 'Feedback',
    grade: 'Grade',
    gradeHistory: 'Grade history',
    gradedAt: 'Graded',
    shownOf: 'the latest {n} of {m}',
    inPool: 'in the public pool',
    date: 'Date',
    amount: 'Amount',
    notes: 'Notes',
    jobTitle: 'Title',
    satisfaction: 'Satisfaction',
    complaint: 'Complaint',
    due: 'Due',
    status: 'Status',
    purpose: 'Purpose',
    outcome: 'Outcome',
    details: 'Details',
    deletedMark: '(deleted)',
    voided: 'voids {v}',
    f_name: 'Name', f_name_latin: 'Name (Latin)', f_customer_type: 'Type', f_relationship: 'Relationship',
    f_purchase_stage: 'Stage', f_phone: 'Phone', f_primary_contact: 'Main contact', f_address: 'Address',
    f_city: 'City', f_province: 'Province', f_tags: 'Tags', f_notes: 'Notes', f_created_at: 'Added',
    f_owner_rep_id: 'Rep', f_territory_id: 'Territory',
  },
  zh: {
    search: '搜索',
    searchText: '名称、电话或编号',
    anyRepFilter: '全部业务员',
    anyTerritory: '全部片区',
    anyTier: '全部等级',
    noRep: '无人（公海）',
    noTerritory: '无片区',
    cityFilter: '城市',
    found: '共 {n} 个客户。',
    more: '显示更多',
    open: '打开',
    openCustomer: '打开 {c}',
    archiveOf: '客户：{c}',
    back: '返回列表',
    phone: '电话',
    ownerFields: '管理员负责的字段',
    saveOwner: '转给该业务员',
    saveTerritory: '设置片区',
    territorySet: '{c} 的片区已改为 {t}。',
    contacts: '联系人',
    tasks: '跟进任务',
    visits: '拜访',
    orders: '订单',
    order_lines: '订单明细',
    feedback: '客户反馈',
    grade: '等级',
    gradeHistory: '等级历史',
    gradedAt: '分级时间',
    shownOf: '最近 {n} 条，共 {m} 条',
    inPool: '在公海中',
    date: '日期',
    amount: '金额',
    notes: '备注',
    jobTitle: '职务',
    satisfaction: '满意度',
    complaint: '投诉',
    due: '到期',
    status: '状态',
    purpose: '目的',
    outcome: '结果',
    details: '详情',
    deletedMark: '（已删除）',
    voided: '冲销 {v}',
    f_name: '名称', f_name_latin: '拼音名', f_customer_type: '类型', f_relationship: '客户关系',
    f_purchase_stage: '采购阶段', f_phone: '电话', f_primary_contact: '主要联系人', f_address: '地址',
    f_city: '城市', f_province: '省份', f_tags: '标签', f_notes: '备注', f_created_at: '添加时间',
    f_owner_rep_id: '业务员', f_territory_id: '片区',
  },
});

const PAGE = 50;
const yuan = (cents) => (cents === null || cents === undefined ? '' : '¥' + (cents / 100).toFixed(2));

function recordTable(name, rows) {
  const mark = (r) => (r.deleted ? ' ' + t('deletedMark') : '');
  const voids = (r) => (r.voids_id ? ' · ' + t('voided', { v: r.voids_id }) : '');
  switch (name) {
    case 'contacts':
      return table([t('name'), t('jobTitle'), t('phone'), t('notes')],
        rows.map((r) => [(r.name || '') + mark(r), r.title || '', r.phone || '', r.notes || '']));
    case 'tasks':
      return table([t('due'), t('jobTitle'), t('status'), t('rep')],
        rows.map((r) => [r.due_date || '', (r.title || codeLabel('task_kind', r.kind)) + mark(r),
          codeLabel('task_status', r.status), r.rep_id || '']));
    case 'visits':
      return table([t('date'), t('rep'), t('purpose'), t('outcome'), t('notes')],
        rows.map((r) => [r.check_in || '', r.rep_id || '', codeLabel('purpose', r.purpose), codeLabel('outcome', r.outcome),
          (r.notes || '') + voids(r)]));
    case 'orders':
      return table([t('date'), t('rep'), t('amount'), t('notes')],
        rows.map((r) => [r.order_date || '', r.rep_id || '', yuan(r.amount_cents), (r.notes || '') + voids(r)]));
    case 'feedback':
      return table([t('date'), t('rep'), t('satisfaction'), t('complaint')],
        rows.map((r) => [r.created_at || '', r.rep_id || '', r.satisfaction ?? '', (r.complaint || '') + voids(r)]));
    default:
      return table([t('id'), t('details')], rows.map((r) => [r.id, JSON.stringify(r)]));
  }
}

async function renderArchive(body, id, reps, territories) {
  const a = await get('/v1/admin/customers/archive?id=' + encodeURIComponent(id));
  const c = a.customer;
  const status = h('div', { class: 'status', id: 'archive-status' });
  const label = c.name || c.id;

  const toRep = repSelect(reps, 'archive-rep');
  toRep.value = a.rep || '';
  const reason = h('input', { id: 'archive-reason', maxlength: '2000' });
  const territory = h('select', { id: 'archive-territory' },
    h('option', { value: '' }, t('noTerritory')),
    territories.map((x) => h('option', { value: x.id }, (x.name || x.id) + (x.region ? ' · ' + x.region : ''))));
  territory.value = c.territory_id || '';
  const ownerForm = cardForm({ class: 'card', 'aria-labelledby': 'h-owner' }, async (e) => {
    const why = reason.value.trim() || undefined;
    try {
      if (e.submitter && e.submitter.id === 'archive-save-territory') {
        await post('/v1/admin/customers/territory', { customer: c.id, territory: territory.value, reason: why });
        status.replaceChildren(message('info', t('territorySet', { c: label, t: territory.value || '—' })));
      } else {
        if (!toRep.value) {
          fieldError(toRep, t('required'));
          return;
        }
        await post('/v1/admin/customers/reassign', { customer: c.id, to: toRep.value, reason: why });
        status.replaceChildren(message('info', t('moved', { c: label, r: toRep.value })));
      }
    } catch (err) {
      status.replaceChildren(message('error', err.message));
    }
  },
  h('h2', { id: 'h-owner' }, t('ownerFields')),
  a.pooled ? message('info', t('inPool')) : '',
  field(t('rep'), toRep), field(t('territory'), territory), field(t('reason'), reason),
  h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'primary', id: 'archive-save-rep', disabled: a.pooled }, t('saveOwner')),
    h('button', { type: 'submit', id: 'archive-save-territory' }, t('saveTerritory'))));

  // Codes by their labels ("garage" -> 汽修厂).
  const shownFact = (k, v) => ({ customer_type: codeLabel('type', v), relationship: codeLabel('relationship', v),
    purchase_stage: codeLabel('stage', v) })[k] ?? String(v);
  const facts = [['name', c.name], ['name_latin', c.name_latin], ['customer_type', c.customer_type],
    ['relationship', c.relationship], ['purchase_stage', c.purchase_stage], ['phone', c.phone],
    ['primary_contact', c.primary_contact], ['address', c.address], ['city', c.city],
    ['province', c.province], ['tags', c.tags], ['notes', c.notes], ['created_at', c.created_at],
    ['owner_rep_id', c.owner_rep_id], ['territory_id', c.territory_id]].filter(([, v]) => v !== null && v !== '' && v !== undefined);
  const summary = h('section', { class: 'card', 'aria-labelledby': 'h-summary' },
    h('h2', { id: 'h-summary' }, c.id),
    h('dl', { class: 'archive' }, facts.flatMap(([k, v]) => [h('dt', {}, t('f_' + k)), h('dd', {}, shownFact(k, v))])));

  const reasons = (a.grade_reasons && a.grade_reasons.reasons) || [];
  const gradeCard = h('section', { class: 'card', 'aria-labelledby': 'h-grade' },
    h('h2', { id: 'h-grade' }, t('grade') + ': ' + (c.grade_tier || t('notGraded'))),
    c.graded_at ? h('p', { class: 'meta' }, t('gradedAt') + ': ' + c.graded_at + ' · R' + (c.grade_recency ?? '-') +
      ' F' + (c.grade_frequency ?? '-') + ' M' + (c.grade_monetary ?? '-') + ' · ' + codeLabel('lifecycle', c.grade_lifecycle)) : '',
    reasons.length ? table([t('rule'), t('reasons')],
      reasons.map((r) => [inLang(r.rule_text, r.rule), inLang(r.text, r.detail)])) : message('info', t('none')));

  const history = a.grade_history || [];
  const historyCard = h('section', { class: 'card wide', 'aria-labelledby': 'h-history' },
    h('h2', { id: 'h-history' }, t('gradeHistory')),
    history.length ? h('div', { class: 'scroll' }, table([t('run'), t('date'), t('tier'), 'R', 'F', 'M', t('lifecycle')],
      history.map((g) => [g.run, g.today, g.tier, g.recency, g.frequency, g.monetary, codeLabel('lifecycle', g.lifecycle)]))) : message('info', t('none')));

  const recordCards = ['contacts', 'tasks', 'visits', 'orders', 'feedback'].map((name) => {
    const rows = a.records[name] || [];
    const total = a.totals[name] || 0;
    return h('section', { class: 'card wide', 'aria-labelledby': 'h-rec-' + name },
      h('h2', { id: 'h-rec-' + name }, t(name) + ' (' + total + ')'),
      total > rows.length ? h('p', { class: 'meta' }, t('shownOf', { n: rows.length, m: total })) : '',
      rows.length ? h('div', { class: 'scroll' }, recordTable(name, rows)) : message('info', t('none')));
  });

  body.replaceChildren(
    h('p', {}, h('a', { href: '#/customers' }, t('back'))),
    h('h2', { class: 'archive-title' }, t('archiveOf', { c: label })),
    status,
    h('div', { class: 'grid' }, summary, gradeCard, ownerForm, historyCard, recordCards));
}

export async function renderCustomers(body) {
  const [{ territories }, { reps }, grading] = await Promise.all([
    get('/v1/admin/territories'), get('/v1/admin/reps'), get('/v1/admin/grading')]);
  const id = decodeURIComponent((location.hash.match(/^#\/customers\/(.+)$/) || [])[1] || '');
  if (id) {
    await renderArchive(body, id, reps, territories);
    return;
  }
  const q = h('input', { id: 'cust-q', type: 'search', autocomplete: 'off' });
  const rep = h('select', { id: 'cust-rep' }, h('option', { value: '' }, t('anyRepFilter')), h('option', { value: '-' }, t('noRep')),
    reps.filter((r) => r.role === 'rep').map((r) => h('option', { value: r.id }, (r.name || r.id) + ' (' + r.id + ')')));
  const territory = h('select', { id: 'cust-territory' }, h('option', { value: '' }, t('anyTerritory')),
    h('option', { value: '-' }, t('noTerritory')), territories.map((x) => h('option', { value: x.id }, x.name || x.id)));
  const tiers = [...(grading.tiers || []).map((x) => x.name)];
  if (grading.vip && grading.vip.tier) tiers.unshift(grading.vip.tier);
  const tier = h('select', { id: 'cust-tier' }, h('option', { value: '' }, t('anyTier')),
    h('option', { value: '-' }, t('notGraded')), tiers.map((x) => h('option', { value: x }, x)));
  const city = h('input', { id: 'cust-city', autocomplete: 'off' });
  const results = h('div', { id: 'cust-results' });
  const repName = Object.fromEntries(reps.map((r) => [r.id, r.name || r.id]));
  const territoryName = Object.fromEntries(territories.map((x) => [x.id, x.name || x.id]));
  let offset = 0;
  let rows = [];

  async function search(more) {
    offset = more ? offset + PAGE : 0;
    const params = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    for (const [k, input] of [['q', q], ['rep', rep], ['territory', territory], ['tier', tier], ['city', city]]) {
      if (input.value.trim()) params.set(k, input.value.trim());
    }
    const data = await get('/v1/admin/customers?' + params);
    rows = more ? rows.concat(data.customers) : data.customers;
    const tableRows = rows.map((c) => [
      h('a', { href: '#/customers/' + encodeURIComponent(c.id), 'aria-label': t('openCustomer', { c: c.name || c.id }) }, c.name || c.id),
      c.city, c.phone, c.pooled ? t('inPool') : repName[c.rep] || c.rep || '—', territoryName[c.territory] || c.territory || '—',
      c.tier || '—', codeLabel('lifecycle', c.lifecycle)]);
    results.replaceChildren(message('info', t('found', { n: data.total })),
      rows.length ? h('div', { class: 'scroll' }, table([t('customer'), t('city'), t('phone'), t('rep'), t('territory'), t('tier'), t('lifecycle')], tableRows)) : '',
      rows.length < data.total ? h('button', { type: 'button', id: 'cust-more', onclick: () => search(true).catch(showError) }, t('more')) : '');
  }
  const showError = (err) => results.replaceChildren(message('error', err.message));
  const form = h('form', {
    class: 'card wide', role: 'search', 'aria-label': t('search'),
    onsubmit: (e) => {
      e.preventDefault();
      search(false).catch(showError);
    },
  }, h('div', { class: 'inline-form' }, field(t('searchText'), q), field(t('rep'), rep), field(t('territory'), territory),
    field(t('tier'), tier), field(t('cityFilter'), city), h('button', { type: 'submit', class: 'primary' }, t('search'))));
  body.replaceChildren(h('div', { class: 'grid' }, form, h('section', { class: 'card wide' }, results)));
  await search(false);
  q.focus();
}
