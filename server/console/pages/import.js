// Import: a distributor's sheet (.csv or .xlsx) into Fieldbook (issue #17) through the admin import
// routes (POST /v1/admin/import/{kind}: the file's bytes as the body): a dry run first, with the
// report (rows created, updated, rejected, duplicates, each problem by row and column, where each
// customer went), then the import itself. Export links for the same sheets (GET
// /v1/admin/export/{kind}).
import { upload } from '../api.js';
import { clearFieldErrors, field, fieldError, h, message, table } from '../dom.js';
import { addStrings, t } from '../i18n.js';

addStrings({
  en: {
    impTitle: 'Import a sheet',
    impHelp: 'Customers first, then contacts, orders and visits. The dry run checks the whole file and changes nothing; import writes it, and the reps\' devices receive their customers at their next sync.',
    impKind: 'What the sheet holds',
    kindCustomers: 'customers',
    kindContacts: 'contacts',
    kindOrders: 'orders',
    kindVisits: 'visits',
    impFile: 'File (.csv or .xlsx)',
    impEncoding: 'Text encoding (CSV)',
    encAuto: 'detect',
    impDuplicates: 'A customer already here (same phone, or name and city)',
    dupSkip: 'skip the row',
    dupMerge: 'fill in the existing one',
    dupFlag: 'import it and flag both for review',
    impDry: 'Dry run',
    impApply: 'Import',
    impNeedFile: 'Choose a file.',
    impDryDone: 'Dry run of {f}: nothing was changed.',
    impDone: 'Imported {f}.',
    impIssues: 'Problems by row',
    impPlacements: 'Where customers go',
    row: 'Row',
    column: 'Column',
    value: 'Value',
    level: 'Level',
    how: 'How',
    count: 'Count',
    exportTitle: 'Export',
    exportHelp: 'The same sheets, for Excel or for another import.',
  },
  zh: {
    impTitle: '导入表格',
    impHelp: '先导入客户，再导入联系人、订单和拜访。“试运行”检查整个文件但不做任何修改；“导入”写入数据，业务员的设备会在下次同步时收到各自的客户。',
    impKind: '表格内容',
    kindCustomers: '客户',
    kindContacts: '联系人',
    kindOrders: '订单',
    kindVisits: '拜访',
    impFile: '文件（.csv 或 .xlsx）',
    impEncoding: '文字编码（CSV）',
    encAuto: '自动识别',
    impDuplicates: '已存在的客户（电话相同，或名称和城市相同）',
    dupSkip: '跳过该行',
    dupMerge: '补充到已有客户',
    dupFlag: '导入并标记为疑似重复',
    impDry: '试运行',
    impApply: '导入',
    impNeedFile: '请选择文件。',
    impDryDone: '{f} 试运行完成：没有做任何修改。',
    impDone: '已导入 {f}。',
    impIssues: '各行的问题',
    impPlacements: '客户的去向',
    row: '行',
    column: '列',
    value: '值',
    level: '级别',
    how: '方式',
    count: '数量',
    exportTitle: '导出',
    exportHelp: '同样格式的表格，可用 Excel 打开或再次导入。',
  },
});

const KINDS = [['customers', 'kindCustomers'], ['contacts', 'kindContacts'], ['orders', 'kindOrders'], ['visits', 'kindVisits']];
const COUNTS = ['rows', 'created', 'updated', 'unchanged', 'rejected', 'duplicates_skipped', 'merged', 'flagged',
  'lines_created', 'pooled', 'regraded'];

function reportView(r, dry) {
  const counts = COUNTS.filter((k) => r[k] !== undefined && r[k] !== 0).map((k) => [k, r[k]]);
  for (const [rep, n] of Object.entries(r.per_rep || {})) counts.push([t('rep') + ' ' + rep, n]);
  const issues = r.issues || [];
  const placements = r.placements || [];
  return h('div', { class: 'import-report' },
    message(r.rejected ? 'error' : 'info', t(dry ? 'impDryDone' : 'impDone', { f: r.file })),
    table([t('result'), t('count')], counts),
    (r.notes || []).map((n) => h('p', { class: 'meta' }, n)),
    issues.length ? h('h3', {}, t('impIssues') + ' (' + issues.length + ')') : '',
    issues.length ? h('div', { class: 'scroll' }, table([t('row'), t('column'), t('value'), t('reasonCol'), t('level')],
      issues.slice(0, 200).map((i) => [i.row, i.column, i.value, i.reason, i.level]))) : '',
    placements.length ? h('h3', {}, t('impPlacements')) : '',
    placements.length ? h('div', { class: 'scroll' }, table([t('row'), t('customer'), t('rep'), t('how')],
      placements.slice(0, 100).map((p) => [p.row, (p.name || '') + ' (' + p.customer_id + ')', p.rep || '—', p.how]))) : '');
}

export async function renderImport(body) {
  const kind = h('select', { id: 'imp-kind' }, KINDS.map(([k, label]) => h('option', { value: k }, t(label))));
  const file = h('input', { id: 'imp-file', type: 'file', accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  const encoding = h('select', { id: 'imp-encoding' }, h('option', { value: 'auto' }, t('encAuto')),
    h('option', { value: 'utf-8' }, 'UTF-8'), h('option', { value: 'gb18030' }, 'GB18030 (GBK)'));
  const dup = h('select', { id: 'imp-dup' }, h('option', { value: 'skip' }, t('dupSkip')),
    h('option', { value: 'merge' }, t('dupMerge')), h('option', { value: 'flag' }, t('dupFlag')));
  const result = h('div', { id: 'imp-result', 'aria-live': 'polite' });
  const apply = h('button', { type: 'button', class: 'primary', id: 'imp-apply', disabled: true }, t('impApply'));
  for (const input of [kind, file, encoding, dup]) input.addEventListener('change', () => { apply.disabled = true; });

  async function run(dry) {
    clearFieldErrors(form);
    const chosen = file.files && file.files[0];
    if (!chosen) {
      fieldError(file, t('impNeedFile'));
      return;
    }
    const params = new URLSearchParams({ encoding: encoding.value, on_duplicate: dup.value, name: chosen.name });
    if (dry) params.set('dry_run', '1');
    result.replaceChildren(message('info', t('loading')));
    try {
      const r = await upload('/v1/admin/import/' + kind.value + '?' + params, chosen);
      result.replaceChildren(reportView(r, dry));
      apply.disabled = !dry;
    } catch (err) {
      result.replaceChildren(message('error', err.message));
      apply.disabled = true;
    }
  }
  apply.addEventListener('click', () => run(false));
  const form = h('form', {
    class: 'card wide', 'aria-labelledby': 'h-import', novalidate: true,
    onsubmit: (e) => {
      e.preventDefault();
      run(true);
    },
  },
  h('h2', { id: 'h-import' }, t('impTitle')), h('p', {}, t('impHelp')),
  h('div', { class: 'form-grid' }, field(t('impKind'), kind), field(t('impFile'), file),
    field(t('impEncoding'), encoding), field(t('impDuplicates'), dup)),
  h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'imp-dry' }, t('impDry')), apply),
  result);

  const exports = h('section', { class: 'card wide', 'aria-labelledby': 'h-export' },
    h('h2', { id: 'h-export' }, t('exportTitle')), h('p', {}, t('exportHelp')),
    h('ul', {}, KINDS.map(([k, label]) => h('li', {},
      t(label) + ': ',
      h('a', { href: '/v1/admin/export/' + k + '?format=xlsx', download: k + '.xlsx' }, 'XLSX'), ' · ',
      h('a', { href: '/v1/admin/export/' + k + '?format=csv', download: k + '.csv' }, 'CSV')))));
  body.replaceChildren(h('div', { class: 'grid' }, form, exports));
}
