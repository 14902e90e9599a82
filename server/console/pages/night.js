// Night: the nightly job's latest runs (GET /v1/admin/nightly/runs), each with its steps' results.
import { get } from '../api.js';
import { h, message, table } from '../dom.js';
import { t } from '../i18n.js';

function when(text) {
  return text ? new Date(text).toLocaleString() : '—';
}

export async function renderNight(body) {
  const { runs } = await get('/v1/admin/nightly/runs?last=20');
  if (!runs || !runs.length) {
    body.replaceChildren(message('info', t('noRuns')));
    return;
  }
  const cards = runs.map((run) => {
    const steps = (run.steps || []).map((s) => [s.name, s.status, s.attempts,
      s.error ? s.error : JSON.stringify(s.report ?? {})]);
    return h('section', { class: 'card wide night-run', 'aria-label': t('run') + ' ' + run.id },
      h('h2', {}, t('run') + ' #' + run.id + ' · ' + (run.day || '') + ' · ' + run.status),
      h('p', { class: 'meta' }, t('trigger') + ': ' + (run.trigger || '—') + ' · ' + t('started') +
        ': ' + when(run.started) + ' · ' + t('finished') + ': ' + when(run.finished)),
      h('div', { class: 'scroll' }, table([t('step'), t('state'), t('attempts'), t('result')], steps)));
  });
  body.replaceChildren(h('div', { class: 'grid' }, cards));
}
