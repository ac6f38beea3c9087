import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's `chromium` package; the tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * What Chromium needs in this environment (a container, as root, without a GPU or network).
 * `launch()` already gives every browser a fresh profile and refuses a `--user-data-dir`.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

export const hasChromium = (): boolean => existsSync(CHROMIUM);

/**
 * `describe` when Chromium is installed; otherwise the suite is skipped, and a warning says so
 * and why, so a green run without a browser is not mistaken for a tested one.
 */
export function describeWithChromium(what: string): jest.Describe {
  if (hasChromium()) return describe;
  console.warn(
    `Chromium not found at ${CHROMIUM}: the ${what} browser test is skipped ` +
      "(install Debian's chromium package: apt-get install chromium)",
  );
  return describe.skip;
}

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
