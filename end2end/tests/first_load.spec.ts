import { expect, test, type Page } from "@playwright/test";
import { createKeyViaApi, registerViaApi, waitForHydration } from "./helpers";

// The first load of the keys page as it ships: the release build, split into chunks, with
// content-hashed names served precompressed.

/** Chromium DevTools' "Fast 3G" preset (download/upload in bytes per second). */
const FAST_3G = {
  offline: false,
  latency: 562.5,
  downloadThroughput: ((1.6 * 1024 * 1024) / 8) * 0.9,
  uploadThroughput: ((750 * 1024) / 8) * 0.9,
};

function isCode(url: string): boolean {
  return /\.(wasm|js)$/.test(new URL(url).pathname);
}

test("on a slow phone, the earliest click on Create Key is never lost", async ({ page, context }) => {
  await registerViaApi(page);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", FAST_3G);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });

  await page.goto("/settings/api-keys", { waitUntil: "commit" });
  const create = page.getByRole("button", { name: "Create Key", exact: true });
  // Before the WASM has taken over, the button must not look clickable.
  await expect(create).toBeVisible({ timeout: 60_000 });
  const hydratedAtFirstSight = await page.evaluate(() => document.body.dataset.hydrated === "true");
  const disabledAtFirstSight = await create.isDisabled();
  expect(hydratedAtFirstSight, "the throttled page was still loading when first seen").toBe(false);
  expect(disabledAtFirstSight, "a button that does nothing yet is shown disabled").toBe(true);
  // Playwright clicks the moment the button is enabled; that click must open the dialog
  // (waiting, if need be, for the dialog's own code to arrive).
  await create.click({ timeout: 60_000 });
  await expect(page.getByRole("dialog", { name: "Create API Key" })).toBeVisible({ timeout: 30_000 });
});

test("the dialogs' code is fetched on intent, not with the page", async ({ page }) => {
  await registerViaApi(page);
  const fetched: string[] = [];
  page.on("request", (request) => {
    if (isCode(request.url())) fetched.push(new URL(request.url()).pathname);
  });
  await page.goto("/settings/api-keys", { waitUntil: "networkidle" });
  await waitForHydration(page);
  await page.waitForTimeout(500);
  expect(fetched.filter((f) => f.includes("create_key_dialog"))).toEqual([]);

  await page.getByRole("button", { name: "Create Key", exact: true }).hover();
  await expect.poll(() => fetched.some((f) => f.includes("create_key_dialog"))).toBe(true);
  await page.getByRole("button", { name: "Create Key", exact: true }).click();
  await expect(page.getByRole("dialog", { name: "Create API Key" })).toBeVisible();
});

async function codeFromNetwork(page: Page, action: () => Promise<unknown>): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  // Chromium reports a memory-cache hit as a response plus `requestServedFromCache`.
  const cached = new Set<string>();
  const responses: { id: string; path: string; fromDisk: boolean }[] = [];
  cdp.on("Network.requestServedFromCache", ({ requestId }) => cached.add(requestId));
  cdp.on("Network.responseReceived", ({ requestId, response }) => {
    if (isCode(response.url)) {
      responses.push({ id: requestId, path: new URL(response.url).pathname, fromDisk: response.fromDiskCache });
    }
  });
  await action();
  await cdp.detach();
  return responses.filter((r) => !r.fromDisk && !cached.has(r.id)).map((r) => r.path);
}

test("code is sent precompressed and cached for good: a second visit downloads none", async ({ page }) => {
  await registerViaApi(page);
  const responses: { path: string; encoding?: string; cache?: string }[] = [];
  page.on("response", (response) => {
    if (isCode(response.url())) {
      responses.push({
        path: new URL(response.url()).pathname,
        encoding: response.headers()["content-encoding"],
        cache: response.headers()["cache-control"],
      });
    }
  });
  const first = await codeFromNetwork(page, () => page.goto("/settings/api-keys", { waitUntil: "networkidle" }));
  expect(first.length, "the first visit downloads the WASM and its JS").toBeGreaterThan(0);
  for (const response of responses) {
    expect(response.path, "content-hashed name").toMatch(/\.[A-Za-z0-9_-]{22}\.(wasm|js)$/);
    expect(response.cache, response.path).toBe("public, max-age=31536000, immutable");
    expect(response.encoding, response.path).toBe("br");
  }

  const second = await codeFromNetwork(page, () => page.goto("/settings/api-keys", { waitUntil: "networkidle" }));
  expect(second, "WASM or JS fetched again on the second visit").toEqual([]);
  await waitForHydration(page);
});

test("the key page and the sign-in form are chunks of their own, loaded where they are used", async ({ page, browser }) => {
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(`${error.name}: ${error.message}`));
  await registerViaApi(page);
  await createKeyViaApi(page, "Chunky");
  const fetched: string[] = [];
  page.on("request", (request) => {
    if (isCode(request.url())) fetched.push(new URL(request.url()).pathname);
  });
  const fetchedFor = (name: string) => fetched.filter((f) => f.includes(name));

  // The keys page carries neither.
  await page.goto("/settings/api-keys", { waitUntil: "networkidle" });
  await waitForHydration(page);
  await page.waitForTimeout(500);
  expect(fetchedFor("key_detail_view")).toEqual([]);
  expect(fetchedFor("auth_form")).toEqual([]);

  // Reaching for a key fetches its page's code; the click then renders it in place.
  const link = page.getByRole("link", { name: "Chunky", exact: true });
  await link.hover();
  await expect.poll(() => fetchedFor("key_detail_view").length).toBeGreaterThan(0);
  await link.click();
  await expect(page.getByRole("region", { name: "Versions" })).toBeVisible();
  // Titles follow navigation in the browser (set by each page, not by leptos_meta there).
  await expect(page).toHaveTitle("Chunky · API Keys · Keyward");
  const url = page.url();
  await page.goBack();
  await expect(page.getByRole("button", { name: "Create Key", exact: true })).toBeVisible();
  await expect(page).toHaveTitle("API Keys · Keyward");

  // Landing on a key's page loads its chunk before hydrating the server's HTML (were it
  // hydrated without it, the view would be built a second time and the button below would
  // match twice).
  await page.goto("about:blank");
  await page.goto(url);
  await waitForHydration(page);
  await expect(page).toHaveTitle("Chunky · API Keys · Keyward");
  await expect(page.getByRole("button", { name: "Regenerate Chunky" })).toBeEnabled();
  await page.getByRole("button", { name: "Regenerate Chunky" }).click();
  await expect(page.getByRole("dialog", { name: "Regenerate API Key" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toBeHidden();

  // The same for the sign-in form, signed out.
  const context = await browser.newContext();
  try {
    const signedOut = await context.newPage();
    const signedOutErrors: string[] = [];
    signedOut.on("pageerror", (error) => signedOutErrors.push(`${error.name}: ${error.message}`));
    const signInCode: string[] = [];
    signedOut.on("request", (request) => {
      if (isCode(request.url()) && request.url().includes("auth_form")) signInCode.push(request.url());
    });
    await signedOut.goto("/login");
    await waitForHydration(signedOut);
    await expect(signedOut).toHaveTitle("Sign in · Keyward");
    expect(signInCode.length, "the sign-in page loads the form's chunk").toBeGreaterThan(0);
    // Hydrated: the form's own handler answers in place, not a page load of a posted form.
    await signedOut.getByLabel("Email").fill("nobody@example.com");
    await signedOut.getByLabel("Password").fill("wrong password here");
    await signedOut.getByRole("button", { name: "Sign in" }).click();
    await expect(signedOut.getByRole("alert")).toContainText(/incorrect|invalid/i);
    await expect(signedOut).toHaveURL(/\/login$/);
    expect(signedOutErrors, "uncaught page errors").toEqual([]);
  } finally {
    await context.close();
  }

  expect(pageErrors, "uncaught page errors").toEqual([]);
});
