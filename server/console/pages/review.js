// Review: edits held after their customer moved to another rep (GET /v1/admin/conflicts), one
// per record with the garage's name, the current value and the held edit side by side; apply or
// dismiss (POST /v1/admin/conflicts/resolve). What reps dismissed from their devices' review lists
// (GET /v1/admin/review/dismissals): the garage, the rep, the values the server did not take and
// the rep's note, newest first. Possible duplicate garages (GET
// /v1/admin/duplicates) side by side: merge them into the one the manager keeps (POST
// /v1/admin/duplicates/merge) or mark them as two garages (POST /v1/admin/duplicates/distinct).
import { get, post } from '../api.js';
import { h, message } from '../dom.js';
import { addStrings, codeLabel, COLUMN_ENUMERATIONS, t } from '../i18n.js';

addStrings({
  en: {
    dupTitle: 'Possible duplicate garages',
    dupHelp: 'Two reps may have entered the same garage. Merge keeps the one you choose: the other\'s contacts, visits, orders, follow-ups and feedback move to it and the other is deleted. Both reps\' devices follow at their next sync.',
    noDuplicates: 'No possible duplicates.',
    dupReason: 'Why flagged',
    keepWhich: 'Which one stays?',
    keepThis: 'Keep {c}',
    merge: 'Merge',
    distinct: 'Not the same garage',
    merged: 'Merged {l} into {s}: {n} records moved. Both reps\' devices follow at their next sync.',
    markedDistinct: 'Kept as two garages.',
    records: 'Records',
    heldBy: 'Rep',
    dismissedTitle: 'Dismissed by reps',
    dismissedHelp: 'Changes the server refused or held that a rep let go on the device, with what was not taken and the rep\'s note.',
    noDismissals: 'No rep has dismissed anything.',
    dismissedBy: '{r} dismissed it at {t}',
    refusedValues: 'Not taken',
    repNote: 'Note',
  },
  zh: {
    dupTitle: '疑似重复的客户',
    dupHelp: '两位业务员可能录入了同一家修理厂。“合并”保留您选择的一方：另一方的联系人、拜访、订单、跟进任务和反馈都会转到保留方，另一方被删除。两位业务员的设备会在下次同步时更新。',
    noDuplicates: '没有疑似重复的客户。',
    dupReason: '标记原因',
    keepWhich: '保留哪一个？',
    keepThis: '保留 {c}',
    merge: '合并',
    distinct: '不是同一家',
    merged: '已把 {l} 合并到 {s}：转移了 {n} 条记录。两位业务员的设备会在下次同步时更新。',
    markedDistinct: '已保留为两家不同的客户。',
    records: '记录',
    heldBy: '业务员',
    dismissedTitle: '业务员已忽略的改动',
    dismissedHelp: '服务器拒绝或暂扣、业务员在设备上选择忽略的改动，包括未被接受的内容和业务员的备注。',
    noDismissals: '没有业务员忽略过改动。',
    dismissedBy: '{r} 于 {t} 忽略',
    refusedValues: '未被接受',
    repNote: '备注',
  },
});

// Tables and columns in words, [key, English, Chinese] ("tbl_customers", "col_phone").
const WORDS = [
  ['tbl_customers', 'Customer', '客户'],
  ['tbl_contacts', 'Contact', '联系人'],
  ['tbl_visits', 'Visit', '拜访'],
  ['tbl_orders', 'Order', '订单'],
  ['tbl_order_lines', 'Order line', '订单明细'],
  ['tbl_tasks', 'Follow-up', '跟进任务'],
  ['tbl_feedback', 'Feedback', '反馈'],
  ['tbl_customer_preferences', 'Preference', '偏好'],
  ['tbl_visit_checkins', 'Check-in', '签到'],
  ['col_name', 'Name', '名称'],
  ['col_name_latin', 'Name (Latin)', '拼音名'],
  ['col_customer_type', 'Type', '类型'],
  ['col_relationship', 'Relationship', '客户关系'],
  ['col_purchase_stage', 'Stage', '采购阶段'],
  ['col_region_class', 'Region', '区域'],
  ['col_phone', 'Phone', '电话'],
  ['col_primary_contact', 'Main contact', '主要联系人'],
  ['col_address', 'Address', '地址'],
  ['col_city', 'City', '城市'],
  ['col_province', 'Province', '省份'],
  ['col_country', 'Country', '国家'],
  ['col_tags', 'Tags', '标签'],
  ['col_notes', 'Notes', '备注'],
  ['col_birthday', 'Birthday', '生日'],
  ['col_lat', 'Latitude', '纬度'],
  ['col_lon', 'Longitude', '经度'],
  ['col_title', 'Title', '职务'],
  ['col_wechat', 'WeChat', '微信'],
  ['col_email', 'Email', '邮箱'],
  ['col_is_primary', 'Main contact', '主要联系人'],
  ['col_purpose', 'Purpose', '拜访目的'],
  ['col_outcome', 'Outcome', '拜访结果'],
  ['col_check_in', 'Check-in', '签到时间'],
  ['col_check_out', 'Check-out', '离店时间'],
  ['col_next_follow_up', 'Next follow-up', '下次跟进'],
  ['col_order_date', 'Order date', '订单日期'],
  ['col_amount_cents', 'Amount', '金额'],
  ['col_currency', 'Currency', '币种'],
  ['col_due_date', 'Due', '截止日期'],
  ['col_kind', 'Kind', '类别'],
  ['col_status', 'Status', '状态'],
  ['col_value', 'Value', '内容'],
  ['col_note', 'Note', '备注'],
  ['col_satisfaction', 'Satisfaction', '满意度'],
  ['col_complaint', 'Complaint', '投诉'],
  ['col_part_no', 'Part number', '零件号'],
  ['col_quantity', 'Quantity', '数量'],
  ['col_unit_price_cents', 'Unit price', '单价'],
  ['wholeRecord', 'the whole record', '整条记录'],
];
addStrings({
  en: Object.fromEntries(WORDS.map(([key, en]) => [key, en])),
  zh: Object.fromEntries(WORDS.map(([key, , zh]) => [key, zh])),
});

// A table's and a column's name in words ("customers", "phone" -> 客户 · 电话); a name without
// words is shown as it is.
function words(prefix, name) {
  const key = prefix + name;
  const text = t(key);
  return text === key ? String(name) : text;
}

// The enumeration a column's codes belong to: a preference's kind is not a follow-up's.
function enumerationOf(table, column) {
  return table === 'customer_preferences' && column === 'kind' ? 'pref' : COLUMN_ENUMERATIONS[column];
}

// A value as the manager reads it: a code by its label when its column holds codes ("purpose":
// "routine" -> 例行拜访, a preference's "payment_terms" -> 付款方式), an object (a record held
// whole) as one "column: value" line each, the column in words.
function show(value, table, column) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object') {
    return Object.entries(value).map(([k, v]) => words('col_', k) + ': ' + show(v, table, k)).join('\n');
  }
  const enumeration = enumerationOf(table, column);
  return enumeration ? codeLabel(enumeration, value) : String(value);
}

// "Customer · Phone" / "客户 · 电话": what a held edit changed, in words.
export function fieldText(table, column) {
  return words('tbl_', table) + ' · ' + (column && column !== '*' ? words('col_', column) : t('wholeRecord'));
}

function conflictList(conflicts, status) {
  if (!conflicts.length) return message('info', t('nothingToReview'));
  const list = h('ul', { class: 'review' });
  for (const c of conflicts) {
    const item = h('li', { class: 'card conflict', 'data-id': c.id });
    const resolve = async (action) => {
      for (const b of item.querySelectorAll('button')) b.disabled = true;
      try {
        await post('/v1/admin/conflicts/resolve', { id: c.id, action });
        item.remove();
        status.replaceChildren(message('info', action === 'apply' ? t('applied') : t('dismissed')));
        if (!list.children.length) list.replaceWith(message('info', t('nothingToReview')));
      } catch (err) {
        status.replaceChildren(message('error', err.message));
        for (const b of item.querySelectorAll('button')) b.disabled = false;
      }
    };
    const heading = (c.customer_name || c.customer) + (c.customer_name ? ' (' + c.customer + ')' : '');
    item.append(
      h('h3', {}, heading),
      h('p', { class: 'meta field-line' }, t('field') + ': ' + fieldText(c.table, c.column) + ' · ' + t('by') + ': ' +
        c.from_rep + ' · ' + t('rep') + ': ' + (c.owner_rep || '—')),
      h('div', { class: 'sides' },
        h('div', { class: 'side current' }, h('h4', {}, t('current')), h('pre', {}, show(c.current, c.table, c.column))),
        h('div', { class: 'side diverted' }, h('h4', {}, t('diverted')), h('pre', {}, show(c.value, c.table, c.column)))),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'primary', onclick: () => resolve('apply') }, t('apply')),
        h('button', { type: 'button', onclick: () => resolve('dismiss') }, t('dismiss'))));
    list.append(item);
  }
  return list;
}

function sideCard(side, name, checked) {
  const id = 'keep-' + side.id;
  const records = Object.entries(side.records || {}).filter(([, n]) => n).map(([k, n]) => k + ' ' + n).join(', ');
  return h('div', { class: 'side dup-side', 'data-customer': side.id },
    h('div', { class: 'field check' },
      h('input', { type: 'radio', name, id, value: side.id, checked }),
      h('label', { for: id }, t('keepThis', { c: side.name || side.id }))),
    h('dl', { class: 'archive' },
      h('dt', {}, t('customerId')), h('dd', {}, h('a', { href: '#/customers/' + encodeURIComponent(side.id) }, side.id)),
      h('dt', {}, t('city')), h('dd', {}, side.city || '—'),
      h('dt', {}, t('phone')), h('dd', {}, side.phone || '—'),
      h('dt', {}, t('address')), h('dd', {}, side.address || '—'),
      h('dt', {}, t('heldBy')), h('dd', {}, side.rep || '—'),
      h('dt', {}, t('tier')), h('dd', {}, side.tier || '—'),
      h('dt', {}, t('records')), h('dd', {}, records || '—')));
}

function duplicateList(cases, status) {
  if (!cases.length) return message('info', t('noDuplicates'));
  const list = h('ul', { class: 'review' });
  cases.forEach((c, i) => {
    const name = 'dup-' + i;
    const item = h('li', { class: 'card duplicate', 'data-a': c.a.id, 'data-b': c.b.id });
    const buttons = () => item.querySelectorAll('button');
    const act = async (merge) => {
      for (const b of buttons()) b.disabled = true;
      try {
        if (merge) {
          const survivor = item.querySelector(`input[name="${name}"]:checked`).value;
          const loser = survivor === c.a.id ? c.b : c.a;
          const r = await post('/v1/admin/duplicates/merge', { survivor, loser: loser.id });
          const moved = Object.values(r.moved || {}).reduce((x, y) => x + y, 0);
          status.replaceChildren(message('info', t('merged', { l: loser.name || loser.id, s: survivor, n: moved })));
        } else {
          await post('/v1/admin/duplicates/distinct', { a: c.a.id, b: c.b.id });
          status.replaceChildren(message('info', t('markedDistinct')));
        }
        item.remove();
        if (!list.children.length) list.replaceWith(message('info', t('noDuplicates')));
      } catch (err) {
        status.replaceChildren(message('error', err.message));
        for (const b of buttons()) b.disabled = false;
      }
    };
    item.append(
      h('h3', {}, (c.a.name || c.a.id) + ' · ' + (c.b.name || c.b.id)),
      h('p', { class: 'meta' }, t('dupReason') + ': ' + c.reason),
      h('fieldset', { class: 'sides' }, h('legend', {}, t('keepWhich')), sideCard(c.a, name, true), sideCard(c.b, name, false)),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'primary', onclick: () => act(true) }, t('merge')),
        h('button', { type: 'button', onclick: () => act(false) }, t('distinct'))));
    list.append(item);
  });
  return list;
}

function dismissalList(dismissals) {
  if (!dismissals.length) return message('info', t('noDismissals'));
  const list = h('ul', { class: 'review' });
  for (const d of dismissals) {
    const heading = (d.customer_name || d.customer) + (d.customer_name ? ' (' + d.customer + ')' : '');
    list.append(h('li', { class: 'card dismissal', 'data-id': d.id },
      h('h3', {}, heading),
      h('p', { class: 'meta' }, t('dismissedBy', { r: d.rep, t: d.dismissed_at }) + ' · ' + words('tbl_', d.table) + ' · ' + d.code),
      h('div', { class: 'side diverted' }, h('h4', {}, t('refusedValues')), h('pre', {}, show(d.refused, d.table))),
      h('p', { class: 'note' }, t('repNote') + ': ' + (d.note || '—'))));
  }
  return list;
}

export async function renderReview(body) {
  const [data, dups, dismissed] = await Promise.all([get('/v1/admin/conflicts'),
    get('/v1/admin/duplicates'), get('/v1/admin/review/dismissals')]);
  const status = h('div', { class: 'status', id: 'review-status' });
  body.replaceChildren(status,
    h('section', { 'aria-labelledby': 'h-conflicts' },
      h('h2', { id: 'h-conflicts' }, t('reviewTitle')), h('p', {}, t('reviewHelp')),
      conflictList(data.conflicts || [], status)),
    h('section', { 'aria-labelledby': 'h-dismissed' },
      h('h2', { id: 'h-dismissed' }, t('dismissedTitle')), h('p', {}, t('dismissedHelp')),
      dismissalList(dismissed.dismissals || [])),
    h('section', { 'aria-labelledby': 'h-dups' },
      h('h2', { id: 'h-dups' }, t('dupTitle')), h('p', {}, t('dupHelp')),
      duplicateList(dups.duplicates || [], status)));
}
