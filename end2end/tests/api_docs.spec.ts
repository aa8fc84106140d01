import { expect, test } from "@playwright/test";
import { FULL_KEY, registerViaApi, waitForHydration } from "./helpers";

test.beforeEach(async ({ context, baseURL }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
});

test("a revealed key comes with a Try it curl line that works, and goes with it", async ({ page, baseURL }) => {
  await registerViaApi(page);
  await page.goto("/settings/api-keys");
  await waitForHydration(page);
  await page.getByRole("link", { name: "Create Key", exact: true }).first().click();
  const form = page.getByRole("dialog", { name: "Create API Key" });
  await form.getByLabel("Name", { exact: true }).fill("Try It");
  await form.getByRole("button", { name: "Create Key", exact: true }).click();

  const dialog = page.getByRole("dialog");
  const key = (await dialog.getByRole("textbox", { name: "API key" }).inputValue()).trim();
  const curl = `curl -H 'Authorization: Bearer ${key}' ${baseURL}/api/v1/me`;
  await expect(dialog.getByRole("textbox", { name: "Try it with curl" })).toHaveValue(curl);
  await dialog.getByRole("button", { name: "Copy curl command" }).click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(curl);
  // The line does what it says.
  const me = await page.request.get("/api/v1/me", { headers: { Authorization: `Bearer ${key}` } });
  expect(me.status()).toBe(200);

  await dialog.getByRole("button", { name: "Done", exact: true }).click();
  await expect(page.getByRole("dialog")).toBeHidden();
  expect(await page.content()).not.toContain(key);
});
