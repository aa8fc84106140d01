import { expect, test } from "@playwright/test";
import { FULL_KEY, registerViaApi, waitForHydration } from "./helpers";

const CSP_COMPLAINT = /Content[ -]Security[ -]Policy|Refused to/i;

test("pages carry security headers and run (create a key) without CSP violations", async ({ page }) => {
  const consoleErrors: string[] = [];
  const cspMessages: string[] = [];
  const pageErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
    // Chromium reports CSP violations as errors; check every level to be safe.
    if (CSP_COMPLAINT.test(message.text())) cspMessages.push(`[${message.type()}] ${message.text()}`);
  });
  page.on("pageerror", (error) => pageErrors.push(`${error.name}: ${error.message}`));
  // Also catch violations the console might not show (e.g. report-only or inline handlers).
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) => {
      seen.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
    });
  });

  await registerViaApi(page);
  const response = await page.goto("/settings/api-keys");
  expect(response, "navigation response").not.toBeNull();
  expect(response!.status()).toBe(200);

  const headers = response!.headers();
  expect(headers["content-security-policy"], "Content-Security-Policy header").toBeDefined();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");

  // The WASM bundle loads and hydrates under that policy...
  await waitForHydration(page);

  // ...and the interactive parts work: create a key through the UI.
  await page.getByRole("link", { name: "Create Key", exact: true }).first().click();
  const form = page.getByRole("dialog", { name: "Create API Key" });
  await expect(form).toBeVisible();
  await form.getByLabel("Name", { exact: true }).fill("Header Check");
  await form.getByRole("button", { name: "Create Key", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading", { name: "API Key Created!" })).toBeVisible();
  await expect(dialog.getByRole("textbox", { name: "API key" })).toHaveValue(FULL_KEY);
  await dialog.getByRole("button", { name: "Done", exact: true }).click();
  await expect(page.getByRole("dialog")).toBeHidden();
  await expect(page.getByText("Header Check", { exact: true })).toBeVisible();

  const violations = await page.evaluate(
    () => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [],
  );
  expect(cspMessages, "console messages about the Content Security Policy").toEqual([]);
  expect(consoleErrors.filter((text) => CSP_COMPLAINT.test(text))).toEqual([]);
  expect(violations, "securitypolicyviolation events").toEqual([]);
  expect(pageErrors, "uncaught page errors").toEqual([]);
});
