// Territories & reps: the territories with their rep and customer counts, forms to move a customer
// to another rep (POST /v1/admin/customers/reassign) and to give a territory to a rep (POST
// /v1/admin/territories/assign); the reps' cards (reps.js): the reps with their profiles, adding a
// rep, a rep's profile and devices. Validation messages sit by the field.
import { get, post } from '../api.js';
import { field, fieldError, h, message, repSelect, table } from '../dom.js';
import { t } from '../i18n.js';
import { repCards } from './reps.js';

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
        if (err.status === 404 && /customer/i.test(err.message)) fieldError(customer, err.message);
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

  const repName = Object.fromEntries(reps.map((r) => [r.id, r.name || r.id]));
  body.replaceChildren(status, h('div', { class: 'grid' }, moveForm, assignForm,
    h('section', { class: 'card wide', 'aria-labelledby': 'h-terr' },
      h('h2', { id: 'h-terr' }, t('territoriesTitle')),
      h('div', { class: 'scroll' }, table([t('territory'), t('region'), t('rep'), t('customers')],
        territories.map((x) => [x.name || x.id, x.region || '', repName[x.rep] || x.rep || '—', x.customers])))),
    ...(await repCards(reps, status, reload))));
}
