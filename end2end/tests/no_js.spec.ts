import { expect, test } from "@playwright/test";
import { createKeyViaApi, registerViaApi } from "./helpers";

// These run with JavaScript disabled: everything asserted here comes from the server's HTML.

test("the key list is rendered by the server, masked, with no secret in the page", async ({ page }) => {
  const email = await registerViaApi(page);
  const key = await createKeyViaApi(page, "Server Rendered");
  await page.goto("/settings/api-keys");
  await expect(page.getByRole("heading", { level: 1, name: "API Keys" })).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();
  const row = page.getByRole("row").filter({ has: page.getByRole("cell", { name: "Server Rendered", exact: true }) });
  await expect(row.getByText(`${key.slice(0, 12)}****`)).toBeVisible();
  await expect(row.getByText("Never", { exact: true })).toBeVisible();
  expect(await page.content()).not.toContain(key);
});

test("the empty state is rendered by the server", async ({ page }) => {
  await registerViaApi(page);
  await page.goto("/settings/api-keys");
  await expect(page.getByText("No API keys yet.")).toBeVisible();
  await expect(page.getByText("Create one to get started.")).toBeVisible();
});

test("signed-out visitors are redirected by the server", async ({ page }) => {
  await page.goto("/settings/api-keys");
  const url = new URL(page.url());
  expect(url.pathname).toBe("/login");
  expect(url.searchParams.get("callbackUrl")).toBe("/settings/api-keys");
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
});

test("the header shows the session state without JavaScript", async ({ page }) => {
  await page.goto("/login");
  const header = page.getByRole("banner");
  await expect(header.getByRole("link", { name: "Sign in" })).toBeVisible();
  await expect(header.getByRole("link", { name: "Create account" })).toBeVisible();
  const email = await registerViaApi(page);
  await page.goto("/");
  await expect(header.getByText(email)).toBeVisible();
  await expect(header.getByRole("button", { name: "Sign out" })).toBeVisible();
});
