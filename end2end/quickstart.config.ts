import { defineConfig, devices } from "@playwright/test";
import os from "node:os";
import path from "node:path";
import fs from "node:fs";

/**
 * The README's quick start, checked in a browser: `scripts/run.sh` builds and serves the app
 * exactly as a first-time user starts it, and the spec below checks that its pages hydrate
 * and work. A quick start that served pages which never hydrated once went unnoticed for
 * several sessions, because nothing but curl had looked at it.
 *
 * The only departure from the README: the SQLite file lives in a fresh temporary directory
 * instead of `data/keyward.db`, so a developer's own quick-start data is never touched.
 *
 * Environment: KEYWARD_QUICKSTART_PORT (default 3300), CHROMIUM_PATH (default /usr/bin/chromium).
 */
const port = process.env.KEYWARD_QUICKSTART_PORT ?? "3300";
const baseURL = `http://127.0.0.1:${port}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "keyward-quickstart-"));

const env: Record<string, string> = {};
for (const [name, value] of Object.entries(process.env)) {
  if (value !== undefined) env[name] = value;
}

export default defineConfig({
  testDir: "./quickstart",
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  timeout: 60_000,
  expect: { timeout: 15_000 },
  outputDir: "test-results/quickstart",
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    },
  },
  webServer: {
    command: "bash scripts/run.sh",
    cwd: "..",
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    // The build is warm when the suite has just built the release; a cold one takes ~11 min.
    timeout: 20 * 60_000,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
    env: {
      ...env,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      DATABASE_URL: `sqlite://${dataDir}/keyward.db?mode=rwc`,
    },
  },
  projects: [{ name: "quickstart", use: { ...devices["Desktop Chrome"] } }],
});
