// How Bulletin's browser tests and benchmarks launch Chromium: Debian's build (this machine cannot download
// Playwright's own), with the flags that keep it quiet and unsandboxed (CI runs as root). Used by
// playwright.config.ts and bench/first_visit.mjs.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
