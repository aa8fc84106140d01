import { expect, test } from "@playwright/test";
import { PASSWORD, createKeyViaApi, registerViaApi, registerWith } from "./helpers";

// These run with JavaScript disabled: everything asserted here comes from the server's HTML.

test("the key list is rendered by the server, masked, with no secret in the page", async ({ page }) => {
  const email = await registerViaApi(page);
  const key = await createKeyViaApi(page, "Server Rendered");
  await page.goto("/settings/api-keys");
  await expect(page.getByRole("heading", { level: 1, name: "API Keys" })).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();
  const row = page.getByRole("row").filter({ has: page.getByRole("cell", { name: "Server Rendered", exact: true }) });
  await expect(row.getByText(`${key.slice(0, 12)}****`)).toBeVisible();
  await expect(row.locator('[data-label="Last Used"]').getByText("Never", { exact: true })).toBeVisible();
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

test("buttons that need the WASM are shown disabled, not dead", async ({ page }) => {
  await registerViaApi(page);
  await createKeyViaApi(page, "Disabled Until Ready");
  await page.goto("/settings/api-keys");
  await expect(page.getByRole("button", { name: "Create Key", exact: true })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Regenerate Disabled Until Ready" })).toBeDisabled();
  // Signing out is a plain form, so it works (and is enabled) without the WASM.
  await expect(page.getByRole("button", { name: "Sign out" })).toBeEnabled();
});

test("signing in, a wrong password and signing out all work as plain forms", async ({ page, request }) => {
  const email = await registerWith(request);
  await page.goto("/settings/api-keys");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fsettings%2Fapi-keys|\/login\?callbackUrl=\/settings\/api-keys/);

  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill("not the password at all");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("Invalid email or password");
  expect(new URL(page.url()).pathname).toBe("/login");

  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/settings\/api-keys$/);
  await expect(page.getByRole("heading", { level: 1, name: "API Keys" })).toBeVisible();
  await expect(page.getByRole("banner").getByText(email)).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
  const session = await page.request.get("/api/auth/session");
  expect(session.status()).toBe(401);
});

test("registering works as a plain form and lands on the keys page", async ({ page }) => {
  await page.goto("/register");
  const email = `nojs-${Date.now()}@example.com`;
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account", exact: true }).click();
  await expect(page).toHaveURL(/\/settings\/api-keys$/);
  await expect(page.getByText("No API keys yet.")).toBeVisible();
});

test("a key's page is rendered by the server: facts, chart, versions, clients", async ({ page }) => {
  await registerViaApi(page);
  const key = await createKeyViaApi(page, "No Script");
  const me = await page.request.get("/api/v1/me", { headers: { Authorization: `Bearer ${key}`, "User-Agent": "nojs-check/1" } });
  expect(me.status()).toBe(200);
  const [row] = (await (await page.request.get("/api/api-keys")).json()).keys;
  await page.goto("/settings/api-keys");
  await page.getByRole("link", { name: "No Script", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/settings/api-keys/${row.id}$`));
  await expect(page.getByRole("heading", { level: 1, name: "No Script" })).toBeVisible();
  await expect(page.getByText("1 call", { exact: true })).toBeVisible();
  await expect(page.locator("svg.chart rect")).toHaveCount(30);
  // The numbers are in a table for screen readers too.
  await expect(page.getByRole("table", { name: "Successful calls per day, last 30 days" }).getByRole("row")).toHaveCount(31);
  await expect(page.getByRole("region", { name: "Recent clients" }).getByText("nojs-check/1")).toBeVisible();
  expect(await page.content()).not.toContain(key);

  const missing = await page.goto("/settings/api-keys/00000000-0000-0000-0000-000000000000");
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});

test("the API reference is a plain page, readable without JavaScript", async ({ page }) => {
  const response = await page.goto("/docs/api");
  expect(response?.status()).toBe(200);
  expect(response?.headers()["content-security-policy"]).not.toContain("script-src");
  await expect(page.getByRole("heading", { level: 1, name: "Keyward API" })).toBeVisible();
  for (const endpoint of ["POST /api/api-keys", "GET /api/api-keys/{id}", "GET /api/v1/me", "GET /api/v1/authorize"]) {
    const exactly = new RegExp(`^${endpoint.replace(/[{}/]/g, "\\$&")}( |$)`);
    await expect(page.getByRole("link", { name: exactly })).toBeVisible();
    await expect(page.getByRole("heading", { level: 2, name: endpoint, exact: true })).toBeVisible();
  }
  await expect(page.locator("script")).toHaveCount(0);
  // The contents link to each endpoint's section.
  await expect(page.getByRole("link", { name: "GET /api/v1/me", exact: true })).toHaveAttribute("href", "#get-api-v1-me");
  await expect(page.locator("section#get-api-v1-me")).toHaveCount(1);
});
