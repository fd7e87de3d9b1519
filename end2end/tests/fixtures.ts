import { test as base, expect, BrowserContext, Page } from "@playwright/test";
import { randomBytes } from "node:crypto";

export type Member = { username: string; password: string };

/** A username no other test (or earlier run) has used. */
export function freshMember(): Member {
  return { username: `m_${randomBytes(6).toString("hex")}`, password: `pw-${randomBytes(8).toString("hex")}` };
}

/** Waits until the app has hydrated: the submit button is enabled only then. */
export async function fillAndSubmit(page: Page, member: Member, button: "Log in" | "Create account") {
  const submit = page.getByRole("button", { name: button });
  await expect(submit).toBeEnabled();
  await page.getByLabel("Username").fill(member.username);
  await page.getByLabel("Password").fill(member.password);
  await submit.click();
}

/** The header's "Signed in as <name>". */
export function signedInAs(page: Page, member: Member) {
  return page.getByRole("banner").getByText(`Signed in as ${member.username}`);
}

/** Logs out with the header's button and waits for the login page: the session has then ended on the server and
 *  in this browser. (Navigating away straight after the click would cancel the log-out request midway.) */
export async function logOut(page: Page) {
  await page.getByRole("button", { name: "Log out", exact: true }).click();
  await expect(page).toHaveURL(/\/login/);
}

export async function register(page: Page, member: Member) {
  await page.goto("/register");
  await fillAndSubmit(page, member, "Create account");
  await expect(signedInAs(page, member)).toBeVisible();
}

/** Records what would show a broken app: uncaught errors (panics, failed hydration) and console errors.
 *  The browser's own "Failed to load resource" lines for expected 4xx answers are not app errors. */
function watch(page: Page, errors: string[]) {
  page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      errors.push(`console: ${message.text()}`);
    }
  });
}

type Fixtures = {
  member: Member;
  pageErrors: string[];
  /** A fresh browser context (its own localStorage: another person), watched for errors like `page`. */
  openContext: () => Promise<BrowserContext>;
  /** A page of a freshly registered member in a context of their own. */
  memberPage: () => Promise<Page>;
};

export const test = base.extend<Fixtures>({
  member: async ({}, use) => {
    await use(freshMember());
  },
  // Every journey also asserts the app never panicked, failed to hydrate or logged an error.
  pageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      watch(page, errors);
      await use(errors);
      expect(errors, "errors in the browser console").toEqual([]);
    },
    { auto: true },
  ],
  openContext: async ({ browser, pageErrors }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async () => {
      const context = await browser.newContext();
      context.on("page", (page) => watch(page, pageErrors));
      contexts.push(context);
      return context;
    });
    for (const context of contexts) await context.close();
  },
  memberPage: async ({ openContext }, use) => {
    await use(async () => {
      const page = await (await openContext()).newPage();
      await register(page, freshMember());
      return page;
    });
  },
});

export { expect };

/** The signed-in member's token, as the app stored it. */
export async function tokenOf(page: Page): Promise<string> {
  return page.evaluate(() => JSON.parse(localStorage.getItem("bulletin_token") ?? "null"));
}

/** Creates a post through the REST API (faster than the editor when a test only needs posts to exist). */
export async function apiPost(page: Page, title: string, body = "Written through the REST API.") {
  const response = await page.request.post("/posts", {
    headers: { Authorization: `Bearer ${await tokenOf(page)}` },
    data: { title, body },
  });
  expect(response.status()).toBe(201);
  return (await response.json()) as { id: number; title: string };
}

/** A short random word, to find this test's posts in a feed other tests write to at the same time. */
export function tag(): string {
  return `t${randomBytes(4).toString("hex")}`;
}
