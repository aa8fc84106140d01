import { expect, type APIRequestContext, type Page } from "@playwright/test";

/** Every account in the suite shares this (valid, 28-character) password. */
export const PASSWORD = "correct horse battery staple";

/** A full API key as shown once after create/regenerate. */
export const FULL_KEY = /^pk_live_[0-9A-Za-z]{38}$/;
/** The same shape anywhere inside a text (for "is a full key visible anywhere?"). */
export const FULL_KEY_ANYWHERE = /pk_live_[0-9A-Za-z]{38}/;

let counter = 0;

/** An email address no other test (or earlier run against the same database) has used. */
export function uniqueEmail(): string {
  counter += 1;
  const random = Math.random().toString(36).slice(2, 10);
  return `user-${Date.now()}-${counter}-${random}@example.com`;
}

/**
 * Registers a new account with `request` and returns its email. The session cookie lands in
 * that request context: pass `page.request` to sign the page in, or the `request` fixture to
 * create an account while the page stays signed out.
 */
export async function registerWith(request: APIRequestContext): Promise<string> {
  const email = uniqueEmail();
  const response = await request.post("/api/auth/register", { data: { email, password: PASSWORD } });
  expect(response.status(), `register ${email}: ${await response.text()}`).toBe(201);
  return email;
}

/** Registers a new account and signs `page` in as it (page.request shares the context's cookies). */
export async function registerViaApi(page: Page): Promise<string> {
  return registerWith(page.request);
}

/** Waits until the WASM bundle has hydrated the page, so buttons have their handlers. */
export async function waitForHydration(page: Page): Promise<void> {
  await page.locator('body[data-hydrated="true"]').waitFor({ state: "attached" });
}

/** Creates a key through the JSON API as the page's user; returns the key's full secret. */
export async function createKeyViaApi(page: Page, name: string): Promise<string> {
  const response = await page.request.post("/api/api-keys", { data: { name } });
  const body = await response.text();
  expect(response.ok(), `create key ${name}: ${body}`).toBeTruthy();
  const match = body.match(FULL_KEY_ANYWHERE);
  expect(match, `the create response carries the full key: ${body}`).not.toBeNull();
  return match![0];
}

export type KeySummary = {
  id: string;
  name: string;
  keyPrefix: string;
  maskedKey: string;
  createdAt: string;
  lastUsedAt: string | null;
};

/** The page user's keys as the JSON API lists them. */
export async function listKeysViaApi(page: Page): Promise<KeySummary[]> {
  const response = await page.request.get("/api/api-keys");
  expect(response.status()).toBe(200);
  const body = (await response.json()) as { keys: KeySummary[] };
  expect(Array.isArray(body.keys)).toBeTruthy();
  return body.keys;
}

/** Calls the external API with a key, as a script would (no cookies involved in the check). */
export async function callMe(page: Page, key: string) {
  return page.request.get("/api/v1/me", { headers: { Authorization: `Bearer ${key}` } });
}

/** Signs in through the form on the current /login page. */
export async function signInThroughForm(page: Page, email: string, password: string = PASSWORD): Promise<void> {
  await waitForHydration(page);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}
