import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { describe } from 'vitest';

/** Debian's Chromium: .ci/run installs it with apt-get when it is missing, so CI always has it. */
export const chromiumPath = '/usr/bin/chromium';

export const chromiumInstalled = existsSync(chromiumPath);

/**
 * `describe` for tests that drive a real browser. The only reason to skip them is a machine
 * without Chromium, and then the skip says so out loud instead of passing quietly.
 */
export function describeInBrowser(name: string, body: () => void) {
  if (chromiumInstalled) return describe(name, body);
  console.warn(
    `[browser tests] skipped "${name}": ${chromiumPath} is missing (install it with: apt-get install -y chromium)`,
  );
  return describe.skip(name, body);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    // Tests run as root in CI, where Chromium refuses to start with its sandbox on.
    args: ['--no-sandbox'],
    timeout: 30_000,
  });
}
