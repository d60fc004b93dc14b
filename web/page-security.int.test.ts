import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createTestApp, type TestApp } from '../core/testing/test-core.js';
import { createFormClient } from './testing/form-client.js';

let test: TestApp;

beforeAll(async () => {
  test = await createTestApp();
});

afterAll(async () => {
  await test?.close();
});

describe('page security', () => {
  it('every page carries a strict CSP (nothing inline, nothing from elsewhere) and the security headers', async () => {
    for (const url of ['/', '/pricing', '/sign-in', '/checkout/success', '/checkout/canceled']) {
      const page = await test.app.inject({ method: 'GET', url });
      expect(page.statusCode, url).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      const policy = String(page.headers['content-security-policy']);
      expect(policy).toContain("default-src 'self'");
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain("style-src 'self'");
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).not.toContain('unsafe-inline');
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(page.headers['referrer-policy']).toBe('same-origin');
      // Nothing inline for the CSP to refuse, and no asset from another origin.
      expect(page.body).not.toMatch(/<style|<script>|\sstyle="|\son[a-z]+="/i);
      expect(page.body).not.toMatch(/(src|href)="(https?:)?\/\/(?!shop\.test)/);
      expect(page.body).toMatch(/<link rel="stylesheet" href="\/assets\/site\.css\?v=[0-9a-f]{12}">/);
    }
  });

  it('every page has the one frame: skip link, header navigation, main landmark and footer', async () => {
    const page = await test.app.inject({ method: 'GET', url: '/pricing' });
    expect(page.body).toContain('<a class="skip-link" href="#main">Skip to content</a>');
    expect(page.body).toContain('<nav aria-label="Main">');
    expect(page.body).toContain('<main id="main" tabindex="-1">');
    expect(page.body).toContain('<footer class="site-footer">');
    expect(page.body).toContain('<html lang="en">');
    expect(page.body).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  });

  it('the stylesheet and scripts are served locally with a year of immutable caching', async () => {
    const page = await test.app.inject({ method: 'GET', url: '/pricing' });
    for (const asset of [...page.body.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((match) => match[1]!)) {
      const response = await test.app.inject({ method: 'GET', url: asset.replaceAll('&amp;', '&') });
      expect(response.statusCode, asset).toBe(200);
      expect(String(response.headers['cache-control'])).toContain('max-age=31536000');
      expect(String(response.headers['cache-control'])).toContain('immutable');
    }
    const script = await test.app.inject({ method: 'GET', url: '/assets/pricing.js' });
    expect(script.headers['content-type']).toContain('javascript');
  });

  it('a form post without the CSRF token is refused with 403 csrf_token_invalid; with it, accepted', async () => {
    const browser = createFormClient(test.app);
    await browser.get('/sign-in');
    const refused = await browser.post('/sign-in', { email: 'someone@example.com' }, { withToken: false });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toContain('text/html');
    expect(refused.body).toContain('csrf_token_invalid');

    const forged = await browser.post('/sign-in', { email: 'someone@example.com', _csrf: 'forged-token' });
    expect(forged.statusCode).toBe(403);

    const accepted = await browser.post('/sign-in', { email: 'someone@example.com' });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.body).toContain('a sign-in link is on its way');
  });

  it('a scripted form post without a token gets the JSON envelope with the same stable code', async () => {
    const refused = await test.app.inject({
      method: 'POST',
      url: '/sign-out',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('csrf_token_invalid');
  });

  it('the JSON API, admin API and provider webhooks take no CSRF token', async () => {
    const api = await test.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'a@example.com' } });
    expect(api.statusCode).toBe(202);
    const admin = await test.app.inject({ method: 'GET', url: '/admin/plans', headers: adminHeaders });
    expect(admin.statusCode).toBe(200);
    const webhook = await test.postSandboxWebhook(JSON.stringify({ id: 'evt_unknown', type: 'ping', data: {} }));
    expect(webhook.statusCode).not.toBe(403);
  });

  it('the CSRF cookie is HttpOnly and SameSite=Lax', async () => {
    const page = await test.app.inject({ method: 'GET', url: '/pricing' });
    const csrfCookie = page.cookies.find((cookie) => cookie.name === '_csrf');
    expect(csrfCookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  });

  it('a plan name or description holding markup is rendered as text on the pricing page', async () => {
    const created = await test.app.inject({
      method: 'POST',
      url: '/admin/plans',
      headers: adminHeaders,
      payload: {
        id: 'hostile',
        kind: 'tier',
        name: '<script>alert(1)</script>',
        description: '"><img src=x onerror=alert(2)>',
        rank: 5,
        features: ['community_basic'],
        prices: [{ interval: 'month', amount_minor: 100 }],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const page = await test.app.inject({ method: 'GET', url: '/pricing' });
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).not.toContain('<img src=x');
  });
});
