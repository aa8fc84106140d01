import { expect, request as newRequest, test, type Page } from "@playwright/test";
import { PASSWORD, registerViaApi } from "./helpers";

// Settings → Security: change the password and sign out another session, with JavaScript
// on and off (the page is plain forms either way).

const NEW_PASSWORD = "a longer and newer passphrase";

/** Signs `email` in from a second client that calls itself `agent`; returns that client. */
async function signInElsewhere(baseURL: string, email: string, agent: string) {
  const other = await newRequest.newContext({ baseURL, userAgent: agent });
  const response = await other.post("/api/auth/login", { data: { email, password: PASSWORD } });
  expect(response.status()).toBe(200);
  return other;
}

async function changePassword(page: Page, baseURL: string) {
  const email = await registerViaApi(page);
  const elsewhere = await signInElsewhere(baseURL, email, "Old laptop/1.0");
  await page.goto("/settings/security");
  await expect(page.getByLabel("Current password")).toBeVisible();

  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "The current password is not correct" })).toBeVisible();
  expect((await elsewhere.get("/api/auth/session")).status()).toBe(200);

  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed. Every other session has been signed out.")).toBeVisible();
  expect(new URL(page.url()).search).toBe("?done=password");
  // This session stays; the other has ended; the log says what happened.
  expect((await page.request.get("/api/auth/session")).status()).toBe(200);
  expect((await elsewhere.get("/api/auth/session")).status()).toBe(401);
  await expect(page.getByRole("cell", { name: "Password changed" })).toBeVisible();
  const again = await newRequest.newContext({ baseURL });
  expect((await again.post("/api/auth/login", { data: { email, password: NEW_PASSWORD } })).status()).toBe(200);
  await Promise.all([elsewhere.dispose(), again.dispose()]);
}

async function endAnotherSession(page: Page, baseURL: string) {
  const email = await registerViaApi(page);
  const lost = await signInElsewhere(baseURL, email, "Lost phone/2.0");
  await page.goto("/settings/security");
  // The log below lists the same browser's sign-in: look in the sessions' card only.
  const sessions = page.getByRole("region", { name: "Sessions" });
  const row = sessions.getByRole("row").filter({ hasText: "Lost phone/2.0" });
  await expect(row).toBeVisible();
  await expect(sessions.getByRole("row").filter({ hasText: "This session" })).toBeVisible();
  await row.getByRole("button", { name: "Sign out the session of Lost phone/2.0" }).click();
  await expect(page.getByText("Session signed out.")).toBeVisible();
  await expect(page.getByRole("region", { name: "Sessions" }).getByRole("row").filter({ hasText: "Lost phone/2.0" })).toHaveCount(0);
  expect((await lost.get("/api/auth/session")).status()).toBe(401);
  await expect(page.getByRole("cell", { name: "Session ended" })).toBeVisible();
  await lost.dispose();
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`the Security page, JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("changing the password", async ({ page, baseURL }) => {
      await changePassword(page, baseURL!);
    });

    test("signing out another session", async ({ page, baseURL }) => {
      await endAnotherSession(page, baseURL!);
    });
  });
}

test("the settings navigation leads to Security, and the key page shows its log", async ({ page }) => {
  await registerViaApi(page);
  const created = await page.request.post("/api/api-keys", { data: { name: "Logged key" } });
  const { id } = await created.json();
  await page.goto(`/settings/api-keys/${id}`);
  await expect(page.getByRole("heading", { level: 2, name: "Security log" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "Key created" })).toBeVisible();
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Security" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Security" })).toBeVisible();
  await expect(page.getByRole("cell", { name: /^Key created/ })).toBeVisible();
});
