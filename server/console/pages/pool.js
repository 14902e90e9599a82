// Public pool (公海): the pooled customers by region (GET /v1/admin/pool?region=R), each assignable
// to a rep (POST /v1/admin/pool/assign); releasing a held customer into the pool (POST
// /v1/admin/pool/release); the reclaim's dry run and the reclaim itself (POST
// /v1/admin/pool/reclaim[?dry_run=1]); the pool's audit (GET /v1/admin/pool/audit).
import { get, post } from '../api.js';
import { cardForm, field, fieldError, h, message, repSelect, table, when } from '../dom.js';
import { addStrings, inLang, t } from '../i18n.js';

addStrings({
  en: {
    poolList: 'Customers in the pool',
    poolRegion: 'Region',
    allRegions: 'all regions',
    show: 'Show',
    poolEmpty: 'The pool is empty.',
    poolTruncated: 'Only the first 5,000 are shown: choose a region.',
    since: 'Since',
    kind: 'How it came',
    fromRep: 'Left by',
    city: 'City',
    assignTo: 'Give to',
    assignCustomerTo: 'Give {c} to',
    poolAssigned: '{c} now belongs to {r}. Their device receives it at its next sync.',
    poolRelease: 'Release a customer into the pool',
    releaseReason: 'Reason',
    release: 'Release',
    released: '{c} is in the pool now.',
    reclaimTitle: 'Reclaim of quiet customers',
    reclaimHelp: 'Customers with no visit or order for their tier\'s days go back to the pool. The dry run shows who would, without changing anything.',
    reclaimDry: 'Dry run',
    reclaimNow: 'Reclaim now',
    reclaimWould: 'Would reclaim {n} of {m} customers checked.',
    reclaimDone: 'Reclaimed {n} of {m} customers checked.',
    reclaimWaiting: 'Waiting for the rep\'s device to sync: {n}.',
    deadline: 'Deadline',
    lastActivity: 'Last activity',
    poolAudit: 'Pool audit',
    auditCustomer: 'Customer id (optional)',
    at: 'When',
    action: 'Action',
    actor: 'Actor',
  },
  zh: {
    poolList: '公海客户',
    poolRegion: '区域',
    allRegions: '全部区域',
    show: '查看',
    poolEmpty: '公海中没有客户。',
    poolTruncated: '只显示前 5000 个：请选择区域。',
    since: '进入时间',
    kind: '来源',
    fromRep: '原业务员',
    city: '城市',
    assignTo: '分配给',
    assignCustomerTo: '把 {c} 分配给',
    poolAssigned: '{c} 已分配给 {r}，其设备将在下次同步时收到。',
    poolRelease: '把客户放入公海',
    releaseReason: '原因',
    release: '放入公海',
    released: '{c} 已进入公海。',
    reclaimTitle: '回收长期未跟进的客户',
    reclaimHelp: '超过所在等级天数没有拜访或订单的客户会回到公海。试运行只显示结果，不做任何修改。',
    reclaimDry: '试运行',
    reclaimNow: '立即回收',
    reclaimWould: '检查了 {m} 个客户，将回收 {n} 个。',
    reclaimDone: '检查了 {m} 个客户，已回收 {n} 个。',
    reclaimWaiting: '等待业务员设备同步：{n} 个。',
    deadline: '截止日期',
    lastActivity: '最近跟进',
    poolAudit: '公海记录',
    auditCustomer: '客户编号（可选）',
    at: '时间',
    action: '操作',
    actor: '操作人',
  },
});

function clocks(list) {
  return table([t('customer'), t('rep'), t('tier'), t('lastActivity'), t('deadline'), t('reasonCol')],
    list.map((c) => [(c.name || c.id) + ' (' + c.id + ')', c.rep, c.tier || '—', c.last_activity || '—',
      c.deadline, inLang(c.reason_text, c.reason || '')]));
}

export async function renderPool(body) {
  const [{ territories }, { reps }] = await Promise.all([
    get('/v1/admin/territories'), get('/v1/admin/reps')]);
  const status = h('div', { class: 'status' });
  const regions = [...new Set(territories.map((x) => x.region).filter(Boolean))].sort();
  const region = h('select', { id: 'pool-region' },
    h('option', { value: '' }, t('allRegions')), regions.map((r) => h('option', { value: r }, r)));
  const listBox = h('div', { class: 'scroll', id: 'pool-list' });

  async function loadPool() {
    const data = await get('/v1/admin/pool' + (region.value ? '?region=' + encodeURIComponent(region.value) : ''));
    const pool = data.pool || [];
    if (!pool.length) {
      listBox.replaceChildren(message('info', t('poolEmpty')));
      return;
    }
    const rows = pool.map((c) => {
      const label = c.name || c.id;
      const to = repSelect(reps, 'pool-to-' + c.id);
      to.setAttribute('aria-label', t('assignCustomerTo', { c: label }));
      const give = h('button', {
        type: 'button',
        onclick: async () => {
          if (!to.value) {
            to.focus();
            return;
          }
          give.disabled = true;
          try {
            await post('/v1/admin/pool/assign', { customer: c.id, rep: to.value });
            status.replaceChildren(message('info', t('poolAssigned', { c: label, r: to.value })));
            await loadPool();
            await loadAudit();
          } catch (err) {
            status.replaceChildren(message('error', err.message));
            give.disabled = false;
          }
        },
      }, t('assign'));
      return [label + ' (' + c.id + ')', c.city || '', c.region || '—', c.tier || '—', when(c.since),
        c.kind, inLang(c.reason_text, c.reason || ''), c.from_rep || '—', h('span', { class: 'inline' }, to, give)];
    });
    listBox.replaceChildren(
      data.truncated ? message('info', t('poolTruncated')) : '',
      table([t('customer'), t('city'), t('poolRegion'), t('tier'), t('since'), t('kind'), t('reasonCol'),
        t('fromRep'), t('assignTo')], rows));
  }

  // A card listing what load() puts into `box`, with one filter field and a Show button.
  const listCardOf = (id, title, label, input, load, box) => h('section', { class: 'card wide', 'aria-labelledby': id },
    h('h2', { id }, title),
    h('form', {
      class: 'inline-form',
      onsubmit: async (e) => {
        e.preventDefault();
        await load().catch((err) => status.replaceChildren(message('error', err.message)));
      },
    }, field(label, input), h('button', { type: 'submit' }, t('show'))),
    box);
  const listCard = listCardOf('h-pool', t('poolList'), t('poolRegion'), region, loadPool, listBox);

  // Release.
  const relCustomer = h('input', { id: 'release-customer', autocomplete: 'off' });
  const relReason = h('input', { id: 'release-reason', maxlength: '2000' });
  const releaseForm = cardForm({ class: 'card', 'aria-labelledby': 'h-release' }, async (e) => {
    if (!relCustomer.value.trim()) fieldError(relCustomer, t('required'));
    if (!relReason.value.trim()) fieldError(relReason, t('required'));
    if (!relCustomer.value.trim() || !relReason.value.trim()) return;
    try {
      await post('/v1/admin/pool/release', { customer: relCustomer.value.trim(), reason: relReason.value.trim() });
      status.replaceChildren(message('info', t('released', { c: relCustomer.value.trim() })));
      relCustomer.value = '';
      relReason.value = '';
      await loadPool();
      await loadAudit();
    } catch (err) {
      if (err.status === 404) fieldError(relCustomer, err.message);
      else status.replaceChildren(message('error', err.message));
    }
  },
  h('h2', { id: 'h-release' }, t('poolRelease')),
  field(t('customerId'), relCustomer), field(t('releaseReason'), relReason),
  h('button', { type: 'submit', class: 'primary' }, t('release')));

  // Reclaim.
  const reclaimBox = h('div', { id: 'reclaim-result' });
  async function reclaim(dry) {
    try {
      const r = await post('/v1/admin/pool/reclaim' + (dry ? '?dry_run=1' : ''));
      reclaimBox.replaceChildren(
        message('info', t(dry ? 'reclaimWould' : 'reclaimDone', { n: r.reclaimed.length, m: r.checked })),
        r.reclaimed.length ? h('div', { class: 'scroll' }, clocks(r.reclaimed)) : '',
        r.waiting.length ? h('p', {}, t('reclaimWaiting', { n: r.waiting.length })) : '',
        r.waiting.length ? h('div', { class: 'scroll' }, clocks(r.waiting)) : '');
      if (!dry) {
        await loadPool();
        await loadAudit();
      }
    } catch (err) {
      reclaimBox.replaceChildren(message('error', err.message));
    }
  }
  const reclaimCard = h('section', { class: 'card', 'aria-labelledby': 'h-reclaim' },
    h('h2', { id: 'h-reclaim' }, t('reclaimTitle')),
    h('p', {}, t('reclaimHelp')),
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'reclaim-dry', onclick: () => reclaim(true) }, t('reclaimDry')),
      h('button', { type: 'button', class: 'primary', id: 'reclaim-now', onclick: () => reclaim(false) }, t('reclaimNow'))),
    reclaimBox);

  // Audit.
  const auditCustomer = h('input', { id: 'audit-customer', autocomplete: 'off' });
  const auditBox = h('div', { class: 'scroll', id: 'pool-audit' });
  async function loadAudit() {
    const q = auditCustomer.value.trim();
    const { audit } = await get('/v1/admin/pool/audit?limit=100' + (q ? '&customer=' + encodeURIComponent(q) : ''));
    auditBox.replaceChildren(audit.length ? table([t('at'), t('customer'), t('action'), t('rep'), t('actor'), t('reasonCol')],
      audit.map((a) => [when(a.at), a.customer, a.action, a.rep || '—', a.actor, inLang(a.reason_text, a.reason || '')])) : message('info', t('none')));
  }
  const auditCard = listCardOf('h-pool-audit', t('poolAudit'), t('auditCustomer'), auditCustomer, loadAudit, auditBox);

  await Promise.all([loadPool(), loadAudit()]);
  body.replaceChildren(status, h('div', { class: 'grid' }, listCard, releaseForm, reclaimCard, auditCard));
}
