import { expect, test, type Page } from "@playwright/test";
import { PASSWORD, registerWith, signInThroughForm, uniqueEmail, waitForHydration } from "./helpers";

/** The path part of the page's current URL. */
function pathname(page: Page): string {
  return new URL(page.url()).pathname;
}

test.describe("accounts", () => {
  test("register, sign out, sign in and reach the settings pages", async ({ page }) => {
    const email = uniqueEmail();
    const banner = page.getByRole("banner");

    await page.goto("/register");
    await expect(page.getByRole("heading", { level: 1, name: "Create your account" })).toBeVisible();
    await expect(banner.getByRole("link", { name: "Keyward" })).toBeVisible();
    await expect(banner.getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
    await waitForHydration(page);

    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Create account", exact: true }).click();

    await page.waitForURL((url) => url.pathname === "/settings/api-keys");
    await expect(page.getByRole("heading", { level: 1, name: "API Keys" })).toBeVisible();
    await expect(banner.getByText(email)).toBeVisible();
    await expect(banner.getByRole("link", { name: "Settings", exact: true })).toBeVisible();
    await expect(banner.getByRole("link", { name: "Sign in", exact: true })).toHaveCount(0);

    // Sign out.
    await waitForHydration(page);
    await banner.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((url) => url.pathname === "/login");
    await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
    await expect(banner.getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
    await expect(banner.getByText(email)).toHaveCount(0);
    await expect(banner.getByRole("button", { name: "Sign out" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Create an account" })).toBeVisible();

    // The session really ended: the settings area is closed again.
    const settingsCheck = await page.request.get("/settings/api-keys", { maxRedirects: 0 });
    expect(settingsCheck.status()).toBeGreaterThanOrEqual(300);
    expect(settingsCheck.status()).toBeLessThan(400);
    expect(settingsCheck.headers()["location"]).toContain("/login");

    // Sign in again through the form.
    await signInThroughForm(page, email);
    await page.waitForURL((url) => url.pathname === "/settings/api-keys");
    await expect(page.getByRole("heading", { level: 1, name: "API Keys" })).toBeVisible();
    await expect(banner.getByText(email)).toBeVisible();

    // The settings index and its side navigation.
    await page.goto("/settings");
    expect(pathname(page)).toBe("/settings");
    await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
    const nav = page.getByRole("navigation", { name: "Settings" });
    await expect(nav.getByRole("link", { name: "API Keys" })).toBeVisible();
    await waitForHydration(page);
    await nav.getByRole("link", { name: "API Keys" }).click();
    await page.waitForURL((url) => url.pathname === "/settings/api-keys");
    await expect(page.getByRole("heading", { level: 1, name: "API Keys" })).toBeVisible();
  });

  test("a wrong password is refused with a clear message", async ({ page, request }) => {
    const email = await registerWith(request); // the page itself stays signed out

    await page.goto("/login");
    await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
    await signInThroughForm(page, email, "not the right password at all");

    await expect(page.getByRole("alert").filter({ hasText: "Invalid email or password" })).toBeVisible();
    expect(pathname(page)).toBe("/login");
    await expect(page.getByRole("banner").getByText(email)).toHaveCount(0);

    // The right password still works afterwards.
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((url) => url.pathname === "/settings/api-keys");
    await expect(page.getByRole("banner").getByText(email)).toBeVisible();
  });

  test("registering with a short password shows the password rule", async ({ page, request }) => {
    const email = uniqueEmail();

    await page.goto("/register");
    await waitForHydration(page);
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Password", { exact: true }).fill("short");
    await page.getByRole("button", { name: "Create account", exact: true }).click();

    await expect(
      page.getByRole("alert").filter({ hasText: "Password must be at least 12 characters" }),
    ).toBeVisible();
    expect(pathname(page)).toBe("/register");

    // No account was created: the email is still free.
    const response = await request.post("/api/auth/register", { data: { email, password: PASSWORD } });
    expect(response.status()).toBe(201);
  });

  test("a signed-out visit to the API keys page goes through sign-in and back", async ({ page, request }) => {
    const email = await registerWith(request);

    await page.goto("/settings/api-keys");
    const url = new URL(page.url());
    expect(url.pathname).toBe("/login");
    expect(url.searchParams.get("callbackUrl")).toBe("/settings/api-keys");
    await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
    await expect(page.getByRole("heading", { level: 1, name: "API Keys" })).toHaveCount(0);

    await signInThroughForm(page, email);
    await page.waitForURL((u) => u.pathname === "/settings/api-keys");
    await expect(page.getByRole("heading", { level: 1, name: "API Keys" })).toBeVisible();
  });

  test("a signed-out visit to /settings keeps /settings as the callback", async ({ page }) => {
    await page.goto("/settings");
    const url = new URL(page.url());
    expect(url.pathname).toBe("/login");
    expect(url.searchParams.get("callbackUrl")).toBe("/settings");
  });

  for (const callbackUrl of ["//evil.example", "https://evil.example"]) {
    test(`callbackUrl=${callbackUrl} cannot send a signed-in user off-site`, async ({ page, request, baseURL }) => {
      const email = await registerWith(request);

      // Sent unencoded, the way a crafted link would carry it.
      await page.goto(`/login?callbackUrl=${callbackUrl}`);
      expect(new URL(page.url()).searchParams.get("callbackUrl")).toBe(callbackUrl);
      await signInThroughForm(page, email);

      await page.waitForURL((u) => u.pathname === "/settings/api-keys");
      const landed = new URL(page.url());
      expect(landed.host).toBe(new URL(baseURL!).host);
      expect(landed.pathname).toBe("/settings/api-keys");
      await expect(page.getByRole("heading", { level: 1, name: "API Keys" })).toBeVisible();
    });
  }

  test("an unknown path is a real 404 page", async ({ page }) => {
    const response = await page.goto("/no-such-page-here");
    expect(response, "navigation response").not.toBeNull();
    expect(response!.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  });
});
