import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { phoneViewport } from './browser-harness.js';

// From node_modules, never a CDN: the tests load nothing from outside 127.0.0.1.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The little of the DOM these checks touch; the project compiles without the DOM library. */
interface ElementShape {
  tagName: string;
  id: string;
  className: unknown;
  parentElement: ElementShape | null;
  getBoundingClientRect(): { right: number };
}
interface DocumentShape {
  documentElement: ElementShape & { clientWidth: number; scrollWidth: number };
  body: { scrollWidth: number } | null;
  querySelectorAll(selector: string): Iterable<ElementShape>;
}
interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}
interface AxeShape {
  run(context: unknown, options: Record<string, unknown>): Promise<{ violations: AxeViolation[] }>;
}

const blockingImpacts = ['serious', 'critical'];

/**
 * axe-core over the page as it stands: fails on any serious or critical violation, naming the
 * rule and the elements. Evaluated rather than added as a <script>, so the page's CSP (which
 * rightly refuses inline scripts) does not stop the audit.
 */
export async function expectAccessible(page: Page) {
  const loaded = await page.evaluate(() => 'axe' in globalThis);
  if (!loaded) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const scope = globalThis as unknown as { axe: AxeShape; document: unknown };
    const results = await scope.axe.run(scope.document, { resultTypes: ['violations'] });
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      targets: violation.nodes.slice(0, 5).map((node) => node.target.map(String).join(' ')),
    }));
  });
  const blocking = violations.filter((violation) => blockingImpacts.includes(violation.impact ?? ''));
  const report = blocking
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.targets.join(', ')}`)
    .join('\n');
  if (report) console.error(`axe-core on ${page.url()}:\n${report}`);
  expect(report, `axe-core found serious or critical violations on ${page.url()}`).toBe('');
}

/**
 * The page at a small phone's width (390 px) scrolls only vertically. Names the widest
 * elements when it does not, then gives the page its previous viewport back.
 */
export async function expectNoHorizontalScroll(page: Page) {
  const previous = page.viewportSize();
  await page.setViewportSize(phoneViewport);
  try {
    const layout = await page.evaluate(
      () =>
        new Promise<{ clientWidth: number; scrollWidth: number; overflowing: string[] }>((resolve) => {
          // One frame after the resize, so the measures are of the new layout.
          requestAnimationFrame(() => {
            const document = (globalThis as unknown as { document: DocumentShape }).document;
            const root = document.documentElement;
            const clientWidth = root.clientWidth;
            const overflows = (element: ElementShape | null) =>
              element !== null && element.getBoundingClientRect().right > clientWidth + 1;
            // The outermost element that is too wide, not each of its children after it.
            const overflowing = [...document.querySelectorAll('body *')]
              .filter((element) => overflows(element) && !overflows(element.parentElement))
              .slice(0, 5)
              .map((element) => {
                const classes =
                  typeof element.className === 'string' && element.className ? `.${element.className}` : '';
                return `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${classes}`;
              });
            resolve({
              clientWidth,
              scrollWidth: Math.max(root.scrollWidth, document.body?.scrollWidth ?? 0),
              overflowing,
            });
          });
        }),
    );
    expect(
      layout.scrollWidth,
      `${page.url()} is ${layout.scrollWidth} px wide at ${layout.clientWidth} px; widest: ${layout.overflowing.join(', ')}`,
    ).toBeLessThanOrEqual(layout.clientWidth);
  } finally {
    if (previous) await page.setViewportSize(previous);
  }
}

declare function requestAnimationFrame(callback: () => void): number;
