import { Page } from "@playwright/test";
import { test, expect, register, freshMember, fillAndSubmit, apiPost, tag, tokenOf } from "./fixtures";

async function publish(page: Page, title: string, body: string) {
  await page.getByRole("link", { name: "New post" }).click();
  const publishButton = page.getByRole("button", { name: "Publish" });
  await expect(publishButton).toBeEnabled();
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Body").fill(body);
  await publishButton.click();
  await expect(page).toHaveURL(/\/p\/\d+$/);
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
}

async function search(page: Page, text: string) {
  await page.getByLabel("Search").fill(text);
}

test("two members: post, see, upvote, comment, edit and delete", async ({ memberPage }) => {
  const alice = await memberPage();
  const bob = await memberPage();
  const title = `Hello ${tag()}`;
  await publish(alice, title, "Line one\nLine two <b>not bold</b>");
  await expect(alice.locator(".post-body")).toHaveText("Line one\nLine two <b>not bold</b>");
  const postUrl = alice.url();

  // Bob finds it in the feed.
  await bob.goto("/");
  await search(bob, title);
  await expect(bob.getByRole("listitem")).toHaveCount(1);
  await bob.getByRole("link", { name: title }).click();
  await expect(bob).toHaveURL(postUrl);

  // Not Bob's post: no Edit, no Delete.
  await expect(bob.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(bob.getByRole("link", { name: "Edit" })).toHaveCount(0);
  await expect(bob.getByRole("button", { name: "Delete" })).toHaveCount(0);

  // The upvote shows before the server has answered.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await bob.route("**/api/upvote", async (route) => {
    await held;
    await route.continue();
  });
  const upvote = bob.getByRole("button", { name: /^Upvote/ });
  await upvote.click();
  await expect(bob.locator(".upvote-count").first()).toHaveText("1");
  await expect(bob.getByRole("button", { name: "Remove upvote (1 upvote)" })).toHaveAttribute("aria-pressed", "true");
  release();
  await bob.waitForResponse("**/api/upvote");
  await expect(bob.getByRole("button", { name: "Remove upvote (1 upvote)" })).toBeVisible();

  // Bob comments.
  await expect(bob.getByText("No comments yet.")).toBeVisible();
  await bob.getByLabel("Add a comment").fill("Nice post!");
  await bob.getByRole("button", { name: "Comment" }).click();
  await expect(bob.locator(".comment-body")).toHaveText(["Nice post!"]);
  await expect(bob.getByRole("button", { name: "Delete your comment" })).toBeVisible();

  // Alice sees it, edits her post, and the edit is marked.
  await alice.reload();
  await expect(alice.locator(".comment-body")).toHaveText(["Nice post!"]);
  await expect(alice.getByRole("button", { name: "Delete your comment" })).toHaveCount(0);
  await expect(alice.getByText("edited", { exact: true })).toHaveCount(0);
  await alice.getByRole("link", { name: "Edit" }).click();
  await expect(alice.getByRole("button", { name: "Save" })).toBeEnabled();
  await alice.getByLabel("Title").fill(`${title} (updated)`);
  await alice.getByRole("button", { name: "Save" }).click();
  await expect(alice).toHaveURL(postUrl);
  await expect(alice.getByRole("heading", { level: 1, name: `${title} (updated)` })).toBeVisible();
  await expect(alice.getByText("edited", { exact: true })).toBeVisible();

  // Alice deletes it, after confirming; Bob finds it gone after a reload.
  let asked = "";
  alice.once("dialog", (dialog) => {
    asked = dialog.message();
    void dialog.accept();
  });
  await alice.getByRole("button", { name: "Delete" }).click();
  await expect(alice).toHaveURL("/");
  expect(asked).toContain("Delete this post?");
  await bob.reload();
  await expect(bob.getByRole("heading", { name: "This post does not exist." })).toBeVisible();
  await expect(bob.getByRole("link", { name: "Back to the feed" })).toBeVisible();
});

test("a failed upvote rolls back with a message, and members delete their own comments", async ({ memberPage }) => {
  const page = await memberPage();
  const post = await apiPost(page, `Fragile ${tag()}`);
  await page.goto(`/p/${post.id}`);
  await expect(page.getByRole("heading", { level: 1, name: post.title })).toBeVisible();

  await page.route("**/api/upvote", (route) =>
    route.fulfill({
      status: 503,
      contentType: "application/json",
      body: JSON.stringify({ error: "Service temporarily unavailable, try again shortly", status: 503 }),
    }),
  );
  await page.getByRole("button", { name: /^Upvote/ }).click();
  await expect(page.getByRole("alert")).toHaveText(
    "Your vote was not saved: Service temporarily unavailable, try again shortly",
  );
  await expect(page.getByRole("button", { name: "Upvote (0 upvotes)" })).toHaveAttribute("aria-pressed", "false");

  await page.getByLabel("Add a comment").fill("Short-lived");
  await page.getByRole("button", { name: "Comment" }).click();
  await expect(page.locator(".comment-body")).toHaveText(["Short-lived"]);
  await page.getByRole("button", { name: "Delete your comment" }).click();
  await expect(page.getByText("No comments yet.")).toBeVisible();
  await page.reload();
  await expect(page.getByText("No comments yet.")).toBeVisible();
});

test("declining the delete confirmation keeps the post", async ({ memberPage }) => {
  const alice = await memberPage();
  const title = `Keep ${tag()}`;
  await publish(alice, title, "Still here");
  alice.once("dialog", (dialog) => void dialog.dismiss());
  await alice.getByRole("button", { name: "Delete" }).click();
  await alice.reload();
  await expect(alice.getByRole("heading", { level: 1, name: title })).toBeVisible();
});

test("search and sort", async ({ memberPage }) => {
  const page = await memberPage();
  const word = tag();
  await apiPost(page, `${word} alpha`);
  const beta = await apiPost(page, `${word} beta`);
  await apiPost(page, `${word} gamma`);
  await page.request.post(`/posts/${beta.id}/upvote`, { headers: { Authorization: `Bearer ${await tokenOf(page)}` } });

  await page.goto("/");
  await search(page, word);
  const titles = page.locator(".post-card-title");
  await expect(titles).toHaveText([`${word} gamma`, `${word} beta`, `${word} alpha`]);
  await page.getByLabel("Sort").selectOption("top");
  await expect(titles).toHaveText([`${word} beta`, `${word} gamma`, `${word} alpha`]);
  await search(page, `${word} ALPHA`);
  await expect(titles).toHaveText([`${word} alpha`]);
  // The match is marked in the title, as text (the case is the post's own).
  await expect(page.locator(".post-card-title mark")).toHaveText([`${word} alpha`]);
  await search(page, `${word} nothing`);
  await expect(page.getByText(`No posts match “${word} nothing”.`)).toBeVisible();

  // A match in the body shows an excerpt around it, marked; markup in the body stays text.
  const long = `${"Lorem ipsum dolor sit amet. ".repeat(5)}The <b>${word}</b> STRASSE is here.${" More text.".repeat(10)}`;
  await apiPost(page, `${word} delta`, long);
  await search(page, `${word}</b> straße`);
  await expect(titles).toHaveText([`${word} delta`]);
  const excerpt = page.locator(".post-card-excerpt");
  await expect(excerpt.locator("mark")).toHaveText([`${word}</b> STRASSE`]);
  await expect(excerpt).toHaveText(/^…[^…]+ STRASSE is here\. More text\.[^…]+…$/);
  await expect(excerpt.locator("b")).toHaveCount(0);
});

test("load more continues the feed", async ({ memberPage }) => {
  const page = await memberPage();
  const word = tag();
  for (let i = 0; i < 23; i++) await apiPost(page, `${word} number ${i}`);
  await page.goto("/");
  await search(page, word);
  const cards = page.locator(".post-card");
  await expect(cards).toHaveCount(20);
  await expect(page.getByText("23 posts")).toBeVisible();
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(cards).toHaveCount(23);
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);
  await expect(page.locator(".post-card-title").last()).toHaveText(`${word} number 0`);
});

test("missing posts and members have their own not-found pages", async ({ memberPage }) => {
  const page = await memberPage();
  for (const path of ["/p/999999999", "/p/abc"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: "This post does not exist." })).toBeVisible();
    await expect(page.getByRole("link", { name: "Back to the feed" })).toBeVisible();
  }
  await page.goto("/u/999999999");
  await expect(page.getByRole("heading", { name: "This member does not exist." })).toBeVisible();
});

test("logging out in one tab logs out the others", async ({ openContext }) => {
  const context = await openContext();
  const first = await context.newPage();
  await register(first, freshMember());
  const second = await context.newPage();
  await second.goto("/");
  await expect(second.getByRole("button", { name: "Log out" })).toBeVisible();
  await first.getByRole("button", { name: "Log out" }).click();
  await expect(second).toHaveURL(/\/login/);
  await expect(second.getByRole("button", { name: "Log in" })).toBeVisible();
});

test("an expired session on a post page returns there after logging in", async ({ page, member }) => {
  await register(page, member);
  const post = await apiPost(page, `Return ${tag()}`);
  await page.goto(`/p/${post.id}`);
  await expect(page.getByRole("heading", { level: 1, name: post.title })).toBeVisible();
  await page.evaluate(() => localStorage.setItem("bulletin_token", JSON.stringify("expired.or.garbled")));
  await page.reload();
  await expect(page.getByText("Your session has expired. Please log in again.")).toBeVisible();
  await fillAndSubmit(page, member, "Log in");
  await expect(page).toHaveURL(`/p/${post.id}`);
  await expect(page.getByRole("heading", { level: 1, name: post.title })).toBeVisible();
});

test("the editor validates as you go and asks before losing unsaved text", async ({ memberPage }) => {
  const page = await memberPage();
  await page.getByRole("link", { name: "New post" }).click();
  await expect(page.getByRole("button", { name: "Publish" })).toBeEnabled();
  await page.getByLabel("Title").fill("ab");
  await expect(page.getByText("2/200")).toBeVisible();
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByText("Title must be 3-200 characters")).toBeVisible();
  await expect(page.getByText("Body must be 1-10000 characters")).toBeVisible();
  await expect(page).toHaveURL("/new");

  page.once("dialog", (dialog) => void dialog.dismiss());
  await page.getByRole("link", { name: "Bulletin" }).click();
  await expect(page).toHaveURL("/new");
  await expect(page.getByLabel("Title")).toHaveValue("ab");

  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("link", { name: "Bulletin" }).click();
  await expect(page).toHaveURL("/");
});

test("a profile shows the member, their posts, and an editable bio for its owner", async ({ memberPage }) => {
  const page = await memberPage();
  const title = `Profile ${tag()}`;
  await apiPost(page, title);
  await page.getByRole("banner").getByRole("link", { name: /Signed in as/ }).click();
  await expect(page).toHaveURL(/\/u\/\d+$/);
  await expect(page.getByText("1 post")).toBeVisible();
  await expect(page.getByRole("link", { name: title })).toBeVisible();
  await page.getByLabel("Your bio").fill("I like boards.");
  await page.getByRole("button", { name: "Save bio" }).click();
  await expect(page.getByText("Bio saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Your bio")).toHaveValue("I like boards.");
});
