import type { AutotradeStatus } from '../../../core/autotrade/autotrade-accounts.js';
import { formatInstant, formatMoney } from '../../../core/formatting.js';
import type { BrokerPosition } from '../../../core/ports/broker.js';
import { renderAccountNavigation } from '../account-navigation.js';
import { html, type SafeHtml } from '../escape-html.js';
import { csrfField, type PageViewer, renderPage } from '../page-shell.js';
import type { LockedFeaturePitch } from './locked-feature.js';

/** Paper trading only: nothing here reaches a broker or moves real money, and nothing says otherwise. */
export const autotradePitch: LockedFeaturePitch = {
  title: 'Autotrade sandbox',
  summary: 'A paper account that follows each new signal with simulated orders: no real money, no broker.',
  benefits: [
    'A paper balance that opens and closes positions at the signal’s entry, stop and targets',
    'Realized and unrealized profit and loss, per position and in total',
    'Turn following on and off at any time',
  ],
};

export type AutotradeNotice = 'enabled' | 'disabled';

const notices: Record<AutotradeNotice, string> = {
  enabled: 'Following is on: new signals open paper positions.',
  disabled: 'Following is off: unfilled orders were canceled; open positions run to their stop or targets.',
};

function positionItem(position: BrokerPosition): SafeHtml {
  const money = (minor: number) => formatMoney(minor, position.currency);
  return html`<li class="card feature-item">
<h2>${position.instrument} <span class="badge">${position.side === 'long' ? 'Long' : 'Short'}</span> <span class="badge">${position.status}</span></h2>
<dl>
<dt>Entry</dt><dd>${position.entry}</dd>
<dt>Stop</dt><dd>${position.stop}</dd>
<dt>Size</dt><dd>${money(position.notionalMinor)}</dd>
<dt>Realized PnL</dt><dd>${money(position.realisedPnlMinor)}</dd>
<dt>Unrealized PnL</dt><dd>${money(position.unrealisedPnlMinor)}</dd>
${position.openedAt ? html`<dt>Opened</dt><dd>${formatInstant(position.openedAt)}</dd>` : ''}
${position.closedAt ? html`<dt>Closed</dt><dd>${formatInstant(position.closedAt)}${position.closeReason ? ` (${position.closeReason})` : ''}</dd>` : ''}
</dl>
</li>`;
}

/** The member's paper account: balance, PnL, positions, and the switch to follow signals. */
export function renderAutotradePage(input: {
  viewer: PageViewer;
  status: AutotradeStatus;
  notice: AutotradeNotice | undefined;
}): string {
  const { status } = input;
  const { account } = status;
  const money = (minor: number) => formatMoney(minor, account?.currency ?? 'usd');
  const toggle = status.account?.enabled
    ? html`<form method="post" action="/account/autotrade/disable">${csrfField(input.viewer.csrfToken)}
<button type="submit" class="button">Stop following signals</button>
</form>`
    : html`<form method="post" action="/account/autotrade/enable">${csrfField(input.viewer.csrfToken)}
<button type="submit" class="button primary">Follow signals with a paper account</button>
</form>`;
  const figures = account
    ? html`<dl class="feature-figures">
<dt>Following</dt><dd>${status.following ? 'Yes' : 'No'}</dd>
<dt>Balance</dt><dd>${money(account.balanceMinor)} <span class="muted">(started at ${money(account.startingBalanceMinor)})</span></dd>
<dt>Equity</dt><dd>${status.equityMinor === null ? '—' : money(status.equityMinor)}</dd>
<dt>Realized PnL</dt><dd>${money(account.realisedPnlMinor)}</dd>
<dt>Unrealized PnL</dt><dd>${money(status.unrealisedPnlMinor)}</dd>
<dt>Open positions</dt><dd>${status.openPositions}</dd>
<dt>Pending orders</dt><dd>${status.pendingOrders}</dd>
</dl>`
    : html`<p>You have no paper account yet: following signals creates one.</p>`;
  return renderPage({
    title: 'Autotrade sandbox',
    viewer: input.viewer,
    current: 'account',
    body: html`${renderAccountNavigation('autotrade')}
<section class="card narrow feature-card">
${input.notice ? html`<p class="notice success" role="status">${notices[input.notice]}</p>` : ''}
<h1>Autotrade sandbox</h1>
<p>Paper trading: simulated orders on a paper balance. No real money moves and no broker is involved.</p>
${figures}
${toggle}
</section>
${
  status.positions.length === 0
    ? ''
    : html`<h2 class="section-heading">Recent positions</h2>
<ul class="feature-list" aria-label="Recent positions">${status.positions.map(positionItem)}</ul>`
}`,
  });
}
