import { formatInstant } from '../../core/formatting.js';
import { html, type SafeHtml } from './escape-html.js';
import { renderPage } from './page-shell.js';

export interface SandboxCheckoutPageLine {
  planName: string;
  amountMinor: number;
  currency: string;
  interval: 'month' | 'year' | 'one_time';
  quantity: number;
}

export interface SandboxCheckoutPageInput {
  id: string;
  status: string;
  mode: 'subscription' | 'payment';
  lines: SandboxCheckoutPageLine[];
  expiresAt: Date;
  /** A promo code's discount on what is due today (in the lines' currency), and the code. */
  amountDiscountMinor?: number;
  discountCode?: string | null;
}

// Minor units per major unit depend on the currency (JPY has none); Intl knows each one.
function fractionDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** "$49.00" for US dollars, "49.00 EUR" for anything else. */
export function formatMoney(amountMinor: number, currency: string): string {
  const digits = fractionDigits(currency);
  const amount = new Intl.NumberFormat('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(amountMinor / 10 ** digits);
  return currency.toLowerCase() === 'usd' ? `$${amount}` : `${amount} ${currency.toUpperCase()}`;
}

const intervalLabels: Record<SandboxCheckoutPageLine['interval'], string> = {
  month: 'per month',
  year: 'per year',
  one_time: 'one-time',
};

/**
 * One figure per currency: lines in different currencies are never added together. A discount
 * is in the checkout's currency (the first line's), as the sandbox charges it.
 */
function totals(lines: SandboxCheckoutPageLine[], discountMinor: number): string {
  const byCurrency = new Map<string, number>();
  for (const line of lines)
    byCurrency.set(line.currency, (byCurrency.get(line.currency) ?? 0) + line.amountMinor * line.quantity);
  const discounted = lines[0]?.currency;
  if (discounted) byCurrency.set(discounted, Math.max(0, (byCurrency.get(discounted) ?? 0) - discountMinor));
  return [...byCurrency].map(([currency, amount]) => formatMoney(amount, currency)).join(' + ');
}

function page(title: string, content: SafeHtml): string {
  return renderPage({
    title,
    body: html`<section class="card narrow sandbox">
<div class="banner" role="note">Sandbox checkout — no real money moves</div>
${content}
</section>`,
  });
}

/**
 * The hosted page of the offline sandbox provider: the order, its total, and a Pay and a
 * Decline button that post to the given actions. Only an open checkout shows the buttons.
 */
export function renderSandboxCheckoutPage(
  checkout: SandboxCheckoutPageInput,
  options: { payAction: string; declineAction: string },
): string {
  const open = checkout.status === 'open';
  const lines = checkout.lines.map(
    (line) => html`<li>
<span>${line.planName}${line.quantity > 1 ? ` × ${line.quantity}` : ''}</span>
<span>${formatMoney(line.amountMinor * line.quantity, line.currency)} ${intervalLabels[line.interval]}</span>
</li>
`,
  );
  const actions = open
    ? html`<div class="actions">
<form method="post" action="${options.declineAction}"><button type="submit" class="decline">Decline</button></form>
<form method="post" action="${options.payAction}"><button type="submit" class="pay">Pay</button></form>
</div>
<p class="muted">Expires ${formatInstant(checkout.expiresAt)}</p>`
    : html`<p>This checkout is ${checkout.status} and can no longer be paid.</p>`;
  const discountMinor = checkout.amountDiscountMinor ?? 0;
  const discount =
    discountMinor > 0 && checkout.lines[0]
      ? html`<li><span>Promo ${checkout.discountCode ?? ''}</span><span>−${formatMoney(discountMinor, checkout.lines[0].currency)}</span></li>
`
      : '';
  return page(
    'Sandbox checkout',
    html`<h1>${checkout.mode === 'subscription' ? 'Start your subscription' : 'Complete your purchase'}</h1>
<ul>
${lines}${discount}</ul>
<div class="total"><span>Total due today</span><span>${totals(checkout.lines, discountMinor)}</span></div>
${actions}
<p class="muted">Checkout ${checkout.id}</p>`,
  );
}

/**
 * What the member sees after paying or declining; `next` is the shop page the provider would
 * send them back to (Stripe redirects to the success URL, the sandbox offers the link).
 */
export function renderSandboxResultPage(
  title: string,
  message: string,
  next?: { href: string; label: string },
): string {
  return page(
    title,
    html`<h1>${title}</h1>\n<p>${message}</p>${next ? html`\n<p><a href="${next.href}">${next.label}</a></p>` : ''}`,
  );
}
