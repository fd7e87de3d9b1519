import { test, expect } from "./fixtures";

test("the API reference at /docs renders every operation from /openapi.json", async ({ page }) => {
  await page.goto("/docs");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Bulletin API");
  const spec = await (await page.request.get("/openapi.json")).json();
  const operations = Object.values(spec.paths).flatMap((item: any) =>
    Object.keys(item).filter((m) => ["get", "post", "put", "patch", "delete"].includes(m)),
  );
  await expect(page.locator("details.operation")).toHaveCount(operations.length);
  const register = page.locator("details.operation", { hasText: "/auth/register" });
  await register.locator("summary").click();
  await expect(register.getByText("Create an account and sign in")).toBeVisible();
  await expect(register.getByText("409", { exact: true })).toBeVisible();
  await expect(register.locator("pre").first()).toContainText("board_fan");
});
