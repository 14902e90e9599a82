// The manager's console: sign-in, the page frame (navigation, language, sign-out) and the router
// (#/dashboard, #/customers, #/review, #/territories, #/assignment, #/grading, #/pool, #/night,
// #/import). Pages live in pages/*.js and use only the admin API.
import { ApiError, get, post, setCsrf } from './api.js';
import { field, h, message } from './dom.js';
import { currentLang, setErrors, setLabels, setLang, t } from './i18n.js';
import { renderAssignment } from './pages/assignment.js';
import { renderCustomers } from './pages/customers.js';
import { renderDashboard } from './pages/dashboard.js';
import { renderGrading } from './pages/grading.js';
import { renderImport } from './pages/import.js';
import { renderNight } from './pages/night.js';
import { renderPool } from './pages/pool.js';
import { renderReview } from './pages/review.js';
import { renderTerritories } from './pages/territories.js';

const pages = {
  dashboard: { title: 'navDashboard', render: renderDashboard },
  customers: { title: 'navCustomers', render: renderCustomers },
  review: { title: 'navReview', render: renderReview },
  territories: { title: 'navTerritories', render: renderTerritories },
  assignment: { title: 'navAssignment', render: renderAssignment },
  grading: { title: 'navGrading', render: renderGrading },
  pool: { title: 'navPool', render: renderPool },
  night: { title: 'navNight', render: renderNight },
  import: { title: 'navImport', render: renderImport },
};

const root = document.getElementById('app');
let me = null;  // the signed-in manager: {rep, name, role, csrf, expires_ms}

function languageSwitch() {
  const select = h('select', {
    id: 'lang',
    onchange: (e) => {
      setLang(e.target.value);
      render();
    },
  },
  h('option', { value: 'en' }, 'English'),
  h('option', { value: 'zh' }, '中文'));
  select.value = currentLang();
  return h('div', { class: 'lang' }, h('label', { for: 'lang' }, t('language')), select);
}

function loginView(notice) {
  const rep = h('input', { name: 'rep', autocomplete: 'username', required: true });
  const password = h('input', {
    name: 'password', type: 'password', autocomplete: 'current-password', required: true,
  });
  const status = h('div', { class: 'status' }, notice ? message('info', notice) : null);
  const submit = h('button', { type: 'submit' }, t('signIn'));
  const form = h('form', {
    class: 'login',
    onsubmit: async (e) => {
      e.preventDefault();
      submit.disabled = true;
      status.replaceChildren();
      try {
        me = await post('/v1/admin/login', { rep: rep.value.trim(), password: password.value });
        setCsrf(me.csrf);
        password.value = '';
        if (!location.hash) location.hash = '#/dashboard';
        render();
      } catch (err) {
        let text = err.message;
        if (err instanceof ApiError) {
          if (err.status === 401) text = t('wrongPassword');
          else if (err.status === 429) {
            text = t('tooManyAttempts', { s: err.values.seconds ?? (err.english.match(/(\d+) s/) || [])[1] ?? '?' });
          }
          else if (err.status === 403) text = t('notManager');
        }
        status.replaceChildren(message('error', text));
        password.value = '';
        password.focus();
      } finally {
        submit.disabled = false;
      }
    },
  },
  h('h1', {}, t('signInTitle')),
  field(t('repId'), rep),
  field(t('password'), password),
  submit,
  status);
  root.replaceChildren(h('header', { class: 'bar' }, h('span', { class: 'brand' }, t('title')), languageSwitch()),
    h('main', { id: 'main' }, form));
  rep.focus();
}

function currentPage() {
  const name = (location.hash.match(/^#\/(\w+)/) || [])[1];
  return pages[name] ? name : 'dashboard';
}

async function logout() {
  try {
    await post('/v1/admin/logout');
  } catch {
    // the session may have ended already; either way it is gone
  }
  me = null;
  setCsrf('');
  loginView();
}

function shell() {
  const active = currentPage();
  const nav = h('nav', { 'aria-label': t('title') },
    h('ul', {}, Object.entries(pages).map(([name, page]) =>
      h('li', {}, h('a', {
        href: '#/' + name,
        'aria-current': name === active ? 'page' : null,
      }, t(page.title))))));
  const main = h('main', { id: 'main', tabindex: '-1' });
  root.replaceChildren(
    h('header', { class: 'bar' },
      h('span', { class: 'brand' }, t('title')),
      nav,
      h('div', { class: 'who' },
        h('span', { id: 'who' }, t('signedInAs') + ' ', h('strong', {}, me.name || me.rep)),
        languageSwitch(),
        h('button', { type: 'button', id: 'logout', onclick: logout }, t('signOut')))),
    main);
  document.title = t(pages[active].title) + ' · ' + t('title');
  main.append(h('h1', {}, t(pages[active].title)));
  const body = h('div', { class: 'page' }, message('info', t('loading')));
  main.append(body);
  loadLabels().then(() => pages[active].render(body)).catch((err) => {
    if (err instanceof ApiError && err.status === 401) {
      me = null;
      loginView(t('sessionEnded'));
      return;
    }
    body.replaceChildren(message('error', t('failed', { m: err.message })));
  });
}

// The schema's enumeration labels, once per sign-in (pages show codes by them: i18n.js codeLabel).
let labelsLoaded = false;
async function loadLabels() {
  if (labelsLoaded) return;
  const { labels, errors } = await get('/v1/admin/labels');
  setLabels(labels);
  setErrors(errors);
  labelsLoaded = true;
}

function render() {
  if (me) shell();
  else loginView();
}

window.addEventListener('hashchange', () => {
  if (me) shell();
});

async function start() {
  try {
    me = await get('/v1/admin/session');
    setCsrf(me.csrf);
  } catch {
    me = null;
  }
  render();
}

start();
