import { expect, test } from "@playwright/test";
import { FULL_KEY, PASSWORD, callMe, createKeyViaApi, registerViaApi, registerWith } from "./helpers";

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

test("the whole key flow works without JavaScript: create, reveal once, duplicate, regenerate, sign out", async ({ page }) => {
  await registerViaApi(page);
  await page.goto("/settings/api-keys");
  await expect(page.getByText("No API keys yet.")).toBeVisible();

  // Create, from the page's own button.
  await page.getByRole("link", { name: "Create Key", exact: true }).first().click();
  await expect(page).toHaveURL(/\/settings\/api-keys\/new$/);
  await expect(page.getByRole("heading", { level: 1, name: "Create API Key" })).toBeVisible();
  await expect(page.getByText("Give your API key a name to help you identify it later.")).toBeVisible();
  await page.getByLabel("Name", { exact: true }).fill("Zapier");
  await page.getByLabel(/^Read only/).check();
  await page.getByRole("button", { name: "Create Key", exact: true }).click();

  // The reveal, once: the answer to the POST, never stored, the key selectable in a field.
  await expect(page.getByRole("heading", { name: "API Key Created!" })).toBeVisible();
  const field = page.getByRole("textbox", { name: "API key" });
  const key = await field.inputValue();
  expect(key).toMatch(FULL_KEY);
  await expect(field).toHaveAttribute("readonly", "");
  expect(page.url()).not.toContain(key);
  const me = await callMe(page, key);
  expect(me.status()).toBe(200);

  // Done: the masked row, and the key nowhere.
  await page.getByRole("link", { name: "Done" }).click();
  await expect(page).toHaveURL(/\/settings\/api-keys$/);
  const row = page.getByRole("row").filter({ has: page.getByRole("cell", { name: "Zapier", exact: true }) });
  await expect(row.getByText(`${key.slice(0, 12)}****`)).toBeVisible();
  await expect(row.getByText("Read only")).toBeVisible();
  expect(await page.content()).not.toContain(key);
  // A new visit to the create page shows an empty form, not the key.
  await page.goto("/settings/api-keys/new");
  expect(await page.content()).not.toContain(key);

  // A duplicate: the message and what was typed.
  await page.getByLabel("Name", { exact: true }).fill("Zapier");
  await page.getByRole("button", { name: "Create Key", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("An API key with this name already exists");
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Zapier");

  // Regenerate, with its confirmation: the old key dead, the new one working.
  await page.goto("/settings/api-keys");
  await row.getByRole("link", { name: "Regenerate Zapier" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Regenerate API Key" })).toBeVisible();
  await expect(page.getByText(/"Zapier"\? The current key will stop working immediately\./)).toBeVisible();
  expect((await callMe(page, key)).status()).toBe(200);
  await page.getByRole("button", { name: "Regenerate", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Key Regenerated!" })).toBeVisible();
  const renewed = await page.getByRole("textbox", { name: "API key" }).inputValue();
  expect(renewed).toMatch(FULL_KEY);
  expect(renewed).not.toBe(key);
  expect((await callMe(page, key)).status()).toBe(401);
  expect((await callMe(page, renewed)).status()).toBe(200);

  // The key's own page, with its restrictions changed through the form.
  await page.getByRole("link", { name: "Done" }).click();
  await page.getByRole("link", { name: "Zapier", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Zapier" })).toBeVisible();
  await page.getByText("Edit restrictions").click();
  await page.getByLabel(/^Full access/).check();
  await page.getByLabel(/Allowed IPs/).fill("192.0.2.0/24");
  await page.getByRole("button", { name: "Save restrictions" }).click();
  const card = page.getByRole("region", { name: "Restrictions" });
  await expect(card.locator("dl.facts").getByText("192.0.2.0/24", { exact: true })).toBeVisible();
  await expect(card.getByText("Permissions: Read only → Full access")).toBeVisible();

  // Sign out.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
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
  await expect(page.locator("ol.chart li")).toHaveCount(30);
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
