import { expect, test } from "@playwright/test";
import { callMe, createKeyViaApi, registerViaApi, waitForHydration } from "./helpers";

test("a key created to expire in 7 days says so, and its page shows it", async ({ page }) => {
  await registerViaApi(page);
  await page.goto("/settings/api-keys");
  await waitForHydration(page);
  await page.getByRole("link", { name: "Create Key", exact: true }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create API Key" });
  await dialog.getByLabel("Name", { exact: true }).fill("Weekly");
  await expect(dialog.getByLabel("Expiration")).toHaveValue("never");
  await dialog.getByLabel("Expiration").selectOption({ label: "7 days" });
  await dialog.getByRole("button", { name: "Create Key", exact: true }).click();
  await expect(page.getByRole("dialog").getByRole("heading", { name: "API Key Created!" })).toBeVisible();
  await page.getByRole("dialog").getByRole("button", { name: "Done", exact: true }).click();

  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: "Weekly", exact: true }) });
  const expires = row.locator("time.expiry");
  await expect(expires).toHaveText("in 7 days");
  await expect(expires).toHaveAttribute("title", /\d/);
  await expect(page.getByRole("status").filter({ hasText: "Expiring within 7 days" })).toContainText("Weekly (in 7 days)");
});

test("a custom expiry date can be chosen", async ({ page }) => {
  await registerViaApi(page);
  await page.goto("/settings/api-keys");
  await waitForHydration(page);
  await page.getByRole("link", { name: "Create Key", exact: true }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create API Key" });
  await dialog.getByLabel("Name", { exact: true }).fill("Custom");
  await dialog.getByLabel("Expiration").selectOption("custom");
  const date = dialog.getByLabel("Expires at the end of");
  const inThirty = new Date(Date.now() + 30 * 86_400_000);
  const iso = `${inThirty.getFullYear()}-${String(inThirty.getMonth() + 1).padStart(2, "0")}-${String(inThirty.getDate()).padStart(2, "0")}`;
  await date.fill(iso);
  await dialog.getByRole("button", { name: "Create Key", exact: true }).click();
  await expect(page.getByRole("dialog").getByRole("heading", { name: "API Key Created!" })).toBeVisible();
  const keys = await (await page.request.get("/api/api-keys")).json();
  const custom = keys.keys.find((k: { name: string }) => k.name === "Custom");
  const expiresAt = new Date(custom.expiresAt);
  expect(expiresAt.getFullYear()).toBe(inThirty.getFullYear());
  expect(expiresAt.getMonth()).toBe(inThirty.getMonth());
  expect(expiresAt.getDate()).toBe(inThirty.getDate());
  expect(expiresAt.getHours()).toBe(23);
});

test("after a use, the key's page shows today's bar; reached from the list by keyboard", async ({ page }) => {
  await registerViaApi(page);
  const key = await createKeyViaApi(page, "Charted");
  expect((await callMe(page, key)).status()).toBe(200);
  await page.goto("/settings/api-keys");
  await waitForHydration(page);

  // Keyboard only: tab to the key's name and follow it.
  const link = page.getByRole("link", { name: "Charted", exact: true });
  for (let i = 0; i < 30 && !(await link.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
  }
  await expect(link).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/settings\/api-keys\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1, name: "Charted" })).toBeVisible();

  await expect(page.getByText("1 call", { exact: true })).toBeVisible();
  const today = page.locator("ol.chart li.today");
  await expect(today).toHaveCount(1);
  await expect(today).toHaveAttribute("aria-label", /: 1 call$/);
  await expect(page.locator("ol.chart li")).toHaveCount(30);
  // A day's value shows on focus, not only on hover: the scale and the legend are there too.
  await today.focus();
  await expect(today.locator(".bar-tip")).toBeVisible();
  await expect(page.locator(".chart-scale")).toContainText("1");
  await expect(page.getByText("Today", { exact: true }).first()).toBeVisible();
  const versions = page.getByRole("region", { name: "Versions" });
  await expect(versions.getByText("Current")).toBeVisible();
  await expect(versions.getByText(`${key.slice(0, 12)}****`)).toBeVisible();
  await expect(page.getByRole("region", { name: "Recent clients" }).getByRole("row")).toHaveCount(2);
});

test("regenerating from the key's page moves to the new version", async ({ page }) => {
  await registerViaApi(page);
  const old = await createKeyViaApi(page, "Rotating");
  const [row] = (await (await page.request.get("/api/api-keys")).json()).keys;
  await page.goto(`/settings/api-keys/${row.id}`);
  await waitForHydration(page);
  await page.getByRole("link", { name: "Regenerate Rotating" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Regenerate", exact: true }).click();
  await expect(dialog.getByRole("heading", { name: "Key Regenerated!" })).toBeVisible();
  await dialog.getByRole("button", { name: "Done", exact: true }).click();
  await expect(page).not.toHaveURL(new RegExp(row.id));
  const versions = page.getByRole("region", { name: "Versions" });
  await expect(versions.getByRole("row")).toHaveCount(3);
  await expect(versions.getByText(`${old.slice(0, 12)}****`)).toBeVisible();
});
