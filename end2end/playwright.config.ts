import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./chromium.mjs";

// Bulletin's server is started by `cargo leptos end-to-end` (or by hand); this config only drives the browser.
// Browsers come from Debian (`apt-get install chromium`): this machine cannot download Playwright's own builds.
export default defineConfig({
  // The journeys (`make e2e`), or with BULLETIN_REPORTS=1 the screenshots and timings (`make screenshots`).
  testDir: process.env.BULLETIN_REPORTS ? "./reports" : "./tests",
  globalSetup: "./global-setup.ts",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  // The JSON report feeds report-failures.mjs, which `make e2e` runs when a journey fails.
  reporter: [["list"], ["json", { outputFile: "results/report.json" }]],
  use: {
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000",
    trace: "retain-on-failure",
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
});
