import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** web/static next to this file (copied beside the compiled one by `npm run build`). */
export const staticDirectory = fileURLToPath(new URL('./static/', import.meta.url));

export const assetPrefix = '/assets/';

const versions = new Map<string, string>();

/**
 * The URL of a file in web/static with a hash of its content: assets are cached for a year as
 * immutable, and a changed file gets a new URL, so nobody keeps a stale stylesheet.
 */
export function assetUrl(file: string): string {
  let version = versions.get(file);
  if (!version) {
    version = createHash('sha256')
      .update(readFileSync(new URL(`./static/${file}`, import.meta.url)))
      .digest('hex')
      .slice(0, 12);
    versions.set(file, version);
  }
  return `${assetPrefix}${file}?v=${version}`;
}
