import type { UpgradeOffer } from '../../../core/catalog/cheapest-plan-with-feature.js';
import { formatInstant } from '../../../core/formatting.js';
import type { DelayedSignal } from '../../../core/signals/delayed-signals.js';
import type { PublishedSignal } from '../../../core/signals/published-signal.js';
import { html, type SafeHtml } from '../escape-html.js';
import { type PageViewer, renderPage } from '../page-shell.js';
import { renderUpgradeButton } from './upgrade-button.js';

export interface SignalFeedPageInput {
  viewer: PageViewer;
  now: Date;
  planName: string;
  /** Today's deliveries against the plan's daily limit (undefined: the plan sets none). */
  quota: { used: number; limit: number | undefined };
  delaySeconds: number;
  /** Newest first; what the member's tier shows now. */
  signals: PublishedSignal[];
  /** Newest first; signals still inside the member's delay (time only, never content). */
  delayed: DelayedSignal[];
  /** The cheapest plan with real-time signals, for the locked cards. */
  offer: UpgradeOffer | undefined;
}

function minutesAgo(now: Date, then: Date): string {
  const minutes = Math.floor((now.getTime() - then.getTime()) / 60_000);
  if (minutes < 1) return 'less than a minute ago';
  return minutes === 1 ? '1 minute ago' : `${minutes} minutes ago`;
}

function lockedCard(signal: DelayedSignal, input: SignalFeedPageInput): SafeHtml {
  const realTime = input.offer ? html`${input.offer.planName} shows signals in real time.` : '';
  return html`<li class="card signal-card locked" aria-label="Signal not yet shown on your plan">
<p><span class="badge">Locked</span> A signal was published ${minutesAgo(input.now, signal.publishedAt)}.</p>
<p>${realTime} On your plan it appears at ${formatInstant(signal.visibleAt)}.</p>
<div class="actions">${renderUpgradeButton(input.offer, input.viewer.csrfToken)}</div>
</li>`;
}

function signalCard(signal: PublishedSignal): SafeHtml {
  return html`<li class="card signal-card">
<h2>${signal.instrument} <span class="badge">${signal.side === 'long' ? 'Long' : 'Short'}</span></h2>
<dl>
<dt>Entry</dt><dd>${signal.entry}</dd>
<dt>Stop</dt><dd>${signal.stop}</dd>
<dt>Targets</dt><dd>${signal.targets.join(', ') || '—'}</dd>
</dl>
${signal.note ? html`<p>${signal.note}</p>` : ''}
<p class="muted"><small>#${signal.sequence}, published ${formatInstant(signal.publishedAt)}</small></p>
</li>`;
}

function quotaLine(input: SignalFeedPageInput): SafeHtml {
  const { used, limit } = input.quota;
  if (limit === undefined) return html`<p>${used} signals delivered today.</p>`;
  return html`<p><strong>${used} of ${limit}</strong> signals today <span class="muted">(your ${input.planName} daily limit, counted in UTC)</span>.</p>`;
}

/** The member's signal feed: what their tier shows now, and a locked card per signal it shows later. */
export function renderSignalFeedPage(input: SignalFeedPageInput): string {
  const delayMinutes = Math.round(input.delaySeconds / 60);
  const timing =
    input.delaySeconds > 0
      ? html`<p>Your plan shows each signal ${delayMinutes} minutes after it is published.</p>`
      : html`<p>Your plan shows signals in real time.</p>`;
  const empty =
    input.signals.length === 0 && input.delayed.length === 0
      ? html`<p class="muted feature-empty">No signals in your window yet.</p>`
      : '';
  return renderPage({
    title: 'Signals',
    viewer: input.viewer,
    current: 'signals',
    body: html`<section class="card feature-card signal-feed-intro">
<h1>Signals</h1>
${timing}
${quotaLine(input)}
</section>
${empty}
<ol class="signal-feed">
${input.delayed.map((signal) => lockedCard(signal, input))}
${input.signals.map(signalCard)}
</ol>`,
  });
}
