import { test, expect, register, fillAndSubmit, freshMember, signedInAs, logOut } from "./fixtures";

test("register, stay signed in across a reload, log out and log back in", async ({ page, member }) => {
  await register(page, member);
  await expect(page).toHaveURL("/");
  await expect(page.getByLabel("Search")).toBeVisible();

  await page.reload();
  await expect(page).toHaveURL("/");
  await expect(signedInAs(page, member)).toBeVisible();
  await expect(page.getByLabel("Search")).toBeVisible();

  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  expect(await page.evaluate(() => localStorage.getItem("bulletin_token"))).toBeNull();

  await fillAndSubmit(page, member, "Log in");
  await expect(page).toHaveURL("/");
  await expect(signedInAs(page, member)).toBeVisible();
});

test("a wrong password shows the server's message", async ({ page, member }) => {
  await register(page, member);
  await logOut(page);
  await fillAndSubmit(page, { ...member, password: "definitely-wrong" }, "Log in");
  await expect(page.getByRole("alert")).toHaveText("Invalid username or password");
  await expect(page).toHaveURL(/\/login/);
});

test("the shared validation runs in the browser before any request", async ({ page, member }) => {
  await page.goto("/register");
  let serverCalls = 0;
  page.on("request", (request) => {
    if (request.url().includes("/api/register")) serverCalls++;
  });
  await fillAndSubmit(page, { ...member, password: "short" }, "Create account");
  await expect(page.getByRole("alert")).toHaveText("Password must be at least 8 characters");
  expect(serverCalls).toBe(0);
});

test("a taken username shows the server's conflict message", async ({ page, member }) => {
  await register(page, member);
  await logOut(page);
  await page.goto("/register");
  await fillAndSubmit(page, { username: member.username.toUpperCase(), password: "another-password" }, "Create account");
  await expect(page.getByRole("alert")).toHaveText("Username already taken");
});

test("a garbled token in storage sends you to the login page with the expiry message", async ({ page, member }) => {
  await register(page, member);
  await page.evaluate(() => localStorage.setItem("bulletin_token", JSON.stringify("garbled.token.value")));
  await page.goto("/");
  await expect(page).toHaveURL(/\/login\?expired=1/);
  await expect(page.getByText("Your session has expired. Please log in again.")).toBeVisible();
  expect(await page.evaluate(() => localStorage.getItem("bulletin_token"))).toBeNull();

  await fillAndSubmit(page, member, "Log in");
  await expect(page).toHaveURL("/");
});

test("an anonymous visitor is sent to log in and brought back afterwards", async ({ page, member }) => {
  await register(page, member);
  await logOut(page);
  await page.goto("/?from=test");
  await expect(page).toHaveURL(/\/login\?next=%2F%3Ffrom%3Dtest/);
  await fillAndSubmit(page, member, "Log in");
  await expect(page).toHaveURL("/?from=test");
});

test("unknown paths show a not-found page with a way back", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Back to the feed" })).toBeVisible();
});

test("a next parameter that a browser would read as another site lands on the board instead", async ({ page, member }) => {
  // Eight sign-ins and eight log-outs: about 12 s here, so the default 30 s leaves too little room on a slower machine.
  test.slow();
  await register(page, member);
  await logOut(page);
  const origin = new URL(page.url()).origin;
  // Each would pass a check that only looks at the first characters: the browser drops tabs and line breaks
  // and reads a backslash as a slash, so all of them mean //evil.example.
  for (const hostile of ["%2F%09%2Fevil.example%2F", "%2F%0A%2Fevil.example%2F", "%2F%09%5Cevil.example", "%2F%5Cevil.example"]) {
    await page.goto(`/login?next=${hostile}`);
    await fillAndSubmit(page, member, "Log in");
    await expect(page).toHaveURL(`${origin}/`);
    await logOut(page);

    const newcomer = freshMember();
    await page.goto(`/register?next=${hostile}`);
    await fillAndSubmit(page, newcomer, "Create account");
    await expect(signedInAs(page, newcomer)).toBeVisible();
    await expect(page).toHaveURL(`${origin}/`);
    await logOut(page);
  }
});
