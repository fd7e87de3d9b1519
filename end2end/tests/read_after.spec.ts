import { test, expect, register, tag } from "./fixtures";

// On a board with read replicas, an answer to a write carries the position of that write (Bulletin-Read-After),
// and the app must send the highest one back so the member reads their own writes on any instance. This board
// (SQLite) has no replicas, so the position is added to the write's answer here; what is checked is the app.
test("the app sends the read-after position a write answered with back with its calls, after a reload too", async ({
  page,
  member,
}) => {
  await register(page, member);
  await page.route("**/api/create_post", async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers(), "bulletin-read-after": "987654321" };
    delete headers["content-encoding"];
    delete headers["content-length"];
    await route.fulfill({ response, headers });
  });
  await page.getByRole("link", { name: "New post" }).click();
  const title = `Read after ${tag()}`;
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Body").fill("Written on the primary, read anywhere.");
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();

  // The feed, reached inside the app, is asked for with the position.
  const listed = page.waitForRequest((request) => request.url().endsWith("/api/list_posts"));
  await page.getByRole("link", { name: "Bulletin" }).first().click();
  expect((await listed).headers()["bulletin-read-after"]).toBe("987654321");

  // After a reload, the early feed request (sent before the app has loaded) carries it as well.
  const early = page.waitForRequest((request) => request.url().endsWith("/api/list_posts"));
  await page.reload();
  expect((await early).headers()["bulletin-read-after"]).toBe("987654321");
  await expect(page.getByRole("link", { name: title })).toBeVisible();
});
