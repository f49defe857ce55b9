import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); Playwright's own browser download cannot run here. */
export const CHROMIUM = process.env.MISSIONS_TEST_CHROMIUM ?? '/usr/bin/chromium';

// Headless, and quiet: no background traffic (the machine's network is closed, and each refused
// connection costs time), no sync, no first-run UI. Playwright gives each launch a fresh profile.
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: install Debian's (apt-get install -y chromium) or set MISSIONS_TEST_CHROMIUM.`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
}

/** A folder under test-output/ for a spec's screenshots (a CI artifact; git ignores it). */
export function outputDir(name: string): string {
  const dir = new URL(`../../test-output/${name}/`, import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  return dir;
}
