import { expect, test } from "@playwright/test";
import { type Page } from "@playwright/test";
import { FULL_KEY, PASSWORD, uniqueEmail } from "../tests/helpers";

// The app as `scripts/run.sh` serves it: the pages must hydrate, or every button stays dead.

/** Waits for hydration; if it never comes, fails with what the page's console said instead. */
async function hydrated(page: Page, errors: string[]): Promise<void> {
  try {
    await page.locator('body[data-hydrated="true"]').waitFor({ state: "attached", timeout: 40_000 });
  } catch {
    throw new Error(`the page did not hydrate; its console said: ${JSON.stringify(errors)}`);
  }
}

test("the quick start serves pages that hydrate and work", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });

  // Sign up through the form itself: the sign-in form is a lazily loaded chunk.
  await page.goto("/register");
  await hydrated(page, errors);
  await page.getByLabel("Email", { exact: true }).fill(uniqueEmail());
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account", exact: true }).click();
  await page.waitForURL((url) => url.pathname === "/settings/api-keys");

  await page.reload();
  await hydrated(page, errors);
  // A link that works before hydration too; after it, the WASM opens the dialog instead.
  await page.getByRole("link", { name: "Create Key", exact: true }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create API Key" });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("Name", { exact: true }).fill("Quick start");
  await dialog.getByRole("button", { name: "Create Key", exact: true }).click();
  await expect(page.getByRole("heading", { name: "API Key Created!" })).toBeVisible();
  await expect(page.getByRole("dialog").getByRole("textbox", { name: "API key" })).toHaveValue(FULL_KEY);

  expect(errors).toEqual([]);
});
