import { describe, expect, it } from 'vitest';
import { formatMoney, renderSandboxCheckoutPage, renderSandboxResultPage } from './sandbox-checkout-page.js';

const actions = { payAction: '/sandbox/checkout/sbx_cs_1/pay', declineAction: '/sandbox/checkout/sbx_cs_1/decline' };

const checkout = {
  id: 'sbx_cs_1',
  status: 'open',
  mode: 'subscription' as const,
  lines: [{ planName: 'Pro', amountMinor: 4900, currency: 'usd', interval: 'month' as const, quantity: 1 }],
  expiresAt: new Date('2025-02-01T12:00:00Z'),
};

describe('sandbox checkout page', () => {
  it('formats dollars with a sign and other currencies with their code', () => {
    expect(formatMoney(4900, 'usd')).toBe('$49.00');
    expect(formatMoney(4900, 'eur')).toBe('49.00 EUR');
    expect(formatMoney(123456, 'usd')).toBe('$1,234.56');
    expect(formatMoney(4900, 'jpy')).toBe('4,900 JPY');
  });

  it('an open checkout shows the sandbox label, the order, the total and Pay and Decline forms', () => {
    const page = renderSandboxCheckoutPage(
      {
        ...checkout,
        lines: [...checkout.lines, { ...checkout.lines[0]!, planName: 'Extra seat', amountMinor: 500, quantity: 2 }],
      },
      actions,
    );
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('Sandbox checkout — no real money moves');
    expect(page).toContain('$49.00 per month');
    expect(page).toContain('Extra seat × 2');
    expect(page).toContain('$59.00');
    expect(page).toContain(
      '<form method="post" action="/sandbox/checkout/sbx_cs_1/pay"><button type="submit" class="pay">Pay</button>',
    );
    expect(page).toContain(
      'action="/sandbox/checkout/sbx_cs_1/decline"><button type="submit" class="decline">Decline</button>',
    );
    // Only the site stylesheet: no scripts, nothing from another origin.
    expect(page).not.toMatch(/<script\b|src=/);
    expect(page).toMatch(/<link rel="stylesheet" href="\/assets\/site\.css\?v=[0-9a-f]{12}">/);
  });

  it('a promo code’s discount is shown as its own line and taken off the total due today', () => {
    const page = renderSandboxCheckoutPage(
      { ...checkout, amountDiscountMinor: 980, discountCode: 'SPRING20' },
      actions,
    );
    expect(page).toContain('<span>Promo SPRING20</span><span>−$9.80</span>');
    expect(page).toContain('<span>Total due today</span><span>$39.20</span>');
  });

  it('a malicious plan name is shown as text, never run as markup', () => {
    const page = renderSandboxCheckoutPage(
      {
        ...checkout,
        id: '"><img src=x onerror=alert(2)>',
        lines: [{ ...checkout.lines[0]!, planName: '<script>alert("pwned")</script>' }],
      },
      actions,
    );
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('<img');
    expect(page).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
  });

  it('a checkout that is no longer open offers no buttons', () => {
    const page = renderSandboxCheckoutPage({ ...checkout, status: 'completed' }, actions);
    expect(page).not.toContain('<form');
    expect(page).toContain('This checkout is completed');
  });

  it('the result page escapes its title and message', () => {
    const page = renderSandboxResultPage('Paid <b>', 'Thanks & welcome');
    expect(page).toContain('<h1>Paid &lt;b&gt;</h1>');
    expect(page).toContain('<p>Thanks &amp; welcome</p>');
    expect(page).toContain('Sandbox checkout — no real money moves');
  });
});
