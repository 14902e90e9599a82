// Night: the nightly job's latest runs (GET /v1/admin/nightly/runs), each with its steps' results
// and its backup, and "Run now" (POST /v1/admin/nightly/run): the server runs the job on its own
// thread; the page polls GET /v1/admin/nightly/run and the runs until it has finished.
import { ApiError, get, post } from '../api.js';
import { h, message, table, when } from '../dom.js';
import { addStrings, inLang, t } from '../i18n.js';

addStrings({
  en: {
    runNow: 'Run now',
    runNowHint: 'Grades, reclaims, verifies, compacts and backs up now, as the scheduled job does.',
    runNowStarted: 'The nightly job is running (started by {by}); this page follows its steps.',
    runNowDone: 'The nightly job finished: run #{run}, {outcome}.',
    runNowFailed: 'The nightly job could not run: {m}',
    runNowBusy: 'Not started: {m}',
    runningElsewhere: 'A nightly run is in progress (run {run}, {holder}).',
    backup: 'Backup',
    noBackup: 'no backup in this run',
    bytes: 'bytes',
  },
  zh: {
    runNow: '立即运行',
    runNowHint: '立即执行分级、回收、校验、压缩和备份，与定时任务相同。',
    runNowStarted: '夜间任务正在运行（由 {by} 启动），本页会跟踪各步骤。',
    runNowDone: '夜间任务已完成：第 {run} 次运行，{outcome}。',
    runNowFailed: '夜间任务无法运行：{m}',
    runNowBusy: '未启动：{m}',
    runningElsewhere: '有一个夜间任务正在运行（第 {run} 次，{holder}）。',
    backup: '备份',
    noBackup: '本次运行没有备份',
    bytes: '字节',
  },
});

const POLL_MS = 1000;

function runCard(run) {
  // A step's result in the console's language (the server's "line" in both); a server from before
  // lines sent its report.
  const steps = (run.steps || []).map((s) => [s.name, s.status, s.attempts,
    inLang(s.line, s.error ? s.error : JSON.stringify(s.report ?? {}))]);
  const summary = run.summary || {};
  const backup = summary.backup_file
    ? summary.backup_file + ' (' + (summary.backup_bytes ?? 0) + ' ' + t('bytes') + ')'
    : t('noBackup');
  return h('section', { class: 'card wide night-run', 'aria-label': t('run') + ' ' + run.id },
    h('h2', {}, t('run') + ' #' + run.id + ' · ' + (run.day || '') + ' · ' + run.status),
    h('p', { class: 'meta' }, t('trigger') + ': ' + (run.trigger || '—') + ' · ' + t('started') +
      ': ' + when(run.started) + ' · ' + t('finished') + ': ' + when(run.finished)),
    h('p', { class: 'meta backup' }, t('backup') + ': ' + backup),
    h('div', { class: 'scroll' }, table([t('step'), t('state'), t('attempts'), t('result')], steps)));
}

export async function renderNight(body) {
  const status = h('div', { class: 'status', id: 'night-status', 'aria-live': 'polite' });
  const list = h('div', { class: 'grid', id: 'night-runs' });
  const button = h('button', { type: 'button', id: 'run-now', 'aria-describedby': 'run-now-hint' },
    t('runNow'));
  let polling = false;

  async function refresh() {
    const [{ runs }, now] = await Promise.all([get('/v1/admin/nightly/runs?last=20'),
      get('/v1/admin/nightly/run')]);
    list.replaceChildren(...(runs && runs.length ? runs.map(runCard) : [message('info', t('noRuns'))]));
    const state = now.state || {};
    button.disabled = Boolean(state.running || now.lease);
    if (state.running) {
      status.replaceChildren(message('info', t('runNowStarted', { by: state.by })));
    } else if (now.lease) {
      status.replaceChildren(message('info', t('runningElsewhere',
        { run: now.lease.run, holder: now.lease.holder })));
    } else if (polling && state.error) {
      status.replaceChildren(message('error', t('runNowFailed', { m: state.error })));
    } else if (polling && state.run) {
      status.replaceChildren(message('info', t('runNowDone', { run: state.run, outcome: state.outcome })));
    }
    return Boolean(state.running || now.lease);
  }

  // Follows the run until it has finished or the page was left.
  async function follow() {
    polling = true;
    while (body.isConnected) {
      let busy;
      try {
        busy = await refresh();
      } catch (err) {
        status.replaceChildren(message('error', t('failed', { m: err.message })));
        break;
      }
      if (!busy) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    polling = false;
  }

  button.addEventListener('click', async () => {
    button.disabled = true;
    status.replaceChildren();
    try {
      await post('/v1/admin/nightly/run', {});
    } catch (err) {
      const text = err instanceof ApiError && err.status === 409 ? t('runNowBusy', { m: err.message })
        : t('runNowFailed', { m: err.message });
      status.replaceChildren(message('error', text));
      button.disabled = false;
      return;
    }
    await follow();
  });

  const busy = await refresh();
  body.replaceChildren(
    h('section', { class: 'card wide' },
      h('p', { id: 'run-now-hint', class: 'meta' }, t('runNowHint')), button, status),
    list);
  if (busy) follow();
}
