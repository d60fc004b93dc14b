import type { FeatureFlagView } from '../../../core/feature-flags/feature-flags.js';
import { type RolloutMode, rolloutModes } from '../../../core/feature-flags/rollout.js';
import { formatInstant } from '../../../core/formatting.js';
import { html } from '../escape-html.js';
import { csrfField } from '../page-shell.js';
import { renderAdminPage } from './admin-frame.js';

const modeLabels: Record<RolloutMode, string> = {
  off: 'Off: nobody sees the member billing pages',
  allow_list: 'Allow-list: only the members listed below',
  percentage: 'Percentage: a stable share of members',
  on: 'On: everyone',
};

/** The billing pages rollout switch. The bots sell whatever it says. */
export function renderRolloutPage(input: {
  flag: FeatureFlagView;
  error?: string | undefined;
  saved?: boolean | undefined;
  actor: string;
  csrfToken: string;
}): string {
  const { flag } = input;
  const modes = rolloutModes.map(
    (
      mode,
    ) => html`<div><input type="radio" id="mode-${mode}" name="mode" value="${mode}"${mode === flag.mode ? html` checked` : ''}>
<label for="mode-${mode}">${modeLabels[mode]}</label></div>`,
  );
  const body = html`<h1>Billing pages rollout</h1>
${input.error ? html`<p class="notice warning" role="alert">${input.error}</p>` : ''}
${input.saved ? html`<p class="notice success" role="status">Saved.</p>` : ''}
<p>The member billing pages (pricing, checkout and account on the web) follow this switch; the Discord, Telegram and Slack bots keep selling whatever it says.</p>
<p class="muted">Now: <strong data-figure="mode" data-value="${flag.mode}">${flag.mode}</strong>${flag.updated_by ? html`, set by <code>${flag.updated_by}</code> on ${formatInstant(flag.updated_at ?? '')}` : ''}.</p>
<form method="post" action="/admin/rollout">
${csrfField(input.csrfToken)}
<fieldset><legend>Mode</legend>${modes}</fieldset>
<label for="percentage">Percentage (0–100)</label>
<input type="number" id="percentage" name="percentage" min="0" max="100" step="1" value="${flag.percentage}">
<label for="allow-list">Allow-list: user ids, one per line</label>
<textarea id="allow-list" name="allow_list" rows="5">${flag.allow_list.join('\n')}</textarea>
<button type="submit" class="primary">Save</button>
</form>`;
  return renderAdminPage({
    title: 'Rollout',
    section: 'rollout',
    actor: input.actor,
    csrfToken: input.csrfToken,
    body,
  });
}
