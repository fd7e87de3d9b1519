#!/usr/bin/env node
// First-visit benchmark: how long a signed-in member waits for the feed's first post title, and how many bytes
// cross the wire, on a brand-new browser profile (empty cache) and on a repeat visit (warm HTTP cache), under
// throttled networks. Chromium (Debian's) driven by the Playwright that `make test-tools` installs into
// end2end/node_modules; no npm dependencies of its own. `make bench` runs it through bench/run.py; by hand:
//
//   BASE_URL=http://127.0.0.1:3000 FIRST_VISIT_USERNAME=member_1 FIRST_VISIT_PASSWORD='bench password' \
//     node bench/first_visit.mjs [out.json]
//
// Inputs (environment, or the flags in brackets):
//   BASE_URL (--base-url)                 the server, default http://127.0.0.1:3000
//   FIRST_VISIT_TOKEN (--token)           the member's login answer (JSON of POST /auth/login), or a bare token
//   FIRST_VISIT_USERNAME, _PASSWORD       (--username, --password) log in through POST /auth/login instead
//   FIRST_VISIT_RUNS (--runs)             measurements per profile and visit, default 3 (median and max reported)
//   FIRST_VISIT_PROFILES (--profiles)     comma-separated subset of the network profiles below, default all
//   FIRST_VISIT_OUT (--out, or argv)      the JSON written, default bench/results/first-visit-<timestamp>.json
//   CHROMIUM_PATH                         the browser, default /usr/bin/chromium
//
// What one run measures, per network profile:
//   first  - a new browser context (fresh profile: empty HTTP cache, no cookies), the member's token put into
//            localStorage by an init script before the app's own scripts run (as if they had signed in earlier
//            on this browser, and then the cache was cleared), then a navigation to `/`.
//   repeat - a new tab in the same context, so the HTTP cache is warm (the first tab's in-page memory cache and
//            back/forward cache are not), navigating to `/` again.
// For each: the time from navigation start until a post title is first visible (performance.now() in the page
// when a MutationObserver or an animation-frame poll first finds one with a layout box), and every request of
// the page load as Chrome's DevTools protocol reports it: bytes on the wire (Network.loadingFinished's
// encodedDataLength: headers and the body as it travelled, compressed), status, and whether the body came over
// the network or from the cache (a 304 or a cache hit carries none).

import { createRequire } from "node:module";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../end2end/chromium.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const TITLE_TIMEOUT_MS = 30_000;
/** After the title shows, the load counts as over once no request has been in flight for this long... */
const QUIET_MS = 500;
/** ...or after this long at most (what is still in flight then is listed as unfinished). */
const SETTLE_MAX_MS = 15_000;
/** A post title on the feed (components/post_card.rs): the link inside the card's heading. */
const TITLE_SELECTOR = "article.post-card h2.post-card-title a";

// Throughputs in bytes per second as DevTools and Lighthouse count them (1 Kbps = 1024 bits/s); latency is the
// round trip, which DevTools' throttling adds once to every request (before its response headers).
const kbps = (kbits) => Math.round((kbits * 1024) / 8);
/** A profile as Network.emulateNetworkConditions takes it. */
const cdpConditions = (profile) => ({
  latency: profile.rttMs,
  downloadThroughput: kbps(profile.downKbps),
  uploadThroughput: kbps(profile.upKbps),
});
const PROFILES = {
  // Lighthouse's mobile "Slow 4G".
  slow: { label: "Slow 4G: 1.6 Mbps down, 750 Kbps up, 150 ms RTT", rttMs: 150, downKbps: 1.6 * 1024, upKbps: 750 },
  // DevTools' "Fast 4G".
  fast: { label: "Fast 4G: 9 Mbps down, 1.5 Mbps up, 60 ms RTT", rttMs: 60, downKbps: 9 * 1024, upKbps: 1.5 * 1024 },
};

// The keys app/src/client/token_store.rs reads (gloo-storage: every value is JSON).
const TOKEN_KEY = "bulletin_token";
const USER_KEY = "bulletin_user";
const REFRESH_AT_KEY = "bulletin_token_refresh_at";
const DEVICE_PREFIX = "bulletin_device:";


class Failure extends Error {}

function fail(message) {
  throw new Failure(message);
}

function options() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      "base-url": { type: "string" },
      token: { type: "string" },
      username: { type: "string" },
      password: { type: "string" },
      runs: { type: "string" },
      profiles: { type: "string" },
      out: { type: "string" },
    },
  });
  const env = process.env;
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const runs = Number(values.runs ?? env.FIRST_VISIT_RUNS ?? "3");
  if (!Number.isInteger(runs) || runs < 1) fail(`FIRST_VISIT_RUNS must be a whole number from 1: ${runs}`);
  const profiles = (values.profiles ?? env.FIRST_VISIT_PROFILES ?? Object.keys(PROFILES).join(","))
    .split(",")
    .filter(Boolean);
  for (const name of profiles) {
    if (!PROFILES[name]) fail(`unknown network profile ${name} (known: ${Object.keys(PROFILES).join(", ")})`);
  }
  return {
    baseUrl: new URL(values["base-url"] ?? env.BASE_URL ?? "http://127.0.0.1:3000").origin,
    token: values.token ?? env.FIRST_VISIT_TOKEN,
    username: values.username ?? env.FIRST_VISIT_USERNAME,
    password: values.password ?? env.FIRST_VISIT_PASSWORD,
    runs,
    profiles,
    out: resolve(values.out ?? positionals[0] ?? env.FIRST_VISIT_OUT ?? `${ROOT}/bench/results/first-visit-${stamp}.json`),
    chromiumPath: CHROMIUM_PATH,
    // The page to open. `/?` plus any query shows the same feed without the early feed request (the page's first
    // script only starts it on a bare `/`): the comparison that shows what that request saves.
    path: env.FIRST_VISIT_PATH ?? "/",
  };
}

async function api(baseUrl, method, path, { body, token } = {}) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    fail(`cannot reach ${baseUrl}${path}: ${error.cause?.message ?? error.message} (is the server running?)`);
  }
  const text = await response.text();
  if (!response.ok) fail(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** The member's session as the app keeps it in localStorage: [key, JSON value] pairs. */
async function session(opts) {
  let signedIn;
  if (opts.token) {
    const given = opts.token.trim();
    signedIn = given.startsWith("{") ? JSON.parse(given) : { token: given };
  } else if (opts.username && opts.password) {
    // The REST login answer (model/auth.rs AuthToken): {token, expiresIn, userId, username, deviceToken?}.
    signedIn = await api(opts.baseUrl, "POST", "/auth/login", {
      body: { username: opts.username, password: opts.password },
    });
  } else {
    fail("no member: set FIRST_VISIT_TOKEN (the JSON of a login answer), or FIRST_VISIT_USERNAME and FIRST_VISIT_PASSWORD");
  }
  if (typeof signedIn.token !== "string" || !signedIn.token) fail("the login answer has no `token`");
  // Checks the token (a clear message now rather than a redirect to /login later), and names its member.
  const member = await api(opts.baseUrl, "GET", "/auth/me", { token: signedIn.token });
  // Not due for a refresh during the measurement (session_refresh.rs refreshes at once without this key).
  const expiresIn = Number(signedIn.expiresIn ?? 3600);
  const refreshAt = Math.floor(Date.now() / 1000) + Math.floor(expiresIn / 2);
  const entries = [
    [TOKEN_KEY, JSON.stringify(signedIn.token)],
    [USER_KEY, JSON.stringify({ userId: member.userId, username: member.username })],
    [REFRESH_AT_KEY, JSON.stringify(refreshAt)],
  ];
  if (signedIn.deviceToken) {
    entries.push([`${DEVICE_PREFIX}${member.username.toLowerCase()}`, JSON.stringify(signedIn.deviceToken)]);
  }
  return { username: member.username, entries };
}

/** Runs in every document before the app's scripts: the session into localStorage (only where not there yet,
 *  so the app's own writes survive the repeat visit), and the watch for the first visible post title. */
function pageSetup({ origin, entries, selector }) {
  if (window.top !== window || location.origin !== origin) return;
  try {
    for (const [key, value] of entries) {
      if (localStorage.getItem(key) === null) localStorage.setItem(key, value);
    }
  } catch {
    // Storage disabled: the page then shows the login page, which the title wait reports.
  }
  const seen = (window.__firstVisit = { titleMs: null, title: null });
  const visible = (element) => {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || !element.textContent.trim()) return false;
    return typeof element.checkVisibility !== "function" ||
      element.checkVisibility({ opacityProperty: true, visibilityProperty: true, checkOpacity: true, checkVisibilityCSS: true });
  };
  const look = () => {
    if (seen.titleMs !== null) return true;
    const element = document.querySelector(selector);
    if (!element || !visible(element)) return false;
    seen.titleMs = performance.now();
    seen.title = element.textContent.trim();
    return true;
  };
  const observer = new MutationObserver(() => {
    if (look()) observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
  // Also each frame: a title can become visible without a DOM change (a stylesheet arriving).
  const poll = () => {
    if (!look()) requestAnimationFrame(poll);
    else observer.disconnect();
  };
  requestAnimationFrame(poll);
}

/** Which part of the app a request fetched. */
function kindOf(request) {
  const path = new URL(request.url).pathname;
  if (request.type === "Document") return "html";
  if (path.endsWith(".wasm")) return "wasm";
  if (/\.m?js$/.test(path)) return "js";
  if (path.endsWith(".css")) return "css";
  if (path.startsWith("/api/") || /json/.test(request.mimeType ?? "")) return "api";
  return "other";
}

/** Every request of one tab's page load, from DevTools protocol events, with the network throttled. */
async function watchNetwork(context, page, profile) {
  const cdp = await context.newCDPSession(page);
  const requests = new Map();
  const inFlight = new Set();
  let lastActivity = Date.now();
  const entry = (id) => requests.get(id);
  cdp.on("Network.requestWillBeSent", (e) => {
    if (!/^https?:/.test(e.request.url)) return; // data: and blob: URLs never touch the network
    const known = entry(e.requestId);
    if (known && e.redirectResponse) {
      // A redirect reuses the id: the hop's headers were on the wire too.
      known.redirectBytes += e.redirectResponse.encodedDataLength ?? 0;
      known.url = e.request.url;
    } else {
      requests.set(e.requestId, {
        url: e.request.url,
        method: e.request.method,
        type: e.type ?? null,
        status: null,
        mimeType: null,
        encoding: null,
        cache: null,
        bytes: 0,
        redirectBytes: 0,
        finished: false,
        failed: null,
      });
    }
    inFlight.add(e.requestId);
    lastActivity = Date.now();
  });
  cdp.on("Network.requestServedFromCache", (e) => {
    const r = entry(e.requestId);
    if (r) r.cache ??= "memory";
  });
  cdp.on("Network.responseReceived", (e) => {
    const r = entry(e.requestId);
    if (!r) return;
    const response = e.response;
    r.status = response.status;
    r.mimeType = response.mimeType;
    r.type ??= e.type ?? null;
    const headers = Object.fromEntries(Object.entries(response.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    r.encoding = headers["content-encoding"] ?? null;
    if (response.fromDiskCache) r.cache = "disk";
    else if (response.fromMemoryCache) r.cache = "memory";
    else if (response.fromPrefetchCache) r.cache = "prefetch";
    else if (response.fromServiceWorker) r.cache = "service-worker";
  });
  // A revalidated response is reported above with its cached 200; the status that travelled (304) comes here,
  // before or after the request's other events.
  const notModified = new Set();
  cdp.on("Network.responseReceivedExtraInfo", (e) => {
    if (e.statusCode === 304) notModified.add(e.requestId);
  });
  const done = (e, failed) => {
    const r = entry(e.requestId);
    if (!r) return;
    r.finished = !failed;
    if (failed) r.failed = e.canceled ? "canceled" : e.errorText;
    else r.bytes = e.encodedDataLength ?? 0;
    inFlight.delete(e.requestId);
    lastActivity = Date.now();
  };
  cdp.on("Network.loadingFinished", (e) => done(e, false));
  cdp.on("Network.loadingFailed", (e) => done(e, true));

  await cdp.send("Network.enable");
  // The fresh context is what empties the cache for the first visit; the repeat visit must use it.
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: false });
  const conditions = cdpConditions(profile);
  try {
    await cdp.send("Network.emulateNetworkConditions", { offline: false, ...conditions });
  } catch {
    // Deprecated in newer Chromium; its successor, with one rule that matches every request.
    await cdp.send("Network.emulateNetworkConditionsByRule", {
      offline: false,
      matchedNetworkConditions: [{ urlPattern: "", ...conditions }],
    });
  }

  return {
    conditions,
    /** Waits until no request has been in flight for QUIET_MS (at most SETTLE_MAX_MS). */
    async settle() {
      const until = Date.now() + SETTLE_MAX_MS;
      while (Date.now() < until && (inFlight.size > 0 || Date.now() - lastActivity < QUIET_MS)) {
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    summary(origin) {
      const resources = [...requests.entries()].map(([id, r]) => {
        const fromNetwork = r.cache === null && r.failed === null;
        const status = notModified.has(id) ? 304 : r.status;
        return {
          url: r.url.startsWith(origin) ? r.url.slice(origin.length) : r.url,
          kind: kindOf(r),
          cdp_type: r.type,
          status,
          bytes: r.bytes + r.redirectBytes,
          cache: r.cache,
          encoding: r.encoding,
          // A body travelled: not a cache hit, not a 304 (revalidated) or 204, and something arrived.
          body: fromNetwork && r.finished && status !== 304 && status !== 204 && r.bytes > 0,
          ...(r.failed ? { failed: r.failed } : {}),
          ...(!r.finished && !r.failed ? { unfinished: true } : {}),
        };
      });
      const byKind = {};
      for (const r of resources) {
        const k = (byKind[r.kind] ??= { requests: 0, bytes: 0, bodies: 0 });
        k.requests += 1;
        k.bytes += r.bytes;
        k.bodies += r.body ? 1 : 0;
      }
      const pkgBodies = resources.filter((r) => r.body && new URL(r.url, origin).pathname.startsWith("/pkg/"));
      return {
        bytes_on_wire: resources.reduce((sum, r) => sum + r.bytes, 0),
        requests: resources.length,
        bodies: resources.filter((r) => r.body).length,
        pkg_bodies: pkgBodies.map((r) => r.url),
        by_kind: byKind,
        resources,
      };
    },
    detach: () => cdp.detach().catch(() => {}),
  };
}

/** One navigation to `/` in a new tab of `context`, measured. */
async function visit(context, opts, profile, name, visitName) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(`console: ${m.text()}`);
  });
  const network = await watchNetwork(context, page, profile);
  const started = Date.now();
  try {
    await page.goto(`${opts.baseUrl}${opts.path}`, { waitUntil: "commit", timeout: TITLE_TIMEOUT_MS });
    const left = Math.max(1, TITLE_TIMEOUT_MS - (Date.now() - started));
    await page.waitForFunction(() => window.__firstVisit && window.__firstVisit.titleMs !== null, null, {
      timeout: left,
      polling: 100,
    });
  } catch (error) {
    const where = await page
      .evaluate(() => ({
        path: location.pathname + location.search,
        empty: document.querySelector(".empty-state") !== null,
        error: document.querySelector(".error-state")?.textContent?.trim() ?? null,
        skeleton: document.querySelector(".skeleton") !== null,
      }))
      .catch(() => null);
    let why = "";
    if (where?.path.startsWith("/login")) why = " — the app sent the member to the login page: the token was not accepted or not found";
    else if (where?.empty) why = " — the feed is empty: seed the database (`bulletin seed`)";
    else if (where?.error) why = ` — the feed shows an error: ${where.error}`;
    else if (where?.skeleton) why = " — still loading (the app did not hydrate, or the posts did not arrive)";
    await page.close().catch(() => {});
    fail(
      `${name}/${visitName} visit: no post title (${TITLE_SELECTOR}) became visible within ${TITLE_TIMEOUT_MS / 1000} s ` +
        `(page at ${where?.path ?? "?"})${why}.\n  ${error.message.split("\n")[0]}` +
        (errors.length ? `\n  browser errors:\n    ${errors.join("\n    ")}` : ""),
    );
  }
  await network.settle();
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const fcp = performance.getEntriesByName("first-contentful-paint")[0];
    return {
      titleMs: window.__firstVisit.titleMs,
      title: window.__firstVisit.title,
      domContentLoadedMs: nav ? nav.domContentLoadedEventEnd : null,
      fcpMs: fcp ? fcp.startTime : null,
    };
  });
  const summary = network.summary(opts.baseUrl);
  await network.detach();
  await page.close();
  return {
    time_to_first_title_ms: Math.round(timing.titleMs),
    first_contentful_paint_ms: timing.fcpMs === null ? null : Math.round(timing.fcpMs),
    dom_content_loaded_ms: timing.domContentLoadedMs === null ? null : Math.round(timing.domContentLoadedMs),
    first_title: timing.title,
    ...summary,
    errors,
  };
}

function median(values) {
  const xs = values.filter((v) => v !== null).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = Math.floor(xs.length / 2);
  return xs.length % 2 ? xs[mid] : Math.round((xs[mid - 1] + xs[mid]) / 2);
}

function stats(values) {
  const xs = values.filter((v) => v !== null);
  return { median: median(xs), max: xs.length ? Math.max(...xs) : null, runs: values };
}

/** Median and max over the runs of one profile and visit, with each run's details kept. */
function aggregate(runs) {
  const kinds = [...new Set(runs.flatMap((r) => Object.keys(r.by_kind)))].sort();
  return {
    time_to_first_title_ms: stats(runs.map((r) => r.time_to_first_title_ms)),
    first_contentful_paint_ms: stats(runs.map((r) => r.first_contentful_paint_ms)),
    dom_content_loaded_ms: stats(runs.map((r) => r.dom_content_loaded_ms)),
    bytes_on_wire: stats(runs.map((r) => r.bytes_on_wire)),
    bytes_by_kind: Object.fromEntries(kinds.map((k) => [k, median(runs.map((r) => r.by_kind[k]?.bytes ?? 0))])),
    requests: stats(runs.map((r) => r.requests)),
    bodies: stats(runs.map((r) => r.bodies)),
    pkg_bodies: {
      ...stats(runs.map((r) => r.pkg_bodies.length)),
      urls: [...new Set(runs.flatMap((r) => r.pkg_bodies))].sort(),
    },
    errors: [...new Set(runs.flatMap((r) => r.errors))],
    details: runs.map(({ errors, ...run }) => run),
  };
}

const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

function table(result) {
  const lines = [
    `First visit of ${result.base_url}/ as ${result.member}: median (max) of ${result.runs} run(s); ` +
      `bytes = encoded bytes on the wire, headers included`,
  ];
  const header =
    `${"profile".padEnd(8)} ${"visit".padEnd(7)} ${"title ms".padStart(15)} ${"on wire".padStart(11)} ` +
    `${"requests".padStart(8)} ${"bodies".padStart(6)} ${"/pkg/ bodies".padStart(12)}`;
  lines.push(header, "-".repeat(header.length));
  for (const [name, profile] of Object.entries(result.profiles)) {
    for (const visitName of ["first", "repeat"]) {
      const v = profile[visitName];
      const title = `${v.time_to_first_title_ms.median} (${v.time_to_first_title_ms.max})`;
      lines.push(
        `${name.padEnd(8)} ${visitName.padEnd(7)} ${title.padStart(15)} ${kB(v.bytes_on_wire.median).padStart(11)} ` +
          `${String(v.requests.median).padStart(8)} ${String(v.bodies.median).padStart(6)} ` +
          `${String(v.pkg_bodies.median).padStart(12)}`,
      );
    }
  }
  for (const [name, profile] of Object.entries(result.profiles)) {
    lines.push(`  ${name}: ${profile.network.label}`);
    for (const visitName of ["first", "repeat"]) {
      const v = profile[visitName];
      const kinds = Object.entries(v.bytes_by_kind).map(([k, b]) => `${k} ${kB(b)}`).join(", ");
      lines.push(`    ${visitName}: ${kinds}`);
      if (visitName === "repeat" && v.pkg_bodies.urls.length) {
        lines.push(`    repeat downloaded again: ${v.pkg_bodies.urls.join(", ")}`);
      }
      if (v.errors.length) lines.push(`    browser errors (${visitName}): ${v.errors.join(" | ")}`);
    }
  }
  return lines.join("\n");
}

async function main() {
  const opts = options();
  const requireFromEnd2end = createRequire(new URL("../end2end/package.json", import.meta.url));
  let chromium;
  try {
    ({ chromium } = requireFromEnd2end("@playwright/test"));
  } catch {
    fail("Playwright is not installed in end2end/node_modules: run `make test-tools`");
  }
  if (!existsSync(opts.chromiumPath)) fail(`no browser at ${opts.chromiumPath}: run \`make test-tools\` or set CHROMIUM_PATH`);
  const member = await session(opts);

  const browser = await chromium.launch({ executablePath: opts.chromiumPath, args: CHROMIUM_ARGS, headless: true });
  const result = {
    base_url: opts.baseUrl,
    member: member.username,
    runs: opts.runs,
    started: new Date().toISOString(),
    browser: `chromium ${browser.version()}`,
    title_selector: TITLE_SELECTOR,
    profiles: {},
  };
  try {
    for (const name of opts.profiles) {
      const profile = PROFILES[name];
      const first = [];
      const repeat = [];
      for (let run = 1; run <= opts.runs; run++) {
        // A new context is a new profile: empty HTTP cache, empty localStorage, no open connections.
        const context = await browser.newContext();
        try {
          await context.addInitScript(pageSetup, { origin: opts.baseUrl, entries: member.entries, selector: TITLE_SELECTOR });
          first.push(await visit(context, opts, profile, name, "first"));
          repeat.push(await visit(context, opts, profile, name, "repeat"));
        } finally {
          await context.close();
        }
        const [f, r] = [first.at(-1), repeat.at(-1)];
        console.log(
          `  ${name} run ${run}/${opts.runs}: first ${f.time_to_first_title_ms} ms, ${kB(f.bytes_on_wire)}; ` +
            `repeat ${r.time_to_first_title_ms} ms, ${kB(r.bytes_on_wire)}, ${r.pkg_bodies.length} /pkg/ bodies`,
        );
      }
      const repeated = aggregate(repeat);
      result.profiles[name] = {
        network: { label: profile.label, rtt_ms: profile.rttMs, down_kbps: profile.downKbps, up_kbps: profile.upKbps, cdp: cdpConditions(profile) },
        first: aggregate(first),
        repeat: repeated,
        pkg_bodies_on_repeat: { median: repeated.pkg_bodies.median, max: repeated.pkg_bodies.max, urls: repeated.pkg_bodies.urls },
      };
    }
  } finally {
    await browser.close();
  }

  console.log(`\n${table(result)}`);
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwritten to ${opts.out}`);
}

main().catch((error) => {
  if (error instanceof Failure) {
    console.error(`first_visit: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
