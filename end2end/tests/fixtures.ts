import { test as base, expect, Page } from "@playwright/test";
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

export async function register(page: Page, member: Member) {
  await page.goto("/register");
  await fillAndSubmit(page, member, "Create account");
  await expect(signedInAs(page, member)).toBeVisible();
}

export const test = base.extend<{ member: Member; pageErrors: string[] }>({
  member: async ({}, use) => {
    await use(freshMember());
  },
  // Every journey also asserts the app never panicked or failed to hydrate: such errors reach the console.
  // (The browser's own "Failed to load resource" lines for expected 4xx answers are not app errors.)
  pageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
      page.on("console", (message) => {
        if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
          errors.push(`console: ${message.text()}`);
        }
      });
      await use(errors);
      expect(errors, "errors in the browser console").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
