import AxeBuilder from "@axe-core/playwright";
import { test, expect, register, apiPost, tag } from "./fixtures";

// Every page, at a desktop and a phone width, in the light and the dark theme: no axe-core violation (WCAG 2.x
// A and AA rules and axe's best practices).
for (const width of [1280, 375]) {
  for (const colorScheme of ["light", "dark"] as const) {
    test(`no accessibility violations at ${width} px, ${colorScheme}`, async ({ page, member }) => {
      // Eight pages, each analysed by axe: 16-19 s here with two workers, too close to the 30 s default on a
      // slower machine. `slow` triples the limit for this journey alone.
      test.slow();
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme });
      const check = async (path: string, ready: () => Promise<void>) => {
        await page.goto(path);
        await ready();
        const results = await new AxeBuilder({ page }).analyze();
        const found = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
        expect(found, `${path} at ${width} px, ${colorScheme}`).toEqual([]);
      };
      const heading = (name: string | RegExp) => async () => {
        await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
      };

      await check("/login", heading("Log in"));
      await check("/register", heading("Create your account"));
      await register(page, member);
      const post = await apiPost(page, `Accessible ${tag()}`);
      const userId = JSON.parse((await page.evaluate(() => localStorage.getItem("bulletin_user")))!).userId;
      await check("/", async () => {
        await heading("The board")();
        await expect(page.getByRole("link", { name: post.title })).toBeVisible();
      });
      await check(`/p/${post.id}`, heading(post.title));
      await check(`/p/${post.id}/edit`, heading("Edit post"));
      await check("/new", heading("New post"));
      await check(`/u/${userId}`, heading(member.username));
      await check("/no/such/page", heading("Page not found"));
    });
  }
}
