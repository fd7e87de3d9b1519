import { execFileSync } from "node:child_process";
import path from "node:path";
import { BrowserContext, Page } from "@playwright/test";
import { test, expect, register, freshMember, fillAndSubmit, apiPost, tag, logOut, Member } from "./fixtures";

/** `bulletin admin grant USERNAME ROLE` on the board the journeys run against (the release build, and the
 *  DATABASE_URL `make e2e` gives both the server and Playwright). */
function grant(username: string, role: "moderator" | "admin") {
  const binary = path.resolve(__dirname, "../../target/release/bulletin");
  execFileSync(binary, ["admin", "grant", username, role], { env: { ...process.env, RUST_LOG: "warn" } });
}

/** A freshly registered member, made moderator, signed in again: the app learns a member's role when they sign
 *  in (or their token is refreshed), and then offers the moderation page. */
async function moderatorPage(openContext: () => Promise<BrowserContext>): Promise<Page> {
  const moderator = freshMember();
  const page = await (await openContext()).newPage();
  await register(page, moderator);
  await expect(page.getByRole("link", { name: "Moderation" })).toHaveCount(0);
  grant(moderator.username, "moderator");
  await logOut(page);
  await fillAndSubmit(page, moderator, "Log in");
  await expect(page.getByRole("link", { name: "Moderation" })).toBeVisible();
  return page;
}

async function userIdOf(page: Page): Promise<number> {
  return page.evaluate(() => JSON.parse(localStorage.getItem("bulletin_user") ?? "null").userId);
}

test("a member reports, a moderator removes it with a reason, the author sees it gone and the log shows it", async ({
  memberPage,
  openContext,
}) => {
  const author = await memberPage();
  const title = `Cheap watches ${tag()}`;
  const post = await apiPost(author, title, "Buy now!");

  // A member reports the post: the browser asks why, and the page says it was sent.
  const reporter = await memberPage();
  await reporter.goto(`/p/${post.id}`);
  await expect(reporter.getByRole("button", { name: "Remove", exact: true })).toHaveCount(0);
  reporter.once("dialog", (dialog) => dialog.accept("Advertising"));
  await reporter.getByRole("button", { name: "Report", exact: true }).click();
  await expect(reporter.getByText("Reported. A moderator will look at it.")).toBeVisible();

  // The moderator finds it in the queue with its reason, and removes it with a reason of their own.
  const moderator = await moderatorPage(openContext);
  await moderator.getByRole("link", { name: "Moderation" }).click();
  await expect(moderator).toHaveURL(/\/moderation$/);
  const card = moderator.locator(".report-card", { hasText: title });
  await expect(card).toContainText("Advertising");
  await expect(card).toContainText("1 report");
  await card.getByRole("button", { name: "Remove post" }).click();
  await card.getByLabel("Why remove this post?").fill("Spam, not a post");
  await card.getByRole("button", { name: "Remove post" }).click();
  await expect(moderator.locator(".report-card", { hasText: title })).toHaveCount(0);

  // The log below says who removed what, and why.
  const entry = moderator.locator(".log-entry", { hasText: title });
  await expect(entry).toContainText("removed a post");
  await expect(entry).toContainText("Spam, not a post");

  // The author finds the post gone.
  await author.goto(`/p/${post.id}`);
  await expect(author.getByRole("heading", { name: "This post does not exist." })).toBeVisible();
});

test("a moderator removes a post from its page; members see no moderation page", async ({ memberPage, openContext }) => {
  const author = await memberPage();
  const title = `Off topic ${tag()}`;
  const post = await apiPost(author, title);
  await author.goto("/moderation");
  await expect(author.getByRole("alert")).toContainText("Only moderators and admins can do this");

  const moderator = await moderatorPage(openContext);
  await moderator.goto(`/p/${post.id}`);
  await expect(moderator.getByRole("button", { name: "Report", exact: true })).toHaveCount(0);
  moderator.once("dialog", (dialog) => dialog.accept("Off topic"));
  await moderator.getByRole("button", { name: "Remove", exact: true }).click();
  await expect(moderator).toHaveURL(/\/$/);
  await author.goto(`/p/${post.id}`);
  await expect(author.getByRole("heading", { name: "This post does not exist." })).toBeVisible();
  await moderator.getByRole("link", { name: "Moderation" }).click();
  await expect(moderator.locator(".log-entry", { hasText: title })).toContainText("Off topic");
});

test("a suspended member is signed out and cannot sign back in until the suspension is lifted", async ({
  openContext,
}) => {
  const member: Member = freshMember();
  const page = await (await openContext()).newPage();
  await register(page, member);
  const memberId = await userIdOf(page);

  const moderator = await moderatorPage(openContext);
  await moderator.goto(`/u/${memberId}`);
  await moderator.getByLabel("Reason for suspending").fill("Flooding the board");
  await moderator.getByRole("button", { name: "Suspend", exact: true }).click();
  await expect(moderator.getByText("Suspended until lifted")).toBeVisible();

  // Their next request signs them out, saying why.
  const suspended = "Your account is suspended until a moderator lifts the suspension.";
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByText(suspended)).toBeVisible();
  // The right password does not bring them back.
  await fillAndSubmit(page, member, "Log in");
  await expect(page.getByRole("alert")).toHaveText(suspended);

  await moderator.getByRole("button", { name: "Lift suspension" }).click();
  await expect(moderator.getByRole("button", { name: "Suspend", exact: true })).toBeVisible();
  await fillAndSubmit(page, member, "Log in");
  await expect(page.getByRole("banner").getByText(`Signed in as ${member.username}`)).toBeVisible();
});
