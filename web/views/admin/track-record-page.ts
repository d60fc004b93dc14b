import { formatInstant } from '../../../core/formatting.js';
import type { PublishedSignal } from '../../../core/signals/published-signal.js';
import type { ChainReport } from '../../../core/signals/verify-signal-chain.js';
import { html } from '../escape-html.js';
import { csrfField } from '../page-shell.js';
import { renderAdminPage } from './admin-frame.js';

/** What the publish form holds: the owner's text as typed, so a refused form comes back as it was. */
export interface SignalFormValues {
  instrument: string;
  side: string;
  entry: string;
  stop: string;
  targets: string;
  note: string;
  /** One per form shown: a double-click or a resent form publishes once. */
  idempotency_key: string;
}

export interface TrackRecordRow {
  signal: PublishedSignal;
  /** Delivery rows by status: how the fan-out to members and channels ended. */
  deliveries: Record<string, number>;
}

const breakReasons: Record<Extract<ChainReport, { ok: false }>['reason'], string> = {
  hash_mismatch: 'its stored fields no longer give its hash (edited after publication)',
  previous_hash_mismatch: 'it does not point at the hash of the signal before it',
  sequence_gap: 'the signal before it is missing (deleted)',
};

const deliveryText = (deliveries: Record<string, number>) => {
  const entries = Object.entries(deliveries).sort(([left], [right]) => left.localeCompare(right));
  return entries.length ? entries.map(([status, count]) => `${count} ${status.replaceAll('_', ' ')}`).join(', ') : '—';
};

/** The publish form and the track record, with the hash chain checked from the first signal. */
export function renderTrackRecordPage(input: {
  form: SignalFormValues;
  error?: { message: string; code: string } | undefined;
  published?: number | undefined;
  chain: ChainReport;
  recent: TrackRecordRow[];
  actor: string;
  csrfToken: string;
}): string {
  const { form, chain } = input;
  const sideOption = (side: 'long' | 'short') =>
    html`<option value="${side}"${form.side === side ? html` selected` : ''}>${side}</option>`;
  const verification = chain.ok
    ? html`<p class="notice success" role="status" data-figure="chain" data-value="verified">Chain verified: ${chain.count} signal${chain.count === 1 ? '' : 's'}, each following from the one before.</p>`
    : html`<p class="notice warning" role="alert" data-figure="chain" data-value="broken">Chain broken at signal #${chain.brokenAt}: ${breakReasons[chain.reason]}. The ${chain.count} before it verify.</p>`;
  const rows = input.recent.map(
    ({ signal, deliveries }) => html`<tr>
<th scope="row">#${signal.sequence}</th><td>${formatInstant(signal.publishedAt)}</td><td>${signal.instrument}</td><td>${signal.side}</td>
<td>${signal.entry}</td><td>${signal.stop}</td><td>${signal.targets.join(', ')}</td><td>${signal.note ?? '—'}</td>
<td>${deliveryText(deliveries)}</td><td><code title="${signal.hash}">${signal.hash.slice(0, 12)}</code></td></tr>`,
  );
  const body = html`<h1>Signals</h1>
${input.published ? html`<p class="notice success" role="status">Published signal #${input.published}. Fan-out by tier has started.</p>` : ''}
<section aria-labelledby="publish-heading" class="card">
<h2 id="publish-heading">Publish a signal</h2>
${input.error ? html`<div class="notice warning" role="alert"><p>${input.error.message}</p><p><small>Code: <code data-figure="error-code" data-value="${input.error.code}">${input.error.code}</code></small></p></div>` : ''}
<p class="muted">The same checks as <code>/admin signal</code> and <code>POST /v1/signals</code>: a long’s stop below its entry and targets above it, a short the other way round.</p>
<form method="post" action="/admin/track-record">
${csrfField(input.csrfToken)}
<input type="hidden" name="idempotency_key" value="${form.idempotency_key}">
<div class="form-row">
<div><label for="signal-instrument">Instrument</label><input type="text" id="signal-instrument" name="instrument" value="${form.instrument}" maxlength="40" placeholder="BTCUSDT" required></div>
<div><label for="signal-side">Side</label><select id="signal-side" name="side">${sideOption('long')}${sideOption('short')}</select></div>
</div>
<div class="form-row">
<div><label for="signal-entry">Entry</label><input type="text" inputmode="decimal" id="signal-entry" name="entry" value="${form.entry}" maxlength="40" required></div>
<div><label for="signal-stop">Stop</label><input type="text" inputmode="decimal" id="signal-stop" name="stop" value="${form.stop}" maxlength="40" required></div>
<div><label for="signal-targets">Targets, comma-separated</label><input type="text" id="signal-targets" name="targets" value="${form.targets}" maxlength="400" required></div>
</div>
<label for="signal-note">Note (optional)</label>
<input type="text" id="signal-note" name="note" value="${form.note}" maxlength="500">
<p><button type="submit" class="primary">Publish</button></p>
</form>
</section>

<h2>Track record</h2>
${verification}
<div class="table-scroll"><table>
<caption>The latest ${input.recent.length} published signals, newest first</caption>
<thead><tr><th scope="col">Signal</th><th scope="col">Published</th><th scope="col">Instrument</th><th scope="col">Side</th><th scope="col">Entry</th><th scope="col">Stop</th><th scope="col">Targets</th><th scope="col">Note</th><th scope="col">Deliveries</th><th scope="col">Hash</th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="10">Nothing published yet.</td></tr>`}</tbody>
</table></div>`;
  return renderAdminPage({
    title: 'Signals',
    section: 'signals',
    actor: input.actor,
    csrfToken: input.csrfToken,
    body,
  });
}
