import { html, type SafeHtml } from '../escape-html.js';

export interface BarSeries {
  label: string;
  /** A class of site.css, so colours live in the one stylesheet (the CSP forbids inline styles). */
  className: string;
  values: number[];
}

/**
 * A grouped bar chart drawn as inline SVG on the server: no script, no external library, and
 * hidden from screen readers, because the table beside it holds the same numbers.
 */
export function renderBarChart(input: { categories: string[]; series: BarSeries[]; caption: string }): SafeHtml {
  const width = 640;
  const height = 200;
  const axis = 24;
  const max = Math.max(1, ...input.series.flatMap((series) => series.values));
  const groupWidth = input.categories.length ? (width - axis) / input.categories.length : width;
  const barWidth = Math.max(2, (groupWidth * 0.8) / Math.max(1, input.series.length));
  const plotHeight = height - axis;
  const bars = input.categories.flatMap((category, categoryIndex) =>
    input.series.map((series, seriesIndex) => {
      const value = series.values[categoryIndex] ?? 0;
      const barHeight = Math.round((value / max) * (plotHeight - 8));
      const x = axis + categoryIndex * groupWidth + groupWidth * 0.1 + seriesIndex * barWidth;
      return html`<rect class="${series.className}" x="${x.toFixed(1)}" y="${plotHeight - barHeight}" width="${barWidth.toFixed(1)}" height="${barHeight}"><title>${category}: ${series.label} ${value}</title></rect>`;
    }),
  );
  const labels = input.categories.map(
    (category, index) =>
      html`<text x="${(axis + index * groupWidth + groupWidth / 2).toFixed(1)}" y="${height - 6}" text-anchor="middle" class="chart-label">${category}</text>`,
  );
  const legend = input.series.map(
    (series) =>
      html`<span class="chart-legend-item"><span class="chart-swatch ${series.className}"></span>${series.label}</span> `,
  );
  return html`<figure class="chart">
<svg viewBox="0 0 ${width} ${height}" aria-hidden="true" focusable="false" preserveAspectRatio="none">
<line x1="${axis}" y1="${plotHeight}" x2="${width}" y2="${plotHeight}" class="chart-axis"></line>
<text x="2" y="12" class="chart-label">${max}</text>
${bars}
${labels}
</svg>
<figcaption>${input.caption} ${legend}</figcaption>
</figure>`;
}
