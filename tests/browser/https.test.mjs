// The console over real HTTPS (issue #16): the server started with --tls-cert/--tls-key on a
// throwaway self-signed certificate made by openssl for 127.0.0.1; a manager signs in and out in
// the browser; the session cookie is Secure, HttpOnly and SameSite=Strict there; every answer
// carries the Content-Security-Policy and HSTS; plain HTTP to the same port gets no page.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { PASSWORD, launchBrowser, loadPlaywright, openPage, shot, startServer } from './harness.mjs';

const playwright = await loadPlaywright();

describe('the console over HTTPS', () => {
  let srv;
  let browser;
  before(async () => {
    srv = await startServer({ tls: true });
    browser = await launchBrowser(playwright);
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  test('sign-in sets a Secure, HttpOnly, SameSite=Strict cookie, with CSP and HSTS', async () => {
    assert.match(srv.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const { page, context, problems } = await openPage(browser, { selfSigned: true });
    const first = await page.goto(srv.url + '/');
    assert.equal(new URL(page.url()).protocol, 'https:');
    assert.equal(new URL(page.url()).pathname, '/console/');
    const headers = first.headers();
    assert.match(headers['content-security-policy'], /default-src 'none'/);
    assert.match(headers['content-security-policy'], /script-src 'self'/);
    assert.match(headers['content-security-policy'], /frame-ancestors 'none'/);
    assert.match(headers['strict-transport-security'], /max-age=\d+/);
    assert.equal(headers['x-content-type-options'], 'nosniff');

    await page.getByLabel('Manager id').fill('mgr');
    await page.getByLabel('Password').fill(PASSWORD);
    const [login] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/v1/admin/login')),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    assert.equal(login.status(), 200);
    const setCookie = (await login.headerValue('set-cookie')) || '';
    assert.match(setCookie, /fb_session=/);
    assert.match(setCookie, /; Secure/);
    assert.match(setCookie, /; HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    const session = (await context.cookies()).find((c) => c.name === 'fb_session');
    assert.ok(session, 'a session cookie');
    assert.equal(session.secure, true);
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => document.cookie), '');
    // The JSON API's answers carry the policy too.
    const api = await page.request.get(srv.url + '/v1/admin/session');
    assert.equal(api.status(), 200);
    assert.match(api.headers()['content-security-policy'] || '', /default-src 'none'/);
    await shot(page, 'dashboard-https');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Manager id').waitFor();
    assert.equal((await page.request.get(srv.url + '/v1/admin/reps')).status(), 401);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('plain HTTP on the HTTPS port gets no console page', async () => {
    const port = new URL(srv.url).port;
    const answer = await new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/console/', timeout: 5000 }, (res) => {
        let body = '';
        res.on('data', (d) => { body += d; });
        res.on('end', () => resolve({ status: res.statusCode, body }));
      });
      req.on('error', (e) => resolve({ error: e.code || e.message }));
      req.on('timeout', () => req.destroy(new Error('timeout')));
    });
    assert.ok(answer.error || !/<html/i.test(answer.body), JSON.stringify(answer).slice(0, 200));
  });
});
