import { expect, test, type Locator, type Page, type Request } from "@playwright/test";
import {
  FULL_KEY,
  FULL_KEY_ANYWHERE,
  callMe,
  createKeyViaApi,
  listKeysViaApi,
  registerViaApi,
  waitForHydration,
} from "./helpers";

test.beforeEach(async ({ context, baseURL }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
});

/** Signs a new user in and opens the API keys page, ready for clicks. Returns the email. */
async function openKeysPageAsNewUser(page: Page, before?: () => Promise<unknown>): Promise<string> {
  const email = await registerViaApi(page);
  if (before) await before();
  await page.goto("/settings/api-keys");
  await expect(page.getByRole("heading", { level: 1, name: "API Keys" })).toBeVisible();
  await waitForHydration(page);
  return email;
}

/** The page's own "Create Key" button (only call while no dialog is open). */
function pageCreateButton(page: Page): Locator {
  return page.getByRole("link", { name: "Create Key", exact: true }).first();
}

/** Opens the create dialog and checks it shows the empty form. */
async function openCreateDialog(page: Page): Promise<Locator> {
  await pageCreateButton(page).click();
  const dialog = page.getByRole("dialog", { name: "Create API Key" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText("Give your API key a name to help you identify it later.")).toBeVisible();
  return dialog;
}

/** The one open dialog, whatever its current title. */
function openDialog(page: Page): Locator {
  return page.getByRole("dialog");
}

/** Reads the full key shown in a reveal dialog, checking its shape. */
async function revealedKey(dialog: Locator): Promise<string> {
  const field = dialog.getByRole("textbox", { name: "API key" });
  await expect(field).toBeVisible();
  const key = (await field.inputValue()).trim();
  expect(key).toMatch(FULL_KEY);
  return key;
}

function masked(key: string): string {
  return `${key.slice(0, 12)}****`;
}

/** The table row of the key called `name`. (Matched on text, not the cell's accessible name,
 * which a narrow-screen layout may extend with a CSS-generated column label.) */
function keyRow(page: Page, name: string): Locator {
  return page.getByRole("row").filter({ has: page.getByText(name, { exact: true }) });
}

/** The toast region (role="status") once it says `text`. */
function toast(page: Page, text: string): Locator {
  return page.getByRole("status").filter({ hasText: text });
}

/** Collects the browser's POST requests whose body mentions `needle` (i.e. create requests). */
function watchPostsMentioning(page: Page, needle: string): Request[] {
  const seen: Request[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && (request.postData() ?? "").includes(needle)) seen.push(request);
  });
  return seen;
}

test.describe("API keys page", () => {
  test("a new user sees the empty state", async ({ page }) => {
    await registerViaApi(page);
    await page.goto("/settings/api-keys");

    await expect(page.getByRole("heading", { level: 1, name: "API Keys" })).toBeVisible();
    await expect(page.getByText("Manage API keys for external tool access")).toBeVisible();
    await expect(pageCreateButton(page)).toBeVisible();
    await expect(page.getByRole("heading", { level: 2, name: "Your API Keys" })).toBeVisible();
    await expect(page.getByText(/shown in full only once/)).toBeVisible();
    await expect(page.getByText("No API keys yet.")).toBeVisible();
    await expect(page.getByText("Create one to get started.")).toBeVisible();
    await expect(page.getByRole("table")).toHaveCount(0);
    await expect(page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "API Keys" })).toBeVisible();
  });

  test("create, copy, use, regenerate and refuse a duplicate name", async ({ page }) => {
    const email = await openKeysPageAsNewUser(page);
    await expect(page.getByText("No API keys yet.")).toBeVisible();

    // Create "Test Key".
    let dialog = await openCreateDialog(page);
    const nameInput = dialog.getByLabel("Name", { exact: true });
    await expect(nameInput).toHaveAttribute("placeholder", "e.g., Zapier, Scripts, Testing");
    await expect(dialog.getByRole("button", { name: "Cancel", exact: true })).toBeVisible();
    await nameInput.fill("Test Key");
    await dialog.getByRole("button", { name: "Create Key", exact: true }).click();

    dialog = openDialog(page);
    await expect(dialog.getByRole("heading", { name: "API Key Created!" })).toBeVisible();
    await expect(dialog.getByText("Copy this key now. You won't be able to see it again.")).toBeVisible();
    const key = await revealedKey(dialog);
    await expect(toast(page, "API key created!")).toBeVisible();

    // Copy it.
    await dialog.getByRole("button", { name: "Copy key", exact: true }).click();
    await expect(toast(page, "Copied to clipboard")).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);

    // Done: the dialog closes, the secret is gone, the table shows the key masked.
    await dialog.getByRole("button", { name: "Done", exact: true }).click();
    await expect(openDialog(page)).toBeHidden();
    await expect(page.getByText(FULL_KEY_ANYWHERE)).toHaveCount(0);
    await expect(page.getByText("No API keys yet.")).toHaveCount(0);

    const table = page.getByRole("table");
    for (const header of ["Name", "Key", "Created", "Last Used", "Actions"]) {
      await expect(table.getByRole("columnheader", { name: header, exact: true })).toBeVisible();
    }
    const row = keyRow(page, "Test Key");
    await expect(row).toHaveCount(1);
    await expect(row.getByText(masked(key), { exact: true })).toBeVisible();
    await expect(row.locator('[data-label="Last Used"]').getByText("Never", { exact: true })).toBeVisible();
    await expect(row.getByRole("link", { name: "Regenerate Test Key" })).toHaveText(/Regenerate/);

    // The key works against the external API.
    const me = await callMe(page, key);
    expect(me.status()).toBe(200);
    const meBody = await me.json();
    expect(meBody.key.name).toBe("Test Key");
    expect(meBody.user.email).toBe(email);

    // Regenerate it.
    await row.getByRole("link", { name: "Regenerate Test Key" }).click();
    dialog = page.getByRole("dialog", { name: "Regenerate API Key" });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('regenerate "Test Key"');
    await expect(dialog).toContainText("The current key will stop working immediately.");
    await expect(dialog.getByRole("button", { name: "Cancel", exact: true })).toBeVisible();
    await dialog.getByRole("button", { name: "Regenerate", exact: true }).click();

    dialog = openDialog(page);
    await expect(dialog.getByRole("heading", { name: "Key Regenerated!" })).toBeVisible();
    await expect(dialog.getByText("Copy this new key now. The old key is no longer valid.")).toBeVisible();
    const newKey = await revealedKey(dialog);
    expect(newKey).not.toBe(key);
    await expect(dialog.getByRole("button", { name: "Copy key", exact: true })).toBeVisible();
    await dialog.getByRole("button", { name: "Done", exact: true }).click();
    await expect(openDialog(page)).toBeHidden();
    await expect(page.getByText(FULL_KEY_ANYWHERE)).toHaveCount(0);
    await expect(keyRow(page, "Test Key").getByText(masked(newKey), { exact: true })).toBeVisible();
    await expect(keyRow(page, "Test Key")).toHaveCount(1);

    // Only the new secret works now.
    expect((await callMe(page, key)).status()).toBe(401);
    const meAgain = await callMe(page, newKey);
    expect(meAgain.status()).toBe(200);
    expect((await meAgain.json()).key.name).toBe("Test Key");

    // A second key with the same name is refused, and the form stays open.
    dialog = await openCreateDialog(page);
    await dialog.getByLabel("Name", { exact: true }).fill("Test Key");
    await dialog.getByRole("button", { name: "Create Key", exact: true }).click();
    await expect(dialog.getByRole("alert")).toHaveText("An API key with this name already exists");
    await expect(dialog.getByLabel("Name", { exact: true })).toBeVisible();
    await expect(dialog.getByLabel("Name", { exact: true })).toHaveValue("Test Key");
    await expect(page.getByText("API Key Created!")).toHaveCount(0);
    await expect(page.getByText(FULL_KEY_ANYWHERE)).toHaveCount(0);
    expect(await listKeysViaApi(page)).toHaveLength(1);
  });

  test("the name is checked before anything is sent", async ({ page }) => {
    await openKeysPageAsNewUser(page);
    const createRequests: Request[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && /name/.test(request.postData() ?? "")) createRequests.push(request);
    });

    const dialog = await openCreateDialog(page);
    const nameInput = dialog.getByLabel("Name", { exact: true });
    const submit = dialog.getByRole("button", { name: "Create Key", exact: true });

    await submit.click();
    await expect(dialog.getByRole("alert")).toHaveText("Name is required");

    await nameInput.fill("   ");
    await submit.click();
    await expect(dialog.getByRole("alert")).toHaveText("Name is required");

    await nameInput.fill("x".repeat(101));
    await submit.click();
    await expect(dialog.getByRole("alert")).toHaveText("Name must be at most 100 characters");

    // Still the form, not a created key.
    await expect(nameInput).toBeVisible();
    await expect(page.getByText("API Key Created!")).toHaveCount(0);

    await dialog.getByRole("button", { name: "Cancel", exact: true }).click();
    await expect(openDialog(page)).toBeHidden();
    await expect(page.getByText("No API keys yet.")).toBeVisible();
    expect(createRequests, "no create request was sent").toHaveLength(0);
    expect(await listKeysViaApi(page)).toHaveLength(0);
  });

  test("dialogs work from the keyboard: focus moves in, Escape closes", async ({ page }) => {
    let kbdKey = "";
    await openKeysPageAsNewUser(page, async () => {
      kbdKey = await createKeyViaApi(page, "Kbd");
    });

    // Create dialog, opened with the keyboard.
    await pageCreateButton(page).focus();
    await page.keyboard.press("Enter");
    const createDialog = page.getByRole("dialog", { name: "Create API Key" });
    await expect(createDialog).toBeVisible();
    await expect(createDialog.getByLabel("Name", { exact: true })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(openDialog(page)).toBeHidden();

    // Regenerate dialog: Escape cancels without touching the key.
    const row = keyRow(page, "Kbd");
    await expect(row.getByText(masked(kbdKey), { exact: true })).toBeVisible();
    await row.getByRole("link", { name: "Regenerate Kbd" }).click();
    const regenerateDialog = page.getByRole("dialog", { name: "Regenerate API Key" });
    await expect(regenerateDialog).toBeVisible();
    await expect(regenerateDialog).toContainText('regenerate "Kbd"');
    await expect
      .poll(() => regenerateDialog.evaluate((dialog) => dialog.contains(document.activeElement)), {
        message: "focus is inside the regenerate dialog",
      })
      .toBe(true);
    await page.keyboard.press("Escape");
    await expect(openDialog(page)).toBeHidden();

    await expect(keyRow(page, "Kbd").getByText(masked(kbdKey), { exact: true })).toBeVisible();
    const keys = await listKeysViaApi(page);
    expect(keys).toHaveLength(1);
    expect(keys[0].maskedKey).toBe(masked(kbdKey));
    expect((await callMe(page, kbdKey)).status()).toBe(200);
  });

  test("a double click on Create Key creates exactly one key", async ({ page }) => {
    await openKeysPageAsNewUser(page);
    const createRequests = watchPostsMentioning(page, "DoubleClick");

    const dialog = await openCreateDialog(page);
    await dialog.getByLabel("Name", { exact: true }).fill("DoubleClick");
    await dialog.getByRole("button", { name: "Create Key", exact: true }).dblclick();

    await expect(openDialog(page).getByRole("heading", { name: "API Key Created!" })).toBeVisible();
    await revealedKey(openDialog(page));
    // A second click would have fired its request before the first answer arrived; give a
    // racing one a moment to show up anyway before counting.
    await page.waitForTimeout(500);
    expect(createRequests, "create requests sent").toHaveLength(1);
    const keys = await listKeysViaApi(page);
    expect(keys).toHaveLength(1);
    expect(keys[0].name).toBe("DoubleClick");
  });

  test("closing the reveal with Escape forgets the key", async ({ page }) => {
    await openKeysPageAsNewUser(page);

    let dialog = await openCreateDialog(page);
    await dialog.getByLabel("Name", { exact: true }).fill("Escape Key");
    await dialog.getByRole("button", { name: "Create Key", exact: true }).click();
    dialog = openDialog(page);
    await expect(dialog.getByRole("heading", { name: "API Key Created!" })).toBeVisible();
    const key = await revealedKey(dialog);

    await page.keyboard.press("Escape");
    await expect(openDialog(page)).toBeHidden();
    await expect(page.getByText(FULL_KEY_ANYWHERE)).toHaveCount(0);
    await expect(keyRow(page, "Escape Key").getByText(masked(key), { exact: true })).toBeVisible();

    dialog = await openCreateDialog(page);
    await expect(dialog.getByLabel("Name", { exact: true })).toHaveValue("");
    await expect(dialog.getByRole("heading", { name: "API Key Created!" })).toHaveCount(0);
    await expect(page.getByText(FULL_KEY_ANYWHERE)).toHaveCount(0);
  });

  test.describe("on a phone-sized screen", () => {
    test.use({ viewport: { width: 390, height: 844 } });

    test("the page fits the width and Create Key is reachable", async ({ page }) => {
      await openKeysPageAsNewUser(page, () => createKeyViaApi(page, "Phone automation scripts"));
      await expect(keyRow(page, "Phone automation scripts")).toBeVisible();
      await expect(pageCreateButton(page)).toBeVisible();
      await expect(pageCreateButton(page)).toBeInViewport();

      const fits = () =>
        page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
      expect(await fits(), "no horizontal overflow on the list").toBe(true);

      const dialog = await openCreateDialog(page);
      await expect(dialog.getByRole("button", { name: "Create Key", exact: true })).toBeInViewport();
      expect(await fits(), "no horizontal overflow with the dialog open").toBe(true);
    });
  });
});

test("a key's first use shows at once as a relative time, with the exact time on hover", async ({ page }) => {
  await registerViaApi(page);
  const key = await createKeyViaApi(page, "Used");
  expect((await callMe(page, key)).status()).toBe(200);

  await page.goto("/settings/api-keys");
  await waitForHydration(page);
  const row = page.getByRole("row").filter({ has: page.getByRole("cell", { name: "Used", exact: true }) });
  const lastUsed = row.locator('td[data-label="Last Used"] time');
  await expect(lastUsed).toHaveText("just now");
  const keys = await listKeysViaApi(page);
  expect(keys[0].lastUsedAt).not.toBeNull();
  await expect(lastUsed).toHaveAttribute("datetime", keys[0].lastUsedAt as string);
  // The tooltip is the localized exact time, not the raw ISO string.
  const title = await lastUsed.getAttribute("title");
  expect(title).toBeTruthy();
  expect(title).not.toBe(keys[0].lastUsedAt);
});
