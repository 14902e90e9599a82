// Territories & reps, the reps' half: adding a rep (POST /v1/admin/reps), a rep's profile
// (regions, skill, capacity; GET/PUT /v1/admin/assignment/profiles), and a rep's devices with
// issue and revoke (GET/POST /v1/admin/devices, POST /v1/admin/devices/revoke). A new device's
// token is shown once, inside the one line that sets the device up, and as that line's QR code;
// or a short one-time setup code (POST /v1/admin/devices/code) the rep types on the device.
import { api, get, post } from '../api.js';
import { cardForm, field, fieldError, h, message, serverFieldError, table, when } from '../dom.js';
import { addStrings, t } from '../i18n.js';
import { qrCanvas } from '../qr.js';

addStrings({
  en: {
    addRepTitle: 'Add a rep or manager',
    repIdField: 'Id (letters, digits, - and _)',
    repName: 'Name',
    repRole: 'Role',
    roleRep: 'rep',
    roleManager: 'manager',
    repRegions: 'Regions (comma-separated)',
    addRep: 'Add',
    repAdded: '{r} added. Set up the first device with the line below (the token is shown only once):',
    profileTitle: 'Rep profile',
    profileRep: 'Rep',
    skill: 'Skill',
    capacity: 'Capacity (most customers; empty = no limit)',
    capacityA: 'Tier-A capacity (empty = no limit)',
    closer: 'Good at closing deals',
    saveProfile: 'Save profile',
    profileSaved: 'Profile of {r} saved.',
    tierA: 'Tier A',
    devicesTitle: 'Devices',
    devicesRep: 'Rep',
    deviceName: 'New device\'s name',
    issue: 'Issue a token',
    revoke: 'Revoke',
    revokeDevice: 'Revoke {d} of {r}',
    revokedOne: '{d} of {r} is revoked: it is refused from its next request on.',
    issued: 'Token for {d} of {r}. Run this on the new device (the token is shown only once):',
    setupLine: 'Setup line',
    setupQr: 'QR code of the setup line',
    issueCode: 'Setup code',
    setupCode: 'One-time setup code',
    codeIssued: 'One-time setup code for a new device of {r}, valid once until {time}. On the device: fieldbook-cli init --code with this code (or the line below).',
    created: 'Issued',
    pickRep: 'Choose a rep.',
    regionsCol: 'Regions',
  },
  zh: {
    addRepTitle: '添加业务员或管理员',
    repIdField: '账号（字母、数字、- 和 _）',
    repName: '姓名',
    repRole: '角色',
    roleRep: '业务员',
    roleManager: '管理员',
    repRegions: '负责区域（逗号分隔）',
    addRep: '添加',
    repAdded: '已添加 {r}。用下面这一行设置第一台设备（令牌只显示这一次）：',
    profileTitle: '业务员档案',
    profileRep: '业务员',
    skill: '能力',
    capacity: '容量（最多客户数；留空 = 不限）',
    capacityA: 'A 级客户容量（留空 = 不限）',
    closer: '擅长成交',
    saveProfile: '保存档案',
    profileSaved: '已保存 {r} 的档案。',
    tierA: 'A 级',
    devicesTitle: '设备',
    devicesRep: '业务员',
    deviceName: '新设备名称',
    issue: '签发令牌',
    revoke: '吊销',
    revokeDevice: '吊销 {r} 的 {d}',
    revokedOne: '已吊销 {r} 的 {d}：从下一次请求起将被拒绝。',
    issued: '{r} 的 {d} 的令牌。在新设备上运行这一行（令牌只显示这一次）：',
    setupLine: '设置命令',
    setupQr: '设置命令的二维码',
    issueCode: '设置码',
    setupCode: '一次性设置码',
    codeIssued: '{r} 新设备的一次性设置码，只能使用一次，{time} 前有效。在设备上用 fieldbook-cli init --code 输入此码（或运行下面这一行）。',
    created: '签发时间',
    pickRep: '请选择业务员。',
    regionsCol: '区域',
  },
});

function setupLine(token) {
  return 'fieldbook-cli init --server ' + location.origin + ' --token ' + token;
}

// The line (to copy) and its QR code (to scan), drawn once the library has loaded.
function setupBox(text, line) {
  const qr = h('figure', { class: 'qr-box', id: 'setup-qr' });
  qrCanvas(line, t('setupQr')).then((canvas) => {
    if (canvas) qr.append(canvas, h('figcaption', {}, t('setupQr')));
  });
  return h('div', { class: 'msg info' }, h('p', {}, text),
    h('div', { class: 'field' }, h('label', { for: 'setup-line' }, t('setupLine')),
      h('input', { id: 'setup-line', class: 'setup', readonly: true, value: line, onfocus: (e) => e.target.select() })),
    qr);
}

// A one-time setup code: to read out or type on the new device, valid once until it expires.
function codeBox(c) {
  const line = 'fieldbook-cli init --server ' + location.origin + ' --code ' + c.code;
  return h('div', { class: 'msg info', id: 'setup-code-box' },
    h('p', {}, t('codeIssued', { r: c.rep, time: new Date(c.expires).toLocaleTimeString() })),
    h('p', { class: 'setup-code', id: 'setup-code', 'aria-label': t('setupCode') }, c.code),
    h('div', { class: 'field' }, h('label', { for: 'setup-code-line' }, t('setupLine')),
      h('input', { id: 'setup-code-line', class: 'setup', readonly: true, value: line, onfocus: (e) => e.target.select() })));
}

function select(id, choices, value) {
  const s = h('select', { id }, choices.map(([v, label]) => h('option', { value: v }, label)));
  if (value !== undefined) s.value = value;
  return s;
}

// The reps' cards: add, profile, devices. `reload()` renders the whole page again.
export async function repCards(reps, status, reload) {
  const { reps: profiles } = await get('/v1/admin/assignment/profiles');
  const byId = Object.fromEntries(profiles.map((p) => [p.rep, p]));
  const repChoices = [['', '—'], ...reps.filter((r) => r.role === 'rep').map((r) => [r.id, (r.name || r.id) + ' (' + r.id + ')'])];

  // Add a rep.
  const newId = h('input', { id: 'rep-new-id', 'data-path': 'id', autocomplete: 'off', maxlength: '64' });
  const newName = h('input', { id: 'rep-new-name', 'data-path': 'name', maxlength: '200' });
  const newRole = select('rep-new-role', [['rep', t('roleRep')], ['manager', t('roleManager')]]);
  newRole.dataset.path = 'role';
  const newRegions = h('input', { id: 'rep-new-regions', 'data-path': 'regions' });
  const addResult = h('div');
  const addForm = cardForm({ class: 'card', 'aria-labelledby': 'h-rep-add' }, async (e) => {
    addResult.replaceChildren();
    if (!newId.value.trim()) fieldError(newId, t('required'));
    if (!newName.value.trim()) fieldError(newName, t('required'));
    if (!newId.value.trim() || !newName.value.trim()) return;
    try {
      const r = await post('/v1/admin/reps', {
        id: newId.value.trim(), name: newName.value.trim(), role: newRole.value,
        regions: newRegions.value.split(/[,，\s]+/).filter(Boolean),
      });
      await reload(setupBox(t('repAdded', { r: r.id }), setupLine(r.token)));
    } catch (err) {
      if (!(err.status === 400 || err.status === 409) || !serverFieldError(addForm, err)) {
        addResult.replaceChildren(message('error', err.message));
      }
    }
  },
  h('h2', { id: 'h-rep-add' }, t('addRepTitle')),
  field(t('repIdField'), newId), field(t('repName'), newName), field(t('repRole'), newRole),
  field(t('repRegions'), newRegions),
  h('button', { type: 'submit', class: 'primary' }, t('addRep')), addResult);

  // Profile.
  const pRep = select('profile-rep', repChoices);
  const pRegions = h('input', { id: 'profile-regions', 'data-path': 'regions' });
  const pSkill = select('profile-skill', ['junior', 'senior', 'key_account'].map((s) => [s, t(s)]));
  pSkill.dataset.path = 'skill';
  const pCap = h('input', { id: 'profile-capacity', 'data-path': 'capacity', type: 'number', min: '0', step: '1' });
  const pCapA = h('input', { id: 'profile-capacity-a', 'data-path': 'capacity_a', type: 'number', min: '0', step: '1' });
  const pCloser = h('input', { id: 'profile-closer', type: 'checkbox' });
  pRep.addEventListener('change', () => {
    const p = byId[pRep.value] || {};
    pRegions.value = (p.regions || []).join(', ');
    pSkill.value = p.skill || 'junior';
    pCap.value = p.capacity ?? '';
    pCapA.value = p.capacity_a ?? '';
    pCloser.checked = !!p.closer;
  });
  const profileForm = cardForm({ class: 'card', 'aria-labelledby': 'h-profile' }, async (e) => {
    if (!pRep.value) {
      fieldError(pRep, t('pickRep'));
      return;
    }
    let ok = true;
    for (const input of [pCap, pCapA]) {
      const v = input.value.trim();
      if (v !== '' && !(Number.isInteger(Number(v)) && Number(v) >= 0)) {
        fieldError(input, t('wholeNumber'));
        ok = false;
      }
    }
    if (!ok) return;
    const num = (v) => (v.trim() === '' ? null : Number(v));
    try {
      await api('PUT', '/v1/admin/assignment/profiles', {
        rep: pRep.value, regions: pRegions.value.split(/[,，\s]+/).filter(Boolean), skill: pSkill.value,
        capacity: num(pCap.value), capacity_a: num(pCapA.value), closer: pCloser.checked,
      });
      await reload(message('info', t('profileSaved', { r: pRep.value })));
    } catch (err) {
      if (!serverFieldError(profileForm, err)) status.replaceChildren(message('error', err.message));
    }
  },
  h('h2', { id: 'h-profile' }, t('profileTitle')),
  field(t('profileRep'), pRep), field(t('repRegions'), pRegions), field(t('skill'), pSkill),
  field(t('capacity'), pCap), field(t('capacityA'), pCapA),
  h('div', { class: 'field check' }, pCloser, h('label', { for: pCloser.id }, t('closer'))),
  h('button', { type: 'submit', class: 'primary' }, t('saveProfile')));

  // Devices.
  const dRep = select('devices-rep', repChoices);
  const dName = h('input', { id: 'device-name', maxlength: '64', autocomplete: 'off' });
  const dList = h('div', { class: 'scroll', id: 'device-list' });
  const dResult = h('div', { id: 'device-result' });
  async function loadDevices() {
    if (!dRep.value) {
      dList.replaceChildren();
      return;
    }
    const { devices } = await get('/v1/admin/devices?rep=' + encodeURIComponent(dRep.value));
    dList.replaceChildren(devices.length ? table([t('device'), t('created'), t('lastSync'), t('address'), t('state'), ''],
      devices.map((d) => [d.device, when(d.created), d.last_sync ? new Date(d.last_sync).toLocaleString() : t('never'),
        d.last_address || '', d.revoked ? t('revoked') : t('inUse'),
        d.revoked ? '' : h('button', {
          type: 'button', 'aria-label': t('revokeDevice', { d: d.device, r: d.rep }),
          onclick: async () => {
            try {
              await post('/v1/admin/devices/revoke', { rep: d.rep, id: d.id });
              dResult.replaceChildren(message('info', t('revokedOne', { d: d.device, r: d.rep })));
              await loadDevices();
            } catch (err) {
              dResult.replaceChildren(message('error', err.message));
            }
          },
        }, t('revoke'))])) : message('info', t('none')));
  }
  dRep.addEventListener('change', () => loadDevices().catch((err) => dResult.replaceChildren(message('error', err.message))));
  const devicesForm = cardForm({ class: 'card wide', 'aria-labelledby': 'h-devices' }, async (e) => {
    if (!dRep.value) {
      fieldError(dRep, t('pickRep'));
      return;
    }
    // The button pressed: a token (the default) or a one-time setup code.
    const wantCode = e.submitter && e.submitter.id === 'issue-code';
    try {
      const body = { rep: dRep.value };
      if (dName.value.trim()) body.device = dName.value.trim();
      if (wantCode) {
        const c = await post('/v1/admin/devices/code', body);
        dResult.replaceChildren(codeBox(c));
      } else {
        const d = await post('/v1/admin/devices', body);
        dResult.replaceChildren(setupBox(t('issued', { d: d.device, r: d.rep }), setupLine(d.token)));
        dName.value = '';
        await loadDevices();
      }
    } catch (err) {
      if (err.status === 409 || err.status === 400) fieldError(dName, err.message);
      else if (err.status === 422) fieldError(dRep, err.message);
      else dResult.replaceChildren(message('error', err.message));
    }
  },
  h('h2', { id: 'h-devices' }, t('devicesTitle')),
  h('div', { class: 'inline-form' }, field(t('devicesRep'), dRep), field(t('deviceName'), dName),
    h('button', { type: 'submit', class: 'primary', id: 'issue-token' }, t('issue')),
    h('button', { type: 'submit', id: 'issue-code' }, t('issueCode'))),
  dResult, dList);

  const profileTable = h('section', { class: 'card wide', 'aria-labelledby': 'h-reps' },
    h('h2', { id: 'h-reps' }, t('repsTitle')),
    h('div', { class: 'scroll' }, table([t('rep'), t('role'), t('active'), t('regionsCol'), t('skill'), t('customers'), t('tierA'), t('closer')],
      reps.map((r) => {
        const p = byId[r.id] || {};
        const cap = (n, c) => (c === null || c === undefined ? String(n ?? 0) : (n ?? 0) + ' / ' + c);
        return [(r.name || r.id) + ' (' + r.id + ')', r.role === 'manager' ? t('roleManager') : t('roleRep'),
          r.active ? t('yes') : t('no'), (p.regions || []).join(', '), p.skill ? t(p.skill) : '',
          cap(r.customers, p.capacity), cap(p.tier_a_customers, p.capacity_a), p.closer ? t('yes') : ''];
      }))));
  return [profileTable, addForm, profileForm, devicesForm];
}
