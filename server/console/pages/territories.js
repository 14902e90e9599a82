// Territories & reps: the territories with their rep and customer counts, forms to move a customer
// to another rep (POST /v1/admin/customers/reassign) and to give a territory to a rep (POST
// /v1/admin/territories/assign); the reps' cards (reps.js): the reps with their profiles, adding a
// rep, a rep's profile and devices. Validation messages sit by the field.
import { api, get, post } from '../api.js';
import { cardForm, clearFieldErrors, field, fieldError, h, message, repSelect, serverFieldError, table } from '../dom.js';
import { addStrings, t } from '../i18n.js';
import { repCards } from './reps.js';

addStrings({
  en: {
    terrEditTitle: 'Create or edit a territory',
    terrWhich: 'Territory',
    terrNew: 'a new territory',
    terrName: 'Name',
    terrRegion: 'Region code (e.g. GD-GZ)',
    terrCity: 'City',
    terrRep: 'Rep (optional)',
    terrSave: 'Save territory',
    terrSaved: 'Territory {t} saved.',
    bulkTitle: 'Move customers by filter',
    bulkHelp: 'Every customer matching all the filters you fill in moves to the new rep. Check first: it lists who would move.',
    bulkFromRep: 'Now with',
    bulkTier: 'Tier',
    bulkCity: 'City',
    bulkCheck: 'Check',
    bulkMove: 'Move them',
    bulkWould: '{n} customers match; {k} would move.',
    bulkMoved: 'Moved {n} customers to {r}. Their devices follow at their next sync.',
    bulkNeedFilter: 'Fill in at least one filter.',
    anyone: 'anyone',
    bulkReason: 'Why they move (optional, for the audit log)',
  },
  zh: {
    terrEditTitle: '新建或编辑片区',
    terrWhich: '片区',
    terrNew: '新片区',
    terrName: '名称',
    terrRegion: '区域代码（如 GD-GZ）',
    terrCity: '城市',
    terrRep: '业务员（可选）',
    terrSave: '保存片区',
    terrSaved: '片区 {t} 已保存。',
    bulkTitle: '按条件批量转移客户',
    bulkHelp: '符合所有已填条件的客户都会转给新业务员。请先检查：会列出将被转移的客户。',
    bulkFromRep: '当前业务员',
    bulkTier: '等级',
    bulkCity: '城市',
    bulkCheck: '检查',
    bulkMove: '转移',
    bulkWould: '符合条件的客户 {n} 个，将转移 {k} 个。',
    bulkMoved: '已把 {n} 个客户转给 {r}，其设备将在下次同步时更新。',
    bulkNeedFilter: '请至少填写一个条件。',
    anyone: '任何人',
    bulkReason: '转移原因（可选，记入审计日志）',
  },
});

export async function renderTerritories(body, notice) {
  const [{ territories }, { reps }] = await Promise.all([
    get('/v1/admin/territories'), get('/v1/admin/reps')]);

  const status = h('div', { class: 'status' }, notice || null);
  const reload = (next) => renderTerritories(body, next);
  const customer = h('input', { id: 'move-customer', name: 'customer', autocomplete: 'off' });
  const toRep = repSelect(reps, 'move-rep');
  toRep.required = true;
  const reason = h('input', { id: 'move-reason', name: 'reason', maxlength: '2000' });
  const moveForm = h('form', {
    class: 'card', 'aria-labelledby': 'h-move', novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      fieldError(customer, customer.value.trim() ? '' : t('required'));
      fieldError(toRep, toRep.value ? '' : t('required'));
      if (!customer.value.trim() || !toRep.value) return;
      try {
        const body = { customer: customer.value.trim(), to: toRep.value };
        if (reason.value.trim()) body.reason = reason.value.trim();
        await post('/v1/admin/customers/reassign', body);
        status.replaceChildren(message('info', t('moved', { c: body.customer, r: body.to })));
        customer.value = '';
      } catch (err) {
        if (err.status === 404 && /customer/i.test(err.english)) fieldError(customer, err.message);
        else status.replaceChildren(message('error', err.message));
      }
    },
  },
  h('h2', { id: 'h-move' }, t('moveTitle')),
  field(t('customerId'), customer), field(t('toRep'), toRep), field(t('reason'), reason),
  h('button', { type: 'submit', class: 'primary' }, t('move')));

  const territory = h('select', { id: 'assign-territory', required: true },
    h('option', { value: '' }, '—'),
    territories.map((x) => h('option', { value: x.id }, (x.name || x.id))));
  const territoryRep = repSelect(reps, 'assign-rep');
  territoryRep.required = true;
  const assignForm = h('form', {
    class: 'card', 'aria-labelledby': 'h-assign', novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      fieldError(territory, territory.value ? '' : t('required'));
      fieldError(territoryRep, territoryRep.value ? '' : t('required'));
      if (!territory.value || !territoryRep.value) return;
      try {
        await post('/v1/admin/territories/assign', { territory: territory.value, rep: territoryRep.value });
        status.replaceChildren(message('info', t('assigned', { t: territory.value, r: territoryRep.value })));
      } catch (err) {
        status.replaceChildren(message('error', err.message));
      }
    },
  },
  h('h2', { id: 'h-assign' }, t('assignTitle')),
  field(t('territory'), territory), field(t('toRep'), territoryRep),
  h('button', { type: 'submit', class: 'primary' }, t('assign')));

  // Create or edit a territory.
  const which = h('select', { id: 'terr-which' }, h('option', { value: '' }, t('terrNew')),
    territories.map((x) => h('option', { value: x.id }, x.name || x.id)));
  const tName = h('input', { id: 'terr-name', 'data-path': 'name', maxlength: '200' });
  const tRegion = h('input', { id: 'terr-region', 'data-path': 'region', maxlength: '64' });
  const tCity = h('input', { id: 'terr-city', 'data-path': 'city', maxlength: '200' });
  const tRep = repSelect(reps, 'terr-rep');
  tRep.dataset.path = 'rep';
  which.addEventListener('change', () => {
    const x = territories.find((y) => y.id === which.value) || {};
    tName.value = x.name || '';
    tRegion.value = x.region || '';
    tCity.value = x.city || '';
    tRep.value = x.rep || '';
  });
  const terrForm = cardForm({ class: 'card', 'aria-labelledby': 'h-terr-edit' }, async (e) => {
    if (!which.value && !tName.value.trim()) {
      fieldError(tName, t('required'));
      return;
    }
    const body = { name: tName.value.trim(), region: tRegion.value.trim(), city: tCity.value.trim() };
    if (tRep.value) body.rep = tRep.value;
    try {
      const r = which.value ? await api('PUT', '/v1/admin/territories', { id: which.value, ...body })
        : await post('/v1/admin/territories', body);
      await reload(message('info', t('terrSaved', { t: body.name || r.id })));
    } catch (err) {
      if (!serverFieldError(terrForm, err)) status.replaceChildren(message('error', err.message));
    }
  },
  h('h2', { id: 'h-terr-edit' }, t('terrEditTitle')),
  field(t('terrWhich'), which), field(t('terrName'), tName), field(t('terrRegion'), tRegion),
  field(t('terrCity'), tCity), field(t('terrRep'), tRep),
  h('button', { type: 'submit', class: 'primary' }, t('terrSave')));

  // Move by filter.
  const bRep = h('select', { id: 'bulk-from' }, h('option', { value: '' }, t('anyone')),
    reps.filter((r) => r.role === 'rep').map((r) => h('option', { value: r.id }, (r.name || r.id) + ' (' + r.id + ')')));
  const bTerritory = h('select', { id: 'bulk-territory' }, h('option', { value: '' }, t('anyone')),
    territories.map((x) => h('option', { value: x.id }, x.name || x.id)));
  const bTier = h('input', { id: 'bulk-tier', maxlength: '32' });
  const bCity = h('input', { id: 'bulk-city', maxlength: '200' });
  const bTo = repSelect(reps, 'bulk-to');
  bTo.dataset.path = 'to';
  const bReason = h('input', { id: 'bulk-reason', maxlength: '2000' });
  const bResult = h('div', { id: 'bulk-result' });
  const bMove = h('button', { type: 'button', class: 'primary', id: 'bulk-move', disabled: true }, t('bulkMove'));
  const bulkBody = (dry) => {
    const filter = {};
    if (bRep.value) filter.rep = bRep.value;
    if (bTerritory.value) filter.territory = bTerritory.value;
    if (bTier.value.trim()) filter.tier = bTier.value.trim();
    if (bCity.value.trim()) filter.city = bCity.value.trim();
    const body = { filter, to: bTo.value, dry_run: dry };
    if (bReason.value.trim()) body.reason = bReason.value.trim();
    return body;
  };
  const bulkValid = () => {
    clearFieldErrors(bulkForm);
    const body = bulkBody(true);
    let ok = true;
    if (!Object.keys(body.filter).length) {
      fieldError(bRep, t('bulkNeedFilter'));
      ok = false;
    }
    if (!bTo.value) {
      fieldError(bTo, t('required'));
      ok = false;
    }
    return ok;
  };
  for (const input of [bRep, bTerritory, bTier, bCity, bTo]) {
    input.addEventListener('change', () => {
      bMove.disabled = true;
    });
  }
  bMove.addEventListener('click', async () => {
    if (!bulkValid()) return;
    bMove.disabled = true;
    try {
      const r = await post('/v1/admin/customers/move', bulkBody(false));
      bResult.replaceChildren(message('info', t('bulkMoved', { n: r.moved, r: r.to })));
    } catch (err) {
      bResult.replaceChildren(message('error', err.message));
    }
  });
  const bulkForm = h('form', {
    class: 'card wide', 'aria-labelledby': 'h-bulk', novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      if (!bulkValid()) return;
      try {
        const r = await post('/v1/admin/customers/move', bulkBody(true));
        const would = r.matched - r.skipped.length;
        bResult.replaceChildren(message('info', t('bulkWould', { n: r.matched, k: would })),
          r.customers.length ? h('div', { class: 'scroll' }, table([t('customer'), t('city'), t('rep'), t('tier')],
            r.customers.map((c) => [(c.name || c.id) + ' (' + c.id + ')', c.city, c.rep || '—', c.tier || '—']))) : '');
        bMove.disabled = would <= 0;
      } catch (err) {
        if (!serverFieldError(bulkForm, err)) bResult.replaceChildren(message('error', err.message));
      }
    },
  },
  h('h2', { id: 'h-bulk' }, t('bulkTitle')), h('p', {}, t('bulkHelp')),
  h('div', { class: 'form-grid' }, field(t('bulkFromRep'), bRep), field(t('territory'), bTerritory),
    field(t('bulkTier'), bTier), field(t('bulkCity'), bCity), field(t('toRep'), bTo), field(t('bulkReason'), bReason)),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('bulkCheck')), bMove), bResult);

  const repName = Object.fromEntries(reps.map((r) => [r.id, r.name || r.id]));
  body.replaceChildren(status, h('div', { class: 'grid' }, moveForm, assignForm, terrForm, bulkForm,
    h('section', { class: 'card wide', 'aria-labelledby': 'h-terr' },
      h('h2', { id: 'h-terr' }, t('territoriesTitle')),
      h('div', { class: 'scroll' }, table([t('territory'), t('region'), t('rep'), t('customers')],
        territories.map((x) => [x.name || x.id, x.region || '', repName[x.rep] || x.rep || '—', x.customers])))),
    ...(await repCards(reps, status, reload))));
}
