// The console's only way to the server: the admin API (docs/server.md) with the session cookie
// (sent by the browser, HttpOnly) and, on every state change, the session's CSRF token.
import { errorText } from './i18n.js';

let csrf = '';

export function setCsrf(token) {
  csrf = token || '';
}

// A refused request: `message` in the console's language (the server's English, or its
// "error_code" in Chinese: i18n.js errorText), `english` the server's own words, `phrase` and
// `values` its error_code and error_values, `field` the field it names (values.field) when any.
export class ApiError extends Error {
  constructor(status, code, message, phrase = '', values = {}, english = message) {
    super(message);
    this.status = status;
    this.code = code;
    this.phrase = phrase;
    this.values = values;
    this.english = english;
    this.field = values.field;
  }
}

// The error of a refused request: the server's {"error": {"code", "message"}, "error_code",
// "error_values"} when it sent one.
export function errorOf(status, data, fallback) {
  const error = data && data.error ? data.error : {};
  const english = error.message || fallback;
  const phrase = data && typeof data.error_code === 'string' ? data.error_code : '';
  const values = data && data.error_values && typeof data.error_values === 'object' ? data.error_values : {};
  return new ApiError(status, error.code || 'http_' + status, errorText(phrase, values, english), phrase, values,
    english);
}

export async function api(method, path, body) {
  const options = { method, headers: {}, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  if (method !== 'GET' && method !== 'HEAD') options.headers['X-CSRF-Token'] = csrf;
  const response = await fetch(path, options);
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) throw errorOf(response.status, data, response.statusText);
  return data;
}

export const get = (path) => api('GET', path);

// PUTs new rules (grading, assignment) and keeps rules.version to the version now in force, which
// it returns.
export async function putRules(path, rules, next) {
  const r = await api('PUT', path, next);
  rules.version = r.version;
  return r.version;
}
export const post = (path, body) => api('POST', path, body === undefined ? {} : body);

// A file's bytes as the body (the import routes take the sheet itself, not JSON), sent with
// XMLHttpRequest so that `onProgress(sent, total)` can follow the upload (fetch cannot).
export function upload(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    if (onProgress) {
      const sent = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
      xhr.upload.addEventListener('progress', sent);
      xhr.upload.addEventListener('load', sent);
    }
    xhr.addEventListener('load', () => {
      let data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(errorOf(xhr.status, data, xhr.statusText));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'network', 'the upload did not reach the server')));
    xhr.send(file);
  });
}
