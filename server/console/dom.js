// Small DOM helpers: elements are built with textContent only (never innerHTML), so nothing the
// server returns can become markup.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      el.className = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

let nextId = 0;
// A labelled input: <label for=id>text</label><input id=id ...>.
export function field(label, input) {
  const id = input.id || 'f' + ++nextId;
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), input);
}

export function table(headers, rows, caption) {
  return h('table', {},
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))));
}

export function message(kind, text) {
  return h('p', { class: 'msg ' + kind, role: kind === 'error' ? 'alert' : 'status' }, text);
}

// A validation message next to `input` (aria-invalid, aria-describedby), or none when `text` is
// empty.
export function fieldError(input, text) {
  const id = input.id + '-error';
  let note = document.getElementById(id);
  if (!text) {
    if (note) note.remove();
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
    return;
  }
  if (!note) {
    note = h('span', { id, class: 'field-error', role: 'alert' });
    (input.closest('.field') || input.parentNode).append(note);
  }
  note.textContent = text;
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', id);
}

export function clearFieldErrors(root) {
  for (const input of root.querySelectorAll('[aria-invalid="true"]')) fieldError(input, '');
}

// A form the page checks itself (novalidate): on submit the browser's default is prevented and the
// field errors of the last try are cleared before submit(e) runs.
export function cardForm(attrs, submit, ...children) {
  const form = h('form', {
    ...attrs,
    novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      clearFieldErrors(form);
      await submit(e);
    },
  }, ...children);
  return form;
}

// The server names the bad field in its refusal's values (an ApiError's `field`) or first in its
// message ("monetary.thresholds: must be 4 ascending numbers"); the input whose data-path is that
// field (or the closest one above it, "tiers[2].min_score" -> "tiers[2]" -> "tiers") gets the
// message (in the console's language; without the field's name when the message starts with it).
// `err` is an ApiError or a message. Returns whether an input got it.
export function serverFieldError(root, err) {
  const text = typeof err === 'string' ? err : err?.message;
  const m = /^([\w.[\]-]+): (.*)$/s.exec(text || '');
  let path = typeof err === 'object' && err?.field ? String(err.field) : m?.[1];
  if (!path) return false;
  const shown = m && m[1] === path ? m[2] : text;
  for (;;) {
    const input = root.querySelector(`[data-path="${CSS.escape(path)}"]`);
    if (input) {
      fieldError(input, shown);
      input.focus();
      return true;
    }
    const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    if (cut <= 0) return false;
    path = path.slice(0, cut);
  }
}

// A <select> of the active reps (role rep), with an empty first choice.
export function repSelect(reps, id, empty = '—') {
  return h('select', { id },
    h('option', { value: '' }, empty),
    reps.filter((r) => r.role === 'rep' && r.active).map((r) =>
      h('option', { value: r.id }, (r.name || r.id) + ' (' + r.id + ')')));
}

export function when(text) {
  return text ? new Date(text).toLocaleString() : '—';
}
