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

export async function register(page: Page, member: Member) {
  await page.goto("/register");
  await fillAndSubmit(page, member, "Create account");
  await expect(page.getByText(`Signed in as ${member.username}`)).toBeVisible();
}

export const test = base.extend<{ member: Member }>({
  member: async ({}, use) => {
    await use(freshMember());
  },
});

export { expect };
