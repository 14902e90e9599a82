// Import: a distributor's sheet (.csv or .xlsx) into Fieldbook (issue #17) through the admin import
// routes (POST /v1/admin/import/{kind}: the file's bytes as the body). Once a file is chosen, its
// columns (?preview=1) with the field each one was recognised as (Chinese or English headers) and
// a few sample values; the manager can point a column at another field or leave it out, and that
// mapping (&mapping=, header -> field key, "" = not imported) goes with the dry run and the import.
// Then a dry run, with the report (rows created, updated, rejected, duplicates, each problem by row
// and column, where each customer went), then the import itself. Both run as jobs (&job=1): the
// page shows the upload's bytes sent, then polls GET /v1/admin/import/jobs/{id} for the phase and
// the rows done of the total until the report comes; the job's id is kept in sessionStorage, so
// the page follows it again after a reload or a visit to another page. Export links for the same
// sheets (GET /v1/admin/export/{kind}).
import { errorOf, get, upload } from '../api.js';
import { clearFieldErrors, field, fieldError, h, message, table } from '../dom.js';
import { addStrings, currentLang, errorText, inLang, t } from '../i18n.js';

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
    mapTitle: 'Columns and the fields they fill',
    mapHelp: 'Each column as it was recognised. Change a column\'s field, or leave it out; the dry run and the import use this mapping.',
    mapColumn: 'Column',
    mapHeader: 'Header',
    mapSample: 'First values',
    mapField: 'Field',
    mapFieldFor: 'Field for column {c} ({h})',
    mapIgnore: '— not imported —',
    mapChanged: 'changed',
    mapReset: 'Back to the recognised fields',
    impUpload: 'Upload',
    impSent: '{a} of {b} sent',
    impProgress: 'Progress',
    phase_queued: 'Waiting to start',
    phase_checking: 'Reading the whole file first',
    phase_importing: 'Importing',
    phase_dry: 'Checking the rows (dry run)',
    phase_grading: 'Regrading the customers',
    phase_finishing: 'Finishing',
    phase_done: 'Done',
    phase_failed: 'Stopped',
    rowsOf: '{n} of {total} rows',
    rowsN: '{n} rows',
    problemsN: '{n} problems',
    // The report's counts and a problem's level, as the server names them.
    cnt_rows: 'rows', cnt_created: 'created', cnt_updated: 'updated', cnt_unchanged: 'unchanged',
    cnt_rejected: 'rejected', cnt_duplicates_skipped: 'duplicates_skipped', cnt_merged: 'merged',
    cnt_flagged: 'flagged', cnt_lines_created: 'lines_created', cnt_pooled: 'pooled',
    cnt_regraded: 'regraded',
    lvl_error: 'error', lvl_duplicate: 'duplicate', lvl_warning: 'warning',
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
    mapTitle: '各列及其对应字段',
    mapHelp: '每一列按表头识别出的字段。可以改为其他字段，或不导入该列；试运行和导入都按此对应关系进行。',
    mapColumn: '列',
    mapHeader: '表头',
    mapSample: '前几行的值',
    mapField: '字段',
    mapFieldFor: '第 {c} 列（{h}）对应的字段',
    mapIgnore: '— 不导入 —',
    mapChanged: '已修改',
    mapReset: '恢复识别出的字段',
    impUpload: '上传',
    impSent: '已发送 {a} / {b}',
    impProgress: '进度',
    phase_queued: '等待开始',
    phase_checking: '正在先读取整个文件',
    phase_importing: '正在导入',
    phase_dry: '正在检查各行（试运行）',
    phase_grading: '正在重新评级客户',
    phase_finishing: '正在收尾',
    phase_done: '已完成',
    phase_failed: '已停止',
    rowsOf: '{n} / {total} 行',
    rowsN: '{n} 行',
    problemsN: '{n} 个问题',
    cnt_rows: '行数', cnt_created: '新建', cnt_updated: '更新', cnt_unchanged: '未变',
    cnt_rejected: '拒绝', cnt_duplicates_skipped: '跳过的疑似重复', cnt_merged: '合并',
    cnt_flagged: '标记待审核', cnt_lines_created: '新建的订单行', cnt_pooled: '进入公海',
    cnt_regraded: '重新评级',
    lvl_error: '错误', lvl_duplicate: '疑似重复', lvl_warning: '提醒',
  },
});

const JOB_KEY = 'fb-import-job';
const POLL_MS = 300;

const num = (n) => Number(n || 0).toLocaleString(currentLang() === 'zh' ? 'zh-CN' : 'en-US');
function size(bytes) {
  if (bytes < 1024) return num(bytes) + ' B';
  if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + ' KB';
  return (bytes / 1024 / 1024).toFixed(1) + ' MB';
}

// The upload's bar (bytes sent) and the job's bar (rows done of the total; bytes read while the
// total is not known yet). data-phase and data-rows on the job's bar say what it last showed.
function progressView() {
  const sentBar = h('progress', { id: 'imp-upload-progress', max: 1, value: 0 });
  const sentText = h('span', { class: 'meta', id: 'imp-upload-text' });
  const jobBar = h('progress', { id: 'imp-job-progress', max: 1, value: 0 });
  const jobText = h('span', { class: 'meta', id: 'imp-job-text', 'aria-live': 'polite' });
  const view = h('div', { class: 'import-progress' },
    h('label', { for: 'imp-upload-progress' }, t('impUpload')), sentBar, sentText,
    h('label', { for: 'imp-job-progress' }, t('impProgress')), jobBar, jobText);
  return {
    view,
    sent(loaded, total) {
      sentBar.max = total || 1;
      sentBar.value = loaded;
      sentText.textContent = t('impSent', { a: size(loaded), b: size(total) });
    },
    job(j) {
      const ended = j.state !== 'running';
      if (ended || j.phase === 'grading' || j.phase === 'finishing') {
        jobBar.max = 1;
        jobBar.value = 1;
      } else if (j.phase === 'importing' && j.total_rows > 0) {
        jobBar.max = j.total_rows;
        jobBar.value = j.rows;
      } else {
        jobBar.max = j.total_bytes || 1;
        jobBar.value = j.bytes;
      }
      jobBar.dataset.phase = j.phase;
      jobBar.dataset.rows = String(j.rows);
      const phase = j.phase === 'importing' && j.dry_run ? 'phase_dry' : 'phase_' + j.phase;
      const rows = j.total_rows > 0 && j.phase !== 'checking'
        ? t('rowsOf', { n: num(j.rows), total: num(j.total_rows) }) : t('rowsN', { n: num(j.rows) });
      jobText.textContent = [t(phase), j.phase === 'queued' ? '' : rows,
        j.issues ? t('problemsN', { n: num(j.issues) }) : ''].filter(Boolean).join(' · ');
    },
  };
}

// Polls the job until it has ended (or the page was left: null); its report, or its error thrown.
async function followJob(id, progress, page) {
  while (page.isConnected) {
    const j = await get('/v1/admin/import/jobs/' + encodeURIComponent(id));
    progress.job(j);
    if (j.state !== 'running') {
      sessionStorage.removeItem(JOB_KEY);
      if (j.status === 200) return j.result;
      throw errorOf(j.status, j.result, t('phase_failed'));
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return null;
}

const KINDS = [['customers', 'kindCustomers'], ['contacts', 'kindContacts'], ['orders', 'kindOrders'], ['visits', 'kindVisits']];
const COUNTS = ['rows', 'created', 'updated', 'unchanged', 'rejected', 'duplicates_skipped', 'merged', 'flagged',
  'lines_created', 'pooled', 'regraded'];

// The reader's notes of a report or a preview in the console's language: each by its code
// ("note_codes", issue #19), else the server's English.
function notesOf(r) {
  const codes = r.note_codes || [];
  return (r.notes || []).map((n, i) => h('p', { class: 'meta' },
    codes[i] ? errorText(codes[i].code, codes[i].values, n) : n));
}

function reportView(r, dry) {
  const counts = COUNTS.filter((k) => r[k] !== undefined && r[k] !== 0 && r[k] !== false)
    .map((k) => [t('cnt_' + k), r[k] === true ? '✓' : r[k]]);
  for (const [rep, n] of Object.entries(r.per_rep || {})) counts.push([t('rep') + ' ' + rep, n]);
  const issues = r.issues || [];
  const placements = r.placements || [];
  return h('div', { class: 'import-report' },
    message(r.rejected ? 'error' : 'info', t(dry ? 'impDryDone' : 'impDone', { f: r.file })),
    table([t('result'), t('count')], counts),
    notesOf(r),
    issues.length ? h('h3', {}, t('impIssues') + ' (' + issues.length + ')') : '',
    issues.length ? h('div', { class: 'scroll' }, table([t('row'), t('column'), t('value'), t('reasonCol'), t('level')],
      issues.slice(0, 200).map((i) => [i.row, i.column, i.value, errorText(i.reason_code, i.reason_values, i.reason),
        t('lvl_' + i.level)]))) : '',
    placements.length ? h('h3', {}, t('impPlacements')) : '',
    placements.length ? h('div', { class: 'scroll' }, table([t('row'), t('customer'), t('rep'), t('how')],
      placements.slice(0, 100).map((p) => [p.row, (p.name || '') + ' (' + p.customer_id + ')', p.rep || '—', inLang(p.how_text, p.how)]))) : '');
}

// A field of the preview's list: a key, or {key, label, zh} ("field_labels"). In 中文 its Chinese
// name alone; in English its name and the key a --mapping file uses.
function fieldChoice(f) {
  if (typeof f === 'string') return [f, f];
  if (currentLang() === 'zh' && f.zh) return [f.key, f.zh];
  const label = f.label || f.key;
  return [f.key, label === f.key ? f.key : label + ' (' + f.key + ')'];
}

// The mapping editor of one previewed file: a table of its columns with a <select> each. `mapping()`
// gives the overrides (header -> field key, "" = not imported) of the columns changed from what was
// recognised; `onChange` is called when the manager changes one.
function mappingEditor(preview, onChange) {
  const columns = preview.columns || [];
  const samples = preview.rows || [];
  const fields = (preview.field_labels || preview.fields || []).map(fieldChoice);
  const selects = columns.map((c, i) => {
    const select = h('select', {
      id: 'map-' + i, 'data-header': c.header,
      'aria-label': t('mapFieldFor', { c: c.column || String(i + 1), h: c.header }),
    },
    h('option', { value: '' }, t('mapIgnore')),
    fields.map(([key, label]) => h('option', { value: key }, label)));
    select.value = c.field || '';
    select.dataset.detected = c.field || '';
    return select;
  });
  const marks = selects.map(() => h('span', { class: 'meta' }));
  const update = () => {
    selects.forEach((sel, i) => { marks[i].textContent = sel.value !== sel.dataset.detected ? t('mapChanged') : ''; });
    onChange();
  };
  for (const sel of selects) sel.addEventListener('change', update);
  const reset = h('button', { type: 'button', id: 'map-reset' }, t('mapReset'));
  reset.addEventListener('click', () => {
    for (const sel of selects) sel.value = sel.dataset.detected;
    update();
  });
  const problem = h('div', { id: 'map-problem', 'aria-live': 'polite' },
    preview.problem ? message('error', errorText(preview.problem_code, preview.problem_values, preview.problem)) : null);
  const view = h('section', { class: 'map-editor', 'aria-labelledby': 'h-map' },
    h('h3', { id: 'h-map' }, t('mapTitle')), h('p', { class: 'meta' }, t('mapHelp')),
    notesOf(preview), problem,
    h('div', { class: 'scroll' }, table([t('mapColumn'), t('mapHeader'), t('mapSample'), t('mapField'), ''],
      columns.map((c, i) => [c.column || String(i + 1), c.header,
        samples.slice(0, 3).map((r) => r[i] ?? '').filter((v) => v !== '').join(' · '), selects[i], marks[i]]))),
    reset);
  return {
    view,
    // What the server says of the header with this mapping (a later preview's "problem").
    showProblem(text) {
      problem.replaceChildren(text ? message('error', text) : '');
    },
    mapping() {
      const out = {};
      for (const sel of selects) if (sel.value !== sel.dataset.detected) out[sel.dataset.header] = sel.value;
      return out;
    },
  };
}

export async function renderImport(body) {
  const kind = h('select', { id: 'imp-kind' }, KINDS.map(([k, label]) => h('option', { value: k }, t(label))));
  const file = h('input', { id: 'imp-file', type: 'file', accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  const encoding = h('select', { id: 'imp-encoding' }, h('option', { value: 'auto' }, t('encAuto')),
    h('option', { value: 'utf-8' }, 'UTF-8'), h('option', { value: 'gb18030' }, 'GB18030 (GBK)'));
  const dup = h('select', { id: 'imp-dup' }, h('option', { value: 'skip' }, t('dupSkip')),
    h('option', { value: 'merge' }, t('dupMerge')), h('option', { value: 'flag' }, t('dupFlag')));
  const result = h('div', { id: 'imp-result', 'aria-live': 'polite' });
  const mapBox = h('div', { id: 'imp-mapping' });
  let editor = null;
  const apply = h('button', { type: 'button', class: 'primary', id: 'imp-apply', disabled: true }, t('impApply'));
  const dryButton = h('button', { type: 'submit', id: 'imp-dry' }, t('impDry'));
  for (const input of [kind, file, encoding, dup]) input.addEventListener('change', () => { apply.disabled = true; });

  // The chosen file's columns as the server recognises them, with `mapping` applied (nothing is
  // written; dry_run too: a server without the preview answers with a dry run, never an import).
  function previewOf(chosen, mapping) {
    const params = new URLSearchParams({ preview: '1', dry_run: '1', encoding: encoding.value, name: chosen.name });
    if (mapping && Object.keys(mapping).length) params.set('mapping', JSON.stringify(mapping));
    return upload('/v1/admin/import/' + kind.value + '?' + params, chosen);
  }
  async function preview() {
    editor = null;
    mapBox.replaceChildren();
    const chosen = file.files && file.files[0];
    if (!chosen) return;
    try {
      const p = await previewOf(chosen);
      if (!p || !Array.isArray(p.columns)) return;  // a server without the preview: no editor
      const mine = mappingEditor(p, async () => {
        apply.disabled = true;
        try {
          const again = await previewOf(chosen, mine.mapping());
          if (editor === mine) mine.showProblem(again.problem && errorText(again.problem_code, again.problem_values, again.problem));
        } catch (err) {
          if (editor === mine) mine.showProblem(err.message);
        }
      });
      editor = mine;
      mapBox.replaceChildren(mine.view);
    } catch (err) {
      mapBox.replaceChildren(message('error', err.message));
    }
  }
  for (const input of [kind, file, encoding]) input.addEventListener('change', () => { preview(); });

  async function run(dry) {
    clearFieldErrors(form);
    const chosen = file.files && file.files[0];
    if (!chosen) {
      fieldError(file, t('impNeedFile'));
      return;
    }
    const params = new URLSearchParams({ encoding: encoding.value, on_duplicate: dup.value, name: chosen.name });
    if (dry) params.set('dry_run', '1');
    const mapping = editor ? editor.mapping() : {};
    if (Object.keys(mapping).length) params.set('mapping', JSON.stringify(mapping));
    params.set('job', '1');
    const progress = progressView();
    result.replaceChildren(progress.view);
    apply.disabled = true;
    dryButton.disabled = true;
    try {
      const started = await upload('/v1/admin/import/' + kind.value + '?' + params, chosen, progress.sent);
      sessionStorage.setItem(JOB_KEY, started.job);
      const r = await followJob(started.job, progress, result);
      if (r) result.append(reportView(r, dry));
      apply.disabled = !dry;
    } catch (err) {
      result.append(message('error', err.message));
      apply.disabled = true;
    } finally {
      dryButton.disabled = false;
    }
  }
  // A job this browser started before the page was (re)opened: followed again to its report.
  async function resume(id) {
    const progress = progressView();
    result.replaceChildren(progress.view);
    dryButton.disabled = true;
    try {
      const r = await followJob(id, progress, result);
      if (r) result.append(reportView(r, r.dry_run));
    } catch (err) {
      sessionStorage.removeItem(JOB_KEY);
      if (err.status === 404) result.replaceChildren();  // ended long ago, or another session's
      else result.append(message('error', err.message));
    } finally {
      dryButton.disabled = false;
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
  mapBox,
  h('div', { class: 'actions' }, dryButton, apply),
  result);

  const exports = h('section', { class: 'card wide', 'aria-labelledby': 'h-export' },
    h('h2', { id: 'h-export' }, t('exportTitle')), h('p', {}, t('exportHelp')),
    h('ul', {}, KINDS.map(([k, label]) => h('li', {},
      t(label) + ': ',
      h('a', { href: '/v1/admin/export/' + k + '?format=xlsx', download: k + '.xlsx' }, 'XLSX'), ' · ',
      h('a', { href: '/v1/admin/export/' + k + '?format=csv', download: k + '.csv' }, 'CSV')))));
  body.replaceChildren(h('div', { class: 'grid' }, form, exports));
  const pending = sessionStorage.getItem(JOB_KEY);
  if (pending) resume(pending);
}
