import { test, expect, register, fillAndSubmit, signedInAs, tokenOf, tag } from "./fixtures";

test("a draft survives the session ending at Publish, comes back after logging in, and is gone once published", async ({
  page,
  member,
}) => {
  await register(page, member);
  await page.getByRole("link", { name: "New post" }).click();
  const title = `Draft ${tag()}`;
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Body").fill("Words I do not want to type twice.");
  // The session ends on the server meanwhile (as if revoked elsewhere).
  const ended = await page.request.post("/auth/logout", { headers: { Authorization: `Bearer ${await tokenOf(page)}` } });
  expect(ended.status()).toBe(204);
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page).toHaveURL(/\/login\?next=%2Fnew&expired=1/);

  await fillAndSubmit(page, member, "Log in");
  await expect(page).toHaveURL("/new");
  await expect(page.getByText("Your unsaved draft is back.")).toBeVisible();
  await expect(page.getByLabel("Title")).toHaveValue(title);
  await expect(page.getByLabel("Body")).toHaveValue("Words I do not want to type twice.");

  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await page.goto("/new");
  await expect(page.getByRole("button", { name: "Publish" })).toBeEnabled();
  await expect(page.getByLabel("Title")).toHaveValue("");
  await expect(page.getByText("Your unsaved draft is back.")).toHaveCount(0);
});

test("a reload, Back and Forward keep what was typed, and a comment draft too", async ({ page, member }) => {
  await register(page, member);
  await page.getByRole("link", { name: "New post" }).click();
  await page.getByLabel("Title").fill("Half a thought");
  await page.getByLabel("Body").fill("…and the other half");
  page.on("dialog", (dialog) => void dialog.accept()); // a reload asks first (beforeunload)
  await page.reload();
  await expect(page.getByLabel("Title")).toHaveValue("Half a thought");

  await page.goBack();
  await expect(page).toHaveURL("/");
  await page.goForward();
  await expect(page).toHaveURL("/new");
  await expect(page.getByLabel("Body")).toHaveValue("…and the other half");

  await page.getByRole("button", { name: "Discard it" }).click();
  await expect(page.getByLabel("Title")).toHaveValue("");
  await page.reload();
  await expect(page.getByRole("button", { name: "Publish" })).toBeEnabled();
  await expect(page.getByLabel("Title")).toHaveValue("");
});

test("log out asks before discarding drafts, then ends the session on the server and says so", async ({
  page,
  member,
}) => {
  await register(page, member);
  const copied = await tokenOf(page);
  await page.getByRole("link", { name: "New post" }).click();
  await page.getByLabel("Title").fill("Not finished");

  page.once("dialog", (dialog) => {
    expect(dialog.message()).toContain("unsaved drafts");
    void dialog.dismiss();
  });
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(signedInAs(page, member)).toBeVisible();
  await expect(page.getByLabel("Title")).toHaveValue("Not finished");

  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByText("You are logged out. This session no longer works anywhere")).toBeVisible();
  const me = await page.request.get("/auth/me", { headers: { Authorization: `Bearer ${copied}` } });
  expect(me.status(), "a copy of the token no longer works").toBe(401);

  await fillAndSubmit(page, member, "Log in");
  // Signed in before going on: navigating straight after the click would cancel the login request midway.
  await expect(signedInAs(page, member)).toBeVisible();
  await page.goto("/new");
  await expect(page.getByRole("button", { name: "Publish" })).toBeEnabled();
  await expect(page.getByLabel("Title"), "the discarded draft stays discarded").toHaveValue("");
});

test("a long post in Japanese is sent and published whole", async ({ page, member }) => {
  await register(page, member);
  await page.getByRole("link", { name: "New post" }).click();
  const title = `日本語の投稿 ${tag()}`;
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Body").fill("あいうえお".repeat(1600));
  await expect(page.getByText("8000/10000")).toBeVisible();
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
});

test("a refusal for too many attempts says how long to wait", async ({ page, member }) => {
  await page.route("**/api/login", (route) =>
    route.fulfill({
      status: 429,
      contentType: "application/json",
      headers: { "Retry-After": "240" },
      body: JSON.stringify({ error: "Too many attempts, try again in 4 minutes", status: 429, retryAfter: 240 }),
    }),
  );
  await page.goto("/login");
  await fillAndSubmit(page, member, "Log in");
  await expect(page.getByRole("alert")).toHaveText("Too many attempts, try again in 4 minutes");
});

test("a login remembers this browser for its member and sends the device token next time", async ({ page, member }) => {
  await register(page, member);
  const key = `bulletin_device:${member.username.toLowerCase()}`;
  const device = await page.evaluate((k) => JSON.parse(localStorage.getItem(k) ?? "null"), key);
  expect(typeof device).toBe("string");
  await page.getByRole("button", { name: "Log out" }).click();
  const login = page.waitForRequest((request) => request.url().endsWith("/api/login"));
  await fillAndSubmit(page, member, "Log in");
  expect((await login).headers()["x-device-token"]).toContain(device);
  await expect(signedInAs(page, member)).toBeVisible();
});

test("the skip link takes the keyboard straight to the content", async ({ page, member }) => {
  await register(page, member);
  await page.goto("/");
  await expect(page.getByRole("button", { name: "Log out" })).toBeEnabled();
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();
  await expect(page.getByRole("heading", { level: 1, name: "The board" })).toBeVisible();
});
