import { expect, test, type Page } from "@playwright/test";
import { FULL_KEY, callMe, createKeyViaApi, registerViaApi, waitForHydration } from "./helpers";

type Restricted = {
  id: string;
  name: string;
  scopes: string[] | null;
  rateLimit: { requests: number; perSeconds: number } | null;
  allowedIps: string[] | null;
};

async function keysViaApi(page: Page): Promise<Restricted[]> {
  const response = await page.request.get("/api/api-keys");
  expect(response.status()).toBe(200);
  return ((await response.json()) as { keys: Restricted[] }).keys;
}

async function openKeysPage(page: Page): Promise<void> {
  await page.goto("/settings/api-keys");
  await expect(page.getByRole("heading", { level: 1, name: "API Keys" })).toBeVisible();
  await waitForHydration(page);
}

test.describe("key restrictions", () => {
  test("a key is created read only, rate-limited and fenced, and the table says so", async ({ page }) => {
    await registerViaApi(page);
    await openKeysPage(page);
    await page.getByRole("link", { name: "Create Key", exact: true }).first().click();
    const dialog = page.getByRole("dialog", { name: "Create API Key" });
    await dialog.getByLabel("Name").fill("Zapier orders");
    // The catalog, with its descriptions, once "Custom" is chosen.
    await dialog.getByLabel(/^Custom/).check();
    await expect(dialog.getByText("Read orders")).toBeVisible();
    await expect(dialog.getByText("Create and change orders")).toBeVisible();
    await dialog.getByLabel(/^Read only/).check();
    await dialog.getByLabel("Limit how often this key can be used").check();
    await dialog.getByLabel("Requests").fill("50");
    await dialog.getByLabel("Window").selectOption({ label: "per minute" });
    await dialog.getByLabel(/Allowed IPs/).fill("203.0.113.0/24, 2001:DB8::/32");
    await dialog.getByRole("button", { name: "Create Key" }).click();
    await expect(page.getByRole("dialog", { name: "API Key Created!" })).toBeVisible();
    await expect(page.getByRole("dialog").getByRole("textbox", { name: "API key" })).toHaveValue(FULL_KEY);
    await page.getByRole("dialog").getByRole("button", { name: "Done" }).click();

    const [key] = await keysViaApi(page);
    expect(key.scopes).toEqual(["read"]);
    expect(key.rateLimit).toEqual({ requests: 50, perSeconds: 60 });
    expect(key.allowedIps).toEqual(["203.0.113.0/24", "2001:db8::/32"]);
    const row = page.getByRole("row").filter({ hasText: "Zapier orders" });
    await expect(row.getByText("Read only")).toBeVisible();
    await expect(row.getByText("Rate-limited")).toBeVisible();
    await expect(row.getByText("IP-restricted")).toBeVisible();
  });

  test("the browser checks the restrictions by the server's rules before sending", async ({ page }) => {
    await registerViaApi(page);
    await openKeysPage(page);
    let creates = 0;
    page.on("request", (request) => {
      if (request.url().includes("/api/fn/create_key")) creates += 1;
    });
    await page.getByRole("link", { name: "Create Key", exact: true }).first().click();
    const dialog = page.getByRole("dialog", { name: "Create API Key" });
    await dialog.getByLabel("Name").fill("Checked");
    await dialog.getByLabel(/^Custom/).check();
    await dialog.getByRole("button", { name: "Create Key" }).click();
    await expect(dialog.getByRole("alert")).toHaveText("Choose at least one permission, or Full access");
    await dialog.getByLabel(/orders:write/).check();
    await dialog.getByLabel(/Allowed IPs/).fill("10.0.0.1/99");
    await dialog.getByRole("button", { name: "Create Key" }).click();
    await expect(dialog.getByRole("alert")).toContainText("Allowed IPs");
    await dialog.getByLabel(/Allowed IPs/).fill("");
    await dialog.getByLabel("Limit how often this key can be used").check();
    await dialog.getByLabel("Requests").fill("0");
    await dialog.getByRole("button", { name: "Create Key" }).click();
    await expect(dialog.getByRole("alert")).toContainText("Requests must be");
    expect(creates).toBe(0);
    await dialog.getByLabel("Requests").fill("10");
    await dialog.getByRole("button", { name: "Create Key" }).click();
    await expect(page.getByRole("dialog", { name: "API Key Created!" })).toBeVisible();
    const [key] = await keysViaApi(page);
    expect(key.scopes).toEqual(["orders:write"]);
    expect(key.rateLimit).toEqual({ requests: 10, perSeconds: 60 });
  });

  test("the key page shows, edits and records the restrictions, effective at once", async ({ page }) => {
    await registerViaApi(page);
    const secret = await createKeyViaApi(page, "Fenced later");
    const [key] = await keysViaApi(page);
    await page.goto(`/settings/api-keys/${key.id}`);
    await waitForHydration(page);
    const card = page.getByRole("region", { name: "Restrictions" });
    const facts = card.locator("dl.facts");
    await expect(facts.getByText("Full access")).toBeVisible();
    await expect(card.getByText("Not changed since the key was created.")).toBeVisible();

    await card.getByText("Edit restrictions").click();
    await expect(card.getByText(/Changes take effect immediately/)).toBeVisible();
    await card.getByLabel(/^Read only/).check();
    await card.getByLabel(/Allowed IPs/).fill("192.0.2.0/24");
    await card.getByRole("button", { name: "Save restrictions" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Restrictions saved" })).toBeVisible();
    await expect(facts.getByText("Read only", { exact: true })).toBeVisible();
    await expect(facts.getByText("192.0.2.0/24", { exact: true })).toBeVisible();
    await expect(card.getByText("Permissions: Full access → Read only")).toBeVisible();
    await expect(card.getByText("Allowed IPs: Any address → 192.0.2.0/24")).toBeVisible();
    // The test's requests come from 127.0.0.1: outside the list now, at once.
    const refused = await callMe(page, secret);
    expect(refused.status()).toBe(403);
    expect(await refused.json()).toEqual({ error: "This key may not be used from 127.0.0.1" });
  });
});
