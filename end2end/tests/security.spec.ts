import { createHmac } from "node:crypto";
import { test, expect, register, fillAndSubmit, signedInAs, tokenOf, apiPost, tag } from "./fixtures";
import type { Member } from "./fixtures";
import type { BrowserContext, Page } from "@playwright/test";

/** Collects the browser's `securitypolicyviolation` events, from before any script of the page runs. */
async function recordViolations(page: Page) {
  await page.addInitScript(() => {
    (window as any).__violations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as any).__violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
}

const violations = (page: Page) => page.evaluate(() => (window as any).__violations as string[]);

test("every page hydrates under the Content-Security-Policy with no violation", async ({ page, member }) => {
  await recordViolations(page);
  await register(page, member);
  const post = await apiPost(page, `CSP ${tag()}`);
  const userId = JSON.parse((await page.evaluate(() => localStorage.getItem("bulletin_user")))!).userId;
  for (const path of ["/", `/p/${post.id}`, `/u/${userId}`, "/new", "/no/such/page"]) {
    const response = await page.goto(path);
    expect(response!.headers()["content-security-policy"], path).toContain("script-src 'nonce-");
    // Interactive only once hydrated: the wasm ran under the policy.
    await expect(page.getByRole("button", { name: "Log out", exact: true }), path).toBeEnabled();
    expect(await violations(page), path).toEqual([]);
  }
});

test("the policy blocks a script injected into the page", async ({ page, member, pageErrors }) => {
  await recordViolations(page);
  await register(page, member);
  await page.evaluate(() => {
    const script = document.createElement("script");
    script.textContent = "window.__injected = true";
    document.body.append(script);
  });
  await expect.poll(() => violations(page)).toContain("script-src-elem inline");
  expect(await page.evaluate(() => (window as any).__injected)).toBeUndefined();
  // The browser reports the refusal on the console; that one was expected.
  const expected = pageErrors.filter((e) => e.includes("Content Security Policy"));
  expect(expected.length).toBeGreaterThan(0);
  pageErrors.splice(0, pageErrors.length, ...pageErrors.filter((e) => !expected.includes(e)));
});

/** The same member, signed in from a second browser (its own storage): another device. */
async function signInOnAnotherDevice(openContext: () => Promise<BrowserContext>, member: Member) {
  const device = await (await openContext()).newPage();
  await device.goto("/login");
  await fillAndSubmit(device, member, "Log in");
  await expect(signedInAs(device, member)).toBeVisible();
  return device;
}

function base64url(data: string | Buffer) {
  return Buffer.from(data).toString("base64url");
}

test("a token past half its life is refreshed silently", async ({ page, member }) => {
  const secret = process.env.JWT_SECRET;
  test.skip(!secret, "needs the server's JWT_SECRET (set by make e2e)");
  await register(page, member);
  const current = JSON.parse(Buffer.from((await tokenOf(page)).split(".")[1], "base64url").toString());
  // The same member's token, issued 35 minutes ago (one-hour lifetime): past half its life.
  const now = Math.floor(Date.now() / 1000);
  const claims = { ...current, iat: now - 2100, exp: now + 1500 };
  const unsigned = `${base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${base64url(JSON.stringify(claims))}`;
  const old = `${unsigned}.${createHmac("sha256", secret!).update(unsigned).digest("base64url")}`;
  await page.evaluate(
    ([token, refreshAt]) => {
      localStorage.setItem("bulletin_token", JSON.stringify(token));
      // This browser received it 35 minutes ago with a one-hour lifetime, by its own clock: due 5 minutes ago.
      localStorage.setItem("bulletin_token_refresh_at", JSON.stringify(refreshAt));
    },
    [old, now - 300] as const,
  );

  const refreshed = page.waitForRequest((request) => request.url().endsWith("/api/refresh"));
  await page.reload();
  await refreshed;
  await expect.poll(() => tokenOf(page)).not.toBe(old);
  const fresh = JSON.parse(Buffer.from((await tokenOf(page)).split(".")[1], "base64url").toString());
  expect(fresh.exp).toBeGreaterThan(claims.exp);
  await expect(signedInAs(page, member)).toBeVisible();
});

test("a browser whose clock is 45 minutes slow still refreshes its token in time", async ({ page, member }) => {
  // By this browser's clock every token is issued 45 minutes in the future; timed from `iat`, none would ever
  // look old before it expired, and the member would be logged out mid-work.
  await page.clock.install({ time: Date.now() - 45 * 60 * 1000 });
  await register(page, member);
  const refreshAt = () => page.evaluate(() => JSON.parse(localStorage.getItem("bulletin_token_refresh_at") ?? "0"));
  const first = await refreshAt();
  const refreshed = page.waitForResponse((response) => response.url().endsWith("/api/refresh"));
  await page.clock.runFor(31 * 60 * 1000);
  expect((await refreshed).status()).toBe(200);
  // The fresh token was stored. (Its text may equal the old one's: a refresh within the same real second signs
  // the same claims. Its refresh time, by this browser's clock, is 31 minutes later.)
  await expect.poll(refreshAt).toBeGreaterThanOrEqual(first + 30 * 60);
  await expect(signedInAs(page, member)).toBeVisible();
});

test("changing the password keeps this tab signed in and signs out every other device", async ({
  page,
  member,
  openContext,
}) => {
  await register(page, member);
  const laptop = await signInOnAnotherDevice(openContext, member);

  await page.getByRole("banner").getByRole("link", { name: /Signed in as/ }).click();
  const newPassword = `new-${member.password}`;
  await page.getByLabel("Current password").fill("not the password");
  await page.getByLabel("New password", { exact: true }).fill(newPassword);
  await page.getByLabel("New password again").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("alert")).toHaveText("Current password is incorrect");

  await page.getByLabel("Current password").fill(member.password);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status")).toHaveText("Password changed. Every other device has been logged out.");
  await page.reload();
  await expect(signedInAs(page, member)).toBeVisible();
  await expect(page.getByLabel("Current password")).toBeVisible();

  // The other device's token was revoked: its next request ends the session.
  await laptop.goto("/");
  await expect(laptop).toHaveURL(/\/login/);
  await expect(laptop.getByText("Your session has expired. Please log in again.")).toBeVisible();
  await fillAndSubmit(laptop, { ...member, password: newPassword }, "Log in");
  await expect(signedInAs(laptop, member)).toBeVisible();
});

test("log out everywhere ends every session, this one included", async ({ page, member, openContext }) => {
  await register(page, member);
  const laptop = await signInOnAnotherDevice(openContext, member);

  await page.getByRole("banner").getByRole("link", { name: /Signed in as/ }).click();
  page.once("dialog", (dialog) => void dialog.dismiss());
  await page.getByRole("button", { name: "Log out everywhere" }).click();
  await expect(signedInAs(page, member)).toBeVisible();

  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Log out everywhere" }).click();
  await expect(page).toHaveURL(/\/login/);
  await laptop.reload();
  await expect(laptop).toHaveURL(/\/login/);

  await fillAndSubmit(page, member, "Log in");
  await expect(signedInAs(page, member)).toBeVisible();
});
