import { forkBenchChild } from './bench-child.js';
import type { BenchCoreSpec } from './bench-core.js';
import type { PageBenchReady } from './page-bench-server.js';
import { measurePageWeight, type PageWeight } from './page-weight.js';
import { type FirstByteFigures, measureFirstByte } from './time-to-first-byte.js';

export const pageTargets = { minRatio: 0.5, maxWeightBytes: 100 * 1024 } as const;

// The same path as page-bench-server.ts; importing its values would start a server in this process.
const barePath = '/__bench/bare-page';
const warmupRequests = 200;
const samples = 500;

export interface PageFigures {
  path: string;
  firstByte: FirstByteFigures;
  /** bare ÷ page median time to first byte: 1 is as fast as the bare route, 0.5 twice as slow. */
  ratio: number;
  weight: PageWeight;
  met: { ratio: boolean; weight: boolean };
}

export interface PageBenchFigures {
  bare: FirstByteFigures;
  pages: PageFigures[];
}

/**
 * The member-facing pages a visitor waits for: warm time to first byte of /pricing (signed
 * out) and /account/billing (a signed-in Pro member) against a bare HTML route on the same
 * Fastify instance and hooks, one request at a time over a kept-alive connection, in a child
 * process; and each page's weight, HTML plus every stylesheet, script, font and image it loads.
 */
export async function runPageBench(spec: BenchCoreSpec): Promise<PageBenchFigures> {
  const server = await forkBenchChild<PageBenchReady>('page-bench-server.ts', spec);
  try {
    const base = `http://127.0.0.1:${server.ready.port}`;
    const member = { cookie: server.ready.memberCookie };
    const targets = {
      bare: { url: `${base}${barePath}` },
      pricing: { url: `${base}/pricing` },
      billing: { url: `${base}/account/billing`, headers: member },
    };
    // A redirect to sign-in would be fast and light, and mean nothing: the page itself must answer.
    for (const target of Object.values(targets)) {
      const probe = await fetch(target.url, { headers: 'headers' in target ? target.headers : {}, redirect: 'manual' });
      if (probe.status !== 200) throw new Error(`${target.url} answered ${probe.status}, not the page`);
    }
    const firstByte = await measureFirstByte(targets, { warmupRequests, samples });
    const page = async (path: string, figures: FirstByteFigures, headers: Record<string, string>) => {
      const weight = await measurePageWeight(`${base}${path}`, headers);
      const ratio = firstByte.bare.medianMs / figures.medianMs;
      return {
        path,
        firstByte: figures,
        ratio,
        weight,
        met: { ratio: ratio >= pageTargets.minRatio, weight: weight.transferBytes < pageTargets.maxWeightBytes },
      };
    };
    return {
      bare: firstByte.bare,
      pages: [await page('/pricing', firstByte.pricing, {}), await page('/account/billing', firstByte.billing, member)],
    };
  } finally {
    await server.stop();
  }
}

export function formatPageBench(figures: PageBenchFigures): string {
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const verdict = (met: boolean) => (met ? 'MET' : 'MISSED');
  const lines = [
    `${'pages: bare HTML route (warm)'.padEnd(35)}first byte median ${ms(figures.bare.medianMs)} p90 ${ms(figures.bare.p90Ms)}` +
      ` (${figures.bare.samples} requests, one at a time)`,
  ];
  for (const page of figures.pages) {
    const { byKind } = page.weight;
    lines.push(
      `${`page ${page.path} (warm)`.padEnd(35)}first byte median ${ms(page.firstByte.medianMs)} p90 ${ms(page.firstByte.p90Ms)}` +
        ` | ratio ${page.ratio.toFixed(2)}x of bare (target >= ${pageTargets.minRatio.toFixed(2)}x) ${verdict(page.met.ratio)}`,
      `${' '.repeat(35)}weight ${kilobytes(page.weight.transferBytes)} (target < ${kilobytes(pageTargets.maxWeightBytes)})` +
        ` ${verdict(page.met.weight)}: html ${kilobytes(byKind.html)}, css ${kilobytes(byKind.css)}, js ${kilobytes(byKind.js)},` +
        ` fonts ${kilobytes(byKind.font)}, images ${kilobytes(byKind.image)}; ${page.weight.assets.length} files,` +
        ` ${kilobytes(page.weight.decodedBytes)} decoded`,
    );
  }
  return lines.join('\n');
}
