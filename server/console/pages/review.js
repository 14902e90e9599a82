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

// A value as the manager reads it: a code by its label when its column holds codes ("purpose":
// "routine" -> 例行拜访), an object as one "column: value" line each.
function show(value, column) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object') {
    return Object.entries(value).map(([k, v]) => k + ': ' + show(v, k)).join('\n');
  }
  const enumeration = COLUMN_ENUMERATIONS[column];
  return enumeration ? codeLabel(enumeration, value) : String(value);
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
      h('p', { class: 'meta' }, t('field') + ': ' + c.table + '.' + c.column + ' · ' + t('by') + ': ' +
        c.from_rep + ' · ' + t('rep') + ': ' + (c.owner_rep || '—')),
      h('div', { class: 'sides' },
        h('div', { class: 'side current' }, h('h4', {}, t('current')), h('pre', {}, show(c.current, c.column))),
        h('div', { class: 'side diverted' }, h('h4', {}, t('diverted')), h('pre', {}, show(c.value, c.column)))),
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
      h('p', { class: 'meta' }, t('dismissedBy', { r: d.rep, t: d.dismissed_at }) + ' · ' + d.table + ' · ' + d.code),
      h('div', { class: 'side diverted' }, h('h4', {}, t('refusedValues')), h('pre', {}, show(d.refused))),
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
