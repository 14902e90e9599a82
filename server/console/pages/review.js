// Review: edits held after their customer moved to another rep (GET /v1/admin/conflicts), one
// per record with the garage's name, the current value and the held edit side by side; apply or
// dismiss (POST /v1/admin/conflicts/resolve).
import { get, post } from '../api.js';
import { h, message } from '../dom.js';
import { t } from '../i18n.js';

function show(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object') {
    return Object.entries(value).map(([k, v]) => k + ': ' + (v === null ? '—' : String(v))).join('\n');
  }
  return String(value);
}

export async function renderReview(body) {
  const data = await get('/v1/admin/conflicts');
  const conflicts = data.conflicts || [];
  const status = h('div', { class: 'status' });
  if (!conflicts.length) {
    body.replaceChildren(h('p', {}, t('reviewHelp')), message('info', t('nothingToReview')));
    return;
  }
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
      h('h2', {}, heading),
      h('p', { class: 'meta' }, t('field') + ': ' + c.table + '.' + c.column + ' · ' + t('by') + ': ' +
        c.from_rep + ' · ' + t('rep') + ': ' + (c.owner_rep || '—')),
      h('div', { class: 'sides' },
        h('div', { class: 'side current' }, h('h3', {}, t('current')), h('pre', {}, show(c.current))),
        h('div', { class: 'side diverted' }, h('h3', {}, t('diverted')), h('pre', {}, show(c.value)))),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'primary', onclick: () => resolve('apply') }, t('apply')),
        h('button', { type: 'button', onclick: () => resolve('dismiss') }, t('dismiss'))));
    list.append(item);
  }
  body.replaceChildren(h('p', {}, t('reviewHelp')), status, list);
}
