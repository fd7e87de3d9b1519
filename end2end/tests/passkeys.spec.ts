import { CDPSession, Page } from "@playwright/test";
import { test, expect, register, signedInAs, logOut, fillAndSubmit } from "./fixtures";

// A passkey is bound to a host name, and the server's relying party is PUBLIC_URL (by default
// http://localhost:3000): these journeys open the board by that name, not as 127.0.0.1.
test.use({ baseURL: process.env.PASSKEY_BASE_URL ?? "http://localhost:3000" });

/** Chromium's virtual authenticator (CDP WebAuthn): a platform authenticator with resident keys and user
 *  verification that answers every request at once, as if the person touched the sensor. */
async function virtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

/** A browser without passkey autofill (conditional mediation): the login page then waits for the button. (In
 *  Chromium the virtual authenticator answers an autofill request at once, as a person picking the passkey.) */
async function withoutAutofill(page: Page) {
  await page.addInitScript(() => {
    PublicKeyCredential.isConditionalMediationAvailable = async () => false;
  });
}

async function openOwnProfile(page: Page) {
  await page.getByRole("banner").getByRole("link", { name: /Signed in as/ }).click();
  await expect(page.getByRole("heading", { name: "Passkeys" })).toBeVisible();
}

/** Adds a passkey named `name` on the member's own profile. */
async function addPasskey(page: Page, name: string) {
  await openOwnProfile(page);
  await page.getByLabel("Name of the new passkey").fill(name);
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.locator(".passkeys")).toContainText(`Passkey “${name}” added.`);
}

test("a member adds a passkey, signs in with it alone, removes it, and then it no longer signs them in", async ({
  page,
  member,
}) => {
  await withoutAutofill(page);
  const { cdp, authenticatorId } = await virtualAuthenticator(page);
  await register(page, member);
  await openOwnProfile(page);
  const card = page.locator(".passkeys");
  await expect(card).toContainText("You have no passkeys yet.");

  // A name is asked for first; then the browser makes the passkey.
  await card.getByRole("button", { name: "Add a passkey" }).click();
  await expect(card.getByRole("alert")).toHaveText("Give the passkey a name");
  await addPasskey(page, "Test laptop");
  const row = card.locator(".passkey", { hasText: "Test laptop" });
  await expect(row).toContainText("Last used never");
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  expect(credentials).toHaveLength(1);
  expect(credentials[0].isResidentCredential).toBe(true);

  // Renamed through the browser's prompt.
  page.once("dialog", (dialog) => dialog.accept("Work laptop"));
  await row.getByRole("button", { name: "Rename" }).click();
  await expect(card.locator(".passkey", { hasText: "Work laptop" })).toBeVisible();

  // Signed out, and back in with the passkey only: no name, no password.
  await logOut(page);
  const button = page.getByRole("button", { name: "Sign in with a passkey" });
  await expect(button).toBeEnabled();
  await button.click();
  await expect(signedInAs(page, member)).toBeVisible();
  await openOwnProfile(page);
  await expect(card.locator(".passkey", { hasText: "Work laptop" })).not.toContainText("Last used never");

  // Removed after a confirmation; the authenticator still holds the key, which now signs nobody in.
  page.once("dialog", (dialog) => dialog.accept());
  await card.locator(".passkey", { hasText: "Work laptop" }).getByRole("button", { name: "Remove" }).click();
  await expect(card).toContainText("You have no passkeys yet.");
  await logOut(page);
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page.getByRole("alert")).toHaveText("This passkey is not registered here");
  await expect(page).toHaveURL(/\/login/);

  // The password still works.
  await fillAndSubmit(page, member, "Log in");
  await expect(signedInAs(page, member)).toBeVisible();
});

test("where the browser offers passkeys in autofill, the login page signs the member in with one", async ({
  page,
  member,
}) => {
  await virtualAuthenticator(page);
  await register(page, member);
  await addPasskey(page, "Phone");
  await page.goto("/");
  // Logged out, the login page's autofill request is answered by the authenticator: signed in again without a
  // click (so quickly that the login page may never be seen).
  await page.getByRole("button", { name: "Log out", exact: true }).click();
  await expect(signedInAs(page, member)).toBeVisible();
  await openOwnProfile(page);
  await expect(page.locator(".passkey", { hasText: "Phone" })).not.toContainText("Last used never");
});

test("a person who cancels the passkey prompt is told so and stays on the login page", async ({ page, member }) => {
  await withoutAutofill(page);
  const { cdp, authenticatorId } = await virtualAuthenticator(page);
  await register(page, member);
  await addPasskey(page, "Phone");
  await page.goto("/");
  await logOut(page);

  // The person does not confirm: the authenticator answers with no verified user, as a cancelled prompt does.
  await cdp.send("WebAuthn.setUserVerified", { authenticatorId, isUserVerified: false });
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page.getByRole("alert")).toHaveText(
    "No passkey was used: it was cancelled, timed out, or none was found.",
  );
  await expect(page).toHaveURL(/\/login/);
});

test("opened by IP address, the login page says where passkeys work", async ({ page }) => {
  await withoutAutofill(page);
  await page.goto(`${process.env.BASE_URL ?? "http://127.0.0.1:3000"}/login`);
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page.getByRole("alert")).toHaveText(
    "Passkeys work only at this board's own address (its host name), not at this one. Open it there.",
  );
});
