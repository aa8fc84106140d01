// What a signed-in first visit to /settings/api-keys downloads, measured the way the Next.js
// figure was: every .wasm and .js response the browser receives until the network has been
// idle (Playwright's networkidle, then 1.5 s more), each body compressed with `brotli -q 11`.
// The same for a key's own page (keyPageFiles), which loads its chunk before hydrating.
// Also, unthrottled and under Fast 3G + 4x CPU slowdown: the time from navigation to the
// first working click on "Create Key" (the create form on screen, in the dialog or on the
// create page), and to hydration; and a second visit's network requests.
//
// Usage: node bench/first_load.mjs BASE_URL      (prints JSON on stdout)
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.resolve("end2end/package.json"));
const { chromium } = require("@playwright/test");

const base = process.argv[2] ?? "http://127.0.0.1:3200";
const PASSWORD = "correct horse battery staple";
const FAST_3G = { offline: false, latency: 562.5, downloadThroughput: (1.6 * 1024 * 1024) / 8 * 0.9, uploadThroughput: (750 * 1024) / 8 * 0.9 };

function brotli(buffer) {
  return execFileSync("brotli", ["-q", "11", "-c"], { input: buffer, maxBuffer: 64 << 20 }).length;
}

async function signedInContext(browser) {
  const context = await browser.newContext({ baseURL: base });
  const email = `bench-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
  const response = await context.request.post("/api/auth/register", { data: { email, password: PASSWORD } });
  if (response.status() !== 201) throw new Error(`register: ${response.status()} ${await response.text()}`);
  return context;
}

/** Every .wasm/.js a first visit to the page `path(context)` resolves to downloads. */
async function measureBytes(browser, path = async () => "/settings/api-keys") {
  const context = await signedInContext(browser);
  const target = await path(context);
  const page = await context.newPage();
  const bodies = [];
  page.on("response", async (response) => {
    const url = new URL(response.url());
    if (!/\.(wasm|js)$/.test(url.pathname)) return;
    bodies.push(response.body().then((body) => ({ file: url.pathname, raw: body.length, brotli: brotli(body) })));
  });
  await page.goto(target, { waitUntil: "networkidle" });
  await page.waitForTimeout(1500);
  const files = await Promise.all(bodies);
  await context.close();
  return files;
}

async function throttle(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", FAST_3G);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
}

/**
 * From navigation to the first click on "Create Key" that works: the click comes the moment
 * the control is visible and enabled (a button disabled until hydration waits; a link is
 * clickable as painted), and the time is read when the create form is on screen, in the
 * dialog or on the create page. The moment is taken in the page (epoch ms), on every document
 * the click may lead to: Playwright's own wait polls at up to 500 ms intervals.
 */
async function firstWorkingClick(browser, throttled) {
  const context = await signedInContext(browser);
  const page = await context.newPage();
  if (throttled) await throttle(context, page);
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      const dialog = document.querySelector("dialog[open]");
      const heading = [...document.querySelectorAll("h1")].some((h) => h.textContent === "Create API Key");
      if ((dialog || heading) && document.querySelector('input[name="name"]')) {
        localStorage.setItem("formShownAt", String(performance.timeOrigin + performance.now()));
        observer.disconnect();
      }
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["open"] });
  });
  const started = Date.now();
  await page.goto("/settings/api-keys", { waitUntil: "commit" });
  const create = page.locator('a.btn.primary, button.btn.primary').filter({ hasText: "Create Key" }).first();
  await create.click({ timeout: 60_000 });
  await page.locator('input[name="name"]').first().waitFor({ state: "visible", timeout: 60_000 });
  await page.waitForFunction(() => localStorage.getItem("formShownAt") !== null, null, { timeout: 60_000 });
  const shownAt = Number(await page.evaluate(() => localStorage.getItem("formShownAt")));
  await context.close();
  return Math.round(shownAt - started);
}

/** From navigation to the moment the WASM has taken over the keys page. */
async function hydration(browser, throttled) {
  const context = await signedInContext(browser);
  const page = await context.newPage();
  if (throttled) await throttle(context, page);
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.body?.dataset.hydrated === "true") {
        window.__hydratedAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-hydrated"] });
  });
  await page.goto("/settings/api-keys", { waitUntil: "commit" });
  await page.locator('body[data-hydrated="true"]').waitFor({ state: "attached", timeout: 60_000 });
  const ms = Math.round(await page.evaluate(() => window.__hydratedAt));
  await context.close();
  return ms;
}

/** A key's own page, for a key created through the JSON API. */
async function keyPage(context) {
  const response = await context.request.post("/api/api-keys", { data: { name: "Bench" } });
  if (!response.ok()) throw new Error(`create key: ${response.status()} ${await response.text()}`);
  const body = await response.json();
  return `/settings/api-keys/${body.id}`;
}

/** Which .wasm/.js files a second visit fetches over the network (not from the cache). */
async function secondVisit(browser) {
  const context = await signedInContext(browser);
  const page = await context.newPage();
  await page.goto("/settings/api-keys", { waitUntil: "networkidle" });
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  // Chromium reports a memory-cache hit as a response plus `requestServedFromCache`.
  const cached = new Set();
  const responses = [];
  cdp.on("Network.requestServedFromCache", ({ requestId }) => cached.add(requestId));
  cdp.on("Network.responseReceived", ({ requestId, response }) => {
    const url = new URL(response.url);
    if (/\.(wasm|js)$/.test(url.pathname)) responses.push({ requestId, path: url.pathname, disk: response.fromDiskCache });
  });
  await page.goto("/settings/api-keys", { waitUntil: "networkidle" });
  await context.close();
  return responses.filter((r) => !r.disk && !cached.has(r.requestId)).map((r) => r.path);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const files = await measureBytes(browser);
  const keyPageFiles = await measureBytes(browser, keyPage);
  const clicks = [];
  for (let i = 0; i < 3; i++) clicks.push(await firstWorkingClick(browser, false));
  const throttled = [];
  for (let i = 0; i < 3; i++) throttled.push(await firstWorkingClick(browser, true));
  const hydrated = [];
  for (let i = 0; i < 3; i++) hydrated.push(await hydration(browser, false));
  const hydratedThrottled = [];
  for (let i = 0; i < 3; i++) hydratedThrottled.push(await hydration(browser, true));
  const second = await secondVisit(browser);
  console.log(JSON.stringify({
    files, keyPageFiles, firstClickMs: clicks, firstClickThrottledMs: throttled,
    hydrationMs: hydrated, hydrationThrottledMs: hydratedThrottled, secondVisitFromNetwork: second,
  }));
} finally {
  await browser.close();
}
