import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { desktopViewport, phoneViewport } from './browser-harness.js';

/** Where the README's pictures live; `npm run screenshots` rewrites them from the browser tests. */
export const screenshotDirectory = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'docs',
  'screenshots',
);

export const screenshotsWanted = process.env.SCREENSHOTS === '1';

/**
 * Saves docs/screenshots/<name>.png (the 1280×800 viewport, not the full page, so the files
 * stay small) and, with `phone`, <name>-phone.png at 390 px, only under `npm run screenshots`:
 * an ordinary test run never touches the committed pictures.
 */
export async function screenshot(page: Page, name: string, options: { phone?: boolean } = {}) {
  if (!screenshotsWanted) return;
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`screenshot name "${name}": use lowercase letters, digits and -`);
  mkdirSync(screenshotDirectory, { recursive: true });
  const previous = page.viewportSize();
  const shots: Array<[string, { width: number; height: number }]> = [[name, desktopViewport]];
  if (options.phone) shots.push([`${name}-phone`, phoneViewport]);
  try {
    for (const [file, viewport] of shots) {
      await page.setViewportSize(viewport);
      await page.screenshot({
        path: path.join(screenshotDirectory, `${file}.png`),
        animations: 'disabled',
        caret: 'hide',
        scale: 'css',
      });
    }
  } finally {
    if (previous) await page.setViewportSize(previous);
  }
}
