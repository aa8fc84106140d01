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
 * With KEYWARD_START=dev the same check runs against the development loop (`scripts/dev.sh`,
 * `cargo leptos watch --split`: debug builds), which must hydrate too.
 *
 * Departures from the README: the port (so a developer's own quick start on 3000 is never in
 * the way), and the SQLite file, which lives in a temporary directory instead of
 * `data/keyward.db`, so a developer's own quick-start data is never touched.
 *
 * Environment: KEYWARD_QUICKSTART_PORT (default 3300), CHROMIUM_PATH (default /usr/bin/chromium),
 * KEYWARD_QUICKSTART_DATA_DIR (scripts/test.sh creates it and removes it afterwards; without
 * it a directory is made under the system's temporary directory and left there).
 */
const dev = process.env.KEYWARD_START === "dev";
const port = process.env.KEYWARD_QUICKSTART_PORT ?? (dev ? "3310" : "3300");
const baseURL = `http://127.0.0.1:${port}`;
// Workers load this file too; only the runner, which starts the server, needs the directory.
const dataDir =
  process.env.KEYWARD_QUICKSTART_DATA_DIR ??
  (process.env.TEST_WORKER_INDEX === undefined
    ? fs.mkdtempSync(path.join(os.tmpdir(), "keyward-quickstart-"))
    : "");

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
  outputDir: dev ? "test-results/dev" : "test-results/quickstart",
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    },
  },
  webServer: {
    command: dev ? "bash scripts/dev.sh" : "bash scripts/run.sh",
    cwd: "..",
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    // The build is warm when the suite has just built the release; a cold one takes ~11 min.
    timeout: 20 * 60_000,
    stdout: "ignore",
    stderr: "pipe",
    // On SIGTERM the server drains requests and writes pending key usage before it exits.
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    env: {
      ...env,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      // cargo leptos watch's live-reload socket, beside the app's port.
      LEPTOS_RELOAD_PORT: `${Number(port) + 1}`,
      DATABASE_URL: `sqlite://${dataDir}/keyward.db?mode=rwc`,
    },
  },
  projects: [{ name: dev ? "dev-loop" : "quickstart", use: { ...devices["Desktop Chrome"] } }],
});
