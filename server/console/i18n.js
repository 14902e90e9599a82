// The console's two languages. t(key) reads the current one; the choice is kept in localStorage
// and defaults to the browser's language (Chinese for zh-*, English otherwise). Pages add their
// own strings with addStrings({en, zh}); missingStrings() lists keys one language lacks (the
// browser suite checks that both are complete).
const dictionaries = {
  en: {
    title: 'Fieldbook console',
    language: 'Language',
    signInTitle: 'Sign in to the manager\'s console',
    repId: 'Manager id',
    password: 'Password',
    signIn: 'Sign in',
    signOut: 'Sign out',
    signedInAs: 'Signed in as',
    wrongPassword: 'Wrong manager id or password.',
    tooManyAttempts: 'Too many failed attempts. Try again in {s} s.',
    notManager: 'Only active managers can use the console.',
    sessionEnded: 'Your session has ended. Please sign in again.',
    navDashboard: 'Dashboard',
    navReview: 'Review',
    navTerritories: 'Territories & reps',
    navNight: 'Night',
    navAssignment: 'Assignment',
    navGrading: 'Grading',
    navPool: 'Public pool',
    navCustomers: 'Customers',
    navImport: 'Import',
    noRuns: 'The nightly job has not run yet.',
    run: 'Run',
    trigger: 'Started by',
    started: 'Started',
    finished: 'Finished',
    step: 'Step',
    attempts: 'Attempts',
    result: 'Result',
    loading: 'Loading…',
    failed: 'Could not load: {m}',
    tiersCompany: 'Customers by tier — company',
    tiersByRep: 'Customers by tier — each rep',
    tiersByTerritory: 'Customers by territory',
    notGraded: 'not graded',
    noGrades: 'No grading run yet: grade the customers to see tiers.',
    atRisk: 'At-risk customers',
    customer: 'Customer',
    rep: 'Rep',
    tier: 'Tier',
    lifecycle: 'Lifecycle',
    reasons: 'Reasons',
    none: 'None.',
    portfolio: 'Portfolio per rep',
    customers: 'Customers',
    followUpsDue: 'Follow-ups due',
    followUpsOverdue: 'Follow-ups overdue',
    visitsDue: 'Visits due',
    visitsOverdue: 'Visits overdue',
    revenue: 'Revenue',
    deviceHealth: 'Device health',
    device: 'Device',
    lastSync: 'Last sync',
    address: 'Address',
    state: 'State',
    never: 'never',
    revoked: 'revoked',
    inUse: 'in use',
    reviewTitle: 'Edits waiting for review',
    reviewHelp: 'Edits made on a device after its customer moved to another rep. Apply writes the edit; dismiss drops it.',
    field: 'Field',
    current: 'Current value',
    diverted: 'Held edit',
    by: 'By',
    apply: 'Apply',
    dismiss: 'Dismiss',
    applied: 'Applied.',
    dismissed: 'Dismissed.',
    nothingToReview: 'Nothing waits for review.',
    territoriesTitle: 'Territories',
    territory: 'Territory',
    region: 'Region',
    repsTitle: 'Reps and managers',
    role: 'Role',
    active: 'Active',
    yes: 'yes',
    no: 'no',
    moveTitle: 'Move a customer to another rep',
    customerId: 'Customer id',
    toRep: 'New rep',
    reason: 'Reason (optional)',
    move: 'Move',
    moved: 'Moved {c} to {r}. Their devices follow at their next sync.',
    required: 'Required.',
    assignTitle: 'Give a territory to a rep',
    assign: 'Assign',
    assigned: 'Territory {t} now belongs to {r}.',
    reasonCol: 'Reason',
    save: 'Save',
    saved: 'Saved.',
    cancel: 'Cancel',
    name: 'Name',
    id: 'Id',
  },
  zh: {
    title: 'Fieldbook 管理控制台',
    language: '语言',
    signInTitle: '登录管理控制台',
    repId: '管理员账号',
    password: '密码',
    signIn: '登录',
    signOut: '退出登录',
    signedInAs: '当前用户',
    wrongPassword: '账号或密码错误。',
    tooManyAttempts: '失败次数过多，请在 {s} 秒后重试。',
    notManager: '只有在职的管理员可以使用控制台。',
    sessionEnded: '会话已结束，请重新登录。',
    navDashboard: '数据看板',
    navReview: '待审核',
    navTerritories: '片区与业务员',
    navNight: '夜间任务',
    navAssignment: '客户分配',
    navGrading: '客户分级',
    navPool: '公海',
    navCustomers: '客户',
    navImport: '导入',
    noRuns: '夜间任务尚未运行。',
    run: '运行',
    trigger: '触发方式',
    started: '开始',
    finished: '结束',
    step: '步骤',
    attempts: '尝试次数',
    result: '结果',
    loading: '加载中…',
    failed: '加载失败：{m}',
    tiersCompany: '客户分级 — 全公司',
    tiersByRep: '客户分级 — 各业务员',
    tiersByTerritory: '各片区客户数',
    notGraded: '未分级',
    noGrades: '尚未分级：运行一次分级后即可看到客户等级。',
    atRisk: '流失风险客户',
    customer: '客户',
    rep: '业务员',
    tier: '等级',
    lifecycle: '生命周期',
    reasons: '原因',
    none: '无。',
    portfolio: '业务员客户组合',
    customers: '客户数',
    followUpsDue: '待跟进',
    followUpsOverdue: '跟进逾期',
    visitsDue: '待拜访',
    visitsOverdue: '拜访逾期',
    revenue: '销售额',
    deviceHealth: '设备状态',
    device: '设备',
    lastSync: '最近同步',
    address: '地址',
    state: '状态',
    never: '从未',
    revoked: '已吊销',
    inUse: '使用中',
    reviewTitle: '待审核的修改',
    reviewHelp: '客户转给其他业务员之后，原设备上做的修改会在这里等待审核。“采纳”写入该修改，“驳回”丢弃它。',
    field: '字段',
    current: '当前值',
    diverted: '待审修改',
    by: '提交人',
    apply: '采纳',
    dismiss: '驳回',
    applied: '已采纳。',
    dismissed: '已驳回。',
    nothingToReview: '没有待审核的内容。',
    territoriesTitle: '片区',
    territory: '片区',
    region: '区域',
    repsTitle: '业务员与管理员',
    role: '角色',
    active: '在职',
    yes: '是',
    no: '否',
    moveTitle: '把客户转给其他业务员',
    customerId: '客户编号',
    toRep: '新业务员',
    reason: '原因（可选）',
    move: '转移',
    moved: '已把 {c} 转给 {r}，其设备将在下次同步时更新。',
    required: '必填。',
    assignTitle: '把片区分配给业务员',
    assign: '分配',
    assigned: '片区 {t} 已分配给 {r}。',
    reasonCol: '原因',
    save: '保存',
    saved: '已保存。',
    cancel: '取消',
    name: '名称',
    id: '编号',
  },
};

const stored = (() => {
  try {
    return localStorage.getItem('fb_lang');
  } catch {
    return null;
  }
})();
let lang = stored && dictionaries[stored] ? stored
  : (navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en';

export function currentLang() {
  return lang;
}

export function setLang(next) {
  if (!dictionaries[next]) return;
  lang = next;
  try {
    localStorage.setItem('fb_lang', next);
  } catch {
    // private mode: the choice lasts for this page only
  }
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
}

// A page's own strings, in both languages (a key in one only is reported by missingStrings()).
// A key another page already gave a different text is a clash (reported by missingStrings()).
const clashes = [];
export function addStrings({ en, zh }) {
  for (const [lang, strings] of [['en', en], ['zh', zh]]) {
    for (const [key, text] of Object.entries(strings)) {
      if (key in dictionaries[lang] && dictionaries[lang][key] !== text) clashes.push('clash:' + lang + ':' + key);
      dictionaries[lang][key] = text;
    }
  }
}

export function missingStrings() {
  const en = Object.keys(dictionaries.en), zh = Object.keys(dictionaries.zh);
  return [...en.filter((k) => !(k in dictionaries.zh)).map((k) => 'zh:' + k),
    ...zh.filter((k) => !(k in dictionaries.en)).map((k) => 'en:' + k), ...clashes];
}

// The schema's enumeration labels ({"stage.deciding": {en, zh}}: GET /v1/admin/labels, loaded once
// signed in) and a code shown by its label in the current language ("stage", "deciding" ->
// "Deciding" / "决策中"); a code without one is shown as it is. The column a code is stored in
// names its enumeration (COLUMN_ENUMERATIONS: "purpose" -> "purpose", "purchase_stage" -> "stage").
let labels = {};
export function setLabels(next) {
  labels = next || {};
}
export const COLUMN_ENUMERATIONS = {
  customer_type: 'type', purchase_stage: 'stage', relationship: 'relationship', region_class: 'region',
  purpose: 'purpose', outcome: 'outcome', lifecycle: 'lifecycle', grade_lifecycle: 'lifecycle',
  status: 'task_status', kind: 'task_kind',
};
export function codeLabel(enumeration, code) {
  if (code === null || code === undefined || code === '') return '';
  const l = labels[enumeration + '.' + code];
  return l ? (l[lang] ?? l.en) : String(code);
}

// The server's refusals ({"http_no_rep": {en, zh}}: GET /v1/admin/labels "errors") and one refusal
// in the current language: the English is the server's own message (what it always said); in
// Chinese the code's text with the answer's "error_values" filled in ({at:date} as a date). A code
// this console does not know is shown as the server's message.
let errors = {};
export function setErrors(next) {
  errors = next || {};
}
function zhDate(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}))?/.exec(text);
  if (!m) return text;
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日` + (m[4] ? ' ' + m[4] : '');
}
export function errorText(code, values, english) {
  const e = code ? errors[code] : undefined;
  if (lang === 'en' || !e || !e[lang]) return english;
  const text = e[lang].replace(/\{(\w+)(?::([\w:]+))?\}/g, (whole, name, kind) => {
    if (!values || !(name in values)) return whole;
    const v = String(values[name]);
    if (kind === 'word') return codeLabel('word', v);  // a table by its name ("orders" -> 订单)
    return kind === 'date' ? zhDate(v) : v;
  });
  // A real import refused whole says that nothing was written ({"written": "nothing"}), as its
  // English does: "…（未写入任何内容）".
  const nothing = errors.http_import_nothing_written;
  if (values && values.written === 'nothing' && nothing && nothing[lang]) {
    return `${text}（${nothing[lang]}）`;
  }
  return text;
}

// A text the server gives in both languages ({en, zh}: grade reasons, at-risk reasons) in the
// current one; `fallback` when there is none (rows from before reasons had codes).
export function inLang(texts, fallback = '') {
  return (texts && (texts[lang] ?? texts.en)) ?? fallback;
}

export function t(key, values = {}) {
  const text = dictionaries[lang][key] ?? dictionaries.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}

setLang(lang);
