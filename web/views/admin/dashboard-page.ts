import type { Dashboard, PeriodPreset } from '../../../core/admin-web/dashboard.js';
import { formatDate, formatMoney } from '../../../core/formatting.js';
import { html, type SafeHtml } from '../escape-html.js';
import { renderAdminPage } from './admin-frame.js';
import { renderBarChart } from './bar-chart.js';

/**
 * Every number carries its raw value in data-figure/data-value: the test compares them with
 * GET /admin/revenue, and the visible text is only its formatting.
 */
const figure = (key: string, value: number | null, shown: string | number) =>
  html`<td data-figure="${key}" data-value="${value === null ? '' : String(value)}">${shown}</td>`;

const basisPoints = (value: number | null) => (value === null ? '—' : `${(value / 100).toFixed(2)} %`);

const presetLabels: Record<PeriodPreset, string> = {
  this_month: 'This month',
  last_month: 'Last month',
  last_30_days: 'Last 30 days',
  last_90_days: 'Last 90 days',
};

function periodForm(selection: { preset?: string | undefined; from?: string | undefined; to?: string | undefined }) {
  const options = (Object.keys(presetLabels) as PeriodPreset[]).map((preset) =>
    preset === (selection.preset ?? 'this_month') && !selection.from
      ? html`<option value="${preset}" selected>${presetLabels[preset]}</option>`
      : html`<option value="${preset}">${presetLabels[preset]}</option>`,
  );
  return html`<form method="get" action="/admin/dashboard" class="form-row">
<div><label for="preset">Period</label><select id="preset" name="preset">${options}</select></div>
<div><label for="from">Or from (UTC day)</label><input type="date" id="from" name="from" value="${selection.from ?? ''}"></div>
<div><label for="to">to, inclusive</label><input type="date" id="to" name="to" value="${selection.to ?? ''}"></div>
<div><button type="submit">Show</button></div>
</form>`;
}

const table = (caption: string, head: string[], rows: SafeHtml[]) => html`<div class="table-scroll"><table>
<caption>${caption}</caption>
<thead><tr>${head.map((cell) => html`<th scope="col">${cell}</th>`)}</tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="${head.length}">None in this period.</td></tr>`}</tbody>
</table></div>`;

/** One point per day the snapshots recorded: MRR per currency and active members. */
function historySection(dashboard: Dashboard) {
  const { history } = dashboard;
  if (history.length === 0) return html`<p class="muted">No daily snapshots in this period yet.</p>`;
  const currencies = [...new Set(history.flatMap((point) => point.mrr.map((entry) => entry.currency)))].sort();
  const plans = [
    ...new Set(history.flatMap((point) => point.active_subscriptions.map((entry) => entry.plan_id))),
  ].sort();
  const activeTotal = (point: Dashboard['history'][number]) =>
    point.active_subscriptions.reduce((sum, entry) => sum + entry.count, 0);
  const primary = currencies[0];
  return html`${
    primary
      ? renderBarChart({
          caption: `MRR (${primary.toUpperCase()}) per day.`,
          categories: history.map((point) => point.day.slice(5)),
          series: [
            {
              label: 'MRR',
              className: 'chart-a',
              values: history.map((point) => point.mrr.find((entry) => entry.currency === primary)?.amount_minor ?? 0),
            },
          ],
        })
      : ''
  }
${renderBarChart({
  caption: 'Active subscriptions per day.',
  categories: history.map((point) => point.day.slice(5)),
  series: [{ label: 'active', className: 'chart-c', values: history.map(activeTotal) }],
})}
${table(
  'MRR and active members by plan, per day (recorded once a day)',
  ['Day', ...currencies.map((currency) => `MRR ${currency.toUpperCase()}`), ...plans.map((plan) => `Active ${plan}`)],
  history.map(
    (point) =>
      html`<tr><th scope="row">${point.day}</th>${currencies.map((currency) => {
        const amount = point.mrr.find((entry) => entry.currency === currency)?.amount_minor ?? 0;
        return html`<td>${formatMoney(amount, currency)}</td>`;
      })}${plans.map((plan) => html`<td>${point.active_subscriptions.find((entry) => entry.plan_id === plan)?.count ?? 0}</td>`)}</tr>`,
  ),
)}`;
}

export function renderDashboardPage(input: {
  dashboard: Dashboard;
  selection: { preset?: string | undefined; from?: string | undefined; to?: string | undefined };
  actor: string;
  csrfToken: string;
}): string {
  const { report, weeks, funnel } = input.dashboard;
  const periodEnd = new Date(new Date(report.period.to).getTime() - 1);
  const weekLabels = weeks.map((week) => formatDate(week.from).replace(/ \d{4}$/, ''));
  const body = html`<h1>Dashboard</h1>
${periodForm(input.selection)}
<p class="muted">Period ${formatDate(report.period.from)} – ${formatDate(periodEnd)} (UTC). MRR and active members are as of ${formatDate(report.as_of)}; the same figures as <code>GET /admin/revenue</code>.</p>

<section aria-labelledby="recurring">
<h2 id="recurring">Recurring revenue and members</h2>
${table(
  'MRR by currency',
  ['Currency', 'MRR'],
  report.mrr.map(
    (entry) =>
      html`<tr><th scope="row">${entry.currency.toUpperCase()}</th>${figure(`mrr:${entry.currency}`, entry.amount_minor, formatMoney(entry.amount_minor, entry.currency))}</tr>`,
  ),
)}
${renderBarChart({
  caption: 'Active subscriptions by plan.',
  categories: report.active_subscriptions.map((entry) => entry.plan_id),
  series: [{ label: 'active', className: 'chart-a', values: report.active_subscriptions.map((entry) => entry.count) }],
})}
${table(
  'Active members by plan',
  ['Plan', 'Paying', 'Granted by hand'],
  [...new Set([...report.active_subscriptions, ...report.granted_by_plan].map((entry) => entry.plan_id))]
    .sort()
    .map((planId) => {
      const active = report.active_subscriptions.find((entry) => entry.plan_id === planId)?.count ?? 0;
      const granted = report.granted_by_plan.find((entry) => entry.plan_id === planId)?.count ?? 0;
      return html`<tr><th scope="row">${planId}</th>${figure(`active:${planId}`, active, active)}${figure(`granted:${planId}`, granted, granted)}</tr>`;
    }),
)}
</section>

<section aria-labelledby="history">
<h2 id="history">Over time</h2>
${historySection(input.dashboard)}
</section>

<section aria-labelledby="movement">
<h2 id="movement">New and churned</h2>
<div class="table-scroll"><table>
<caption>Over the period</caption>
<tbody>
<tr><th scope="row">New subscriptions</th>${figure('new_subscriptions', report.new_subscriptions, report.new_subscriptions)}</tr>
<tr><th scope="row">Churned subscriptions</th>${figure('churned_subscriptions', report.churned_subscriptions, report.churned_subscriptions)}</tr>
<tr><th scope="row">Live at the start</th>${figure('live_at_period_start', report.live_at_period_start, report.live_at_period_start)}</tr>
<tr><th scope="row">Churn rate</th>${figure('churn_rate_bps', report.churn_rate_bps, basisPoints(report.churn_rate_bps))}</tr>
</tbody></table></div>
${renderBarChart({
  caption: 'New and churned per week.',
  categories: weekLabels,
  series: [
    { label: 'new', className: 'chart-a', values: weeks.map((week) => week.new_subscriptions) },
    { label: 'churned', className: 'chart-b', values: weeks.map((week) => week.churned_subscriptions) },
  ],
})}
${table(
  'Per week',
  ['Week from', 'New', 'Churned'],
  weeks.map(
    (week, index) =>
      html`<tr><th scope="row">${formatDate(week.from)}</th>${figure(`week:${index}:new`, week.new_subscriptions, week.new_subscriptions)}${figure(`week:${index}:churned`, week.churned_subscriptions, week.churned_subscriptions)}</tr>`,
  ),
)}
${input.dashboard.weeksTruncated ? html`<p class="muted">Only the first weeks are shown; pick a shorter period for the rest.</p>` : ''}
</section>

<section aria-labelledby="money">
<h2 id="money">Money booked</h2>
${table(
  'Revenue by provider and currency: gross, refunds, disputes and net',
  ['Provider', 'Currency', 'Gross', 'Refunds', 'Disputes', 'Net'],
  report.revenue_by_provider.map((entry) => {
    const key = `${entry.provider}:${entry.currency}`;
    const money = (amount: number) => formatMoney(amount, entry.currency);
    return html`<tr><th scope="row">${entry.provider}</th><td>${entry.currency.toUpperCase()}</td>${figure(`gross:${key}`, entry.gross_minor, money(entry.gross_minor))}${figure(`refunds:${key}`, entry.refunds_minor, money(entry.refunds_minor))}${figure(`disputes:${key}`, entry.disputes_minor, money(entry.disputes_minor))}${figure(`net:${key}`, entry.net_minor, money(entry.net_minor))}</tr>`;
  }),
)}
${table(
  'Vault contributions',
  ['Currency', 'Contributed'],
  report.vault.map(
    (entry) =>
      html`<tr><th scope="row">${entry.currency.toUpperCase()}</th>${figure(`vault:${entry.currency}`, entry.contributed_minor, formatMoney(entry.contributed_minor, entry.currency))}</tr>`,
  ),
)}
</section>

<section aria-labelledby="funnel">
<h2 id="funnel">Conversion funnel by platform</h2>
${renderBarChart({
  caption: 'Plans viewed, checkouts opened and paid, per platform.',
  categories: funnel.platforms.map((row) => row.platform),
  series: [
    { label: 'viewed', className: 'chart-a', values: funnel.platforms.map((row) => row.viewed) },
    { label: 'checkout opened', className: 'chart-b', values: funnel.platforms.map((row) => row.checkout_opened) },
    { label: 'paid', className: 'chart-c', values: funnel.platforms.map((row) => row.checkout_completed) },
  ],
})}
${table(
  'Funnel: tiers viewed (bots) and pricing viewed (web), checkout opened, paid',
  ['Platform', 'Viewed', 'Checkout opened', 'Paid', 'Opened / viewed', 'Paid / opened', 'Paid / viewed'],
  [...funnel.platforms, funnel.total].map(
    (row) =>
      html`<tr><th scope="row">${row.platform}</th>${figure(`funnel:${row.platform}:viewed`, row.viewed, row.viewed)}${figure(`funnel:${row.platform}:opened`, row.checkout_opened, row.checkout_opened)}${figure(`funnel:${row.platform}:paid`, row.checkout_completed, row.checkout_completed)}<td>${basisPoints(row.opened_per_viewed_bps)}</td><td>${basisPoints(row.completed_per_opened_bps)}</td><td>${basisPoints(row.completed_per_viewed_bps)}</td></tr>`,
  ),
)}
</section>`;
  return renderAdminPage({
    title: 'Dashboard',
    section: 'dashboard',
    actor: input.actor,
    csrfToken: input.csrfToken,
    body,
  });
}
