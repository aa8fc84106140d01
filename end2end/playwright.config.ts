import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests for Keyward.
 *
 * The server under test is the already-built release binary named by KEYWARD_BIN (absolute
 * path). It is started from the repository root so `target/site` (the compiled WASM, JS and
 * CSS) is found. Browsers are never downloaded: Debian's Chromium is used (CHROMIUM_PATH).
 *
 * Environment:
 *   KEYWARD_BIN               absolute path of the server binary (required to run tests)
 *   KEYWARD_E2E_PORT          port to serve on (default 3100)
 *   KEYWARD_E2E_DATABASE_URL  fresh database for this run; empty → the server's SQLite default
 *   LEPTOS_SITE_ROOT          site root relative to the repo root (default target/site)
 *   CHROMIUM_PATH             browser executable (default /usr/bin/chromium)
 *   KEYWARD_E2E_SMTP_PORT     port of the run's SMTP server (default 3125)
 *
 * Mail goes to a real SMTP server (aiosmtpd, tests/support/smtp_sink.py) that stores each
 * message under end2end/test-mail, where tests/mail.ts reads it.
 */
const port = process.env.KEYWARD_E2E_PORT ?? "3100";
const baseURL = `http://127.0.0.1:${port}`;
const serverBinary = process.env.KEYWARD_BIN;
const smtpPort = process.env.KEYWARD_E2E_SMTP_PORT ?? "3125";

// `playwright test --list` only parses the suite and needs no server. Any other run without a
// server binary would fail on its first navigation with a confusing "connection refused".
const listing = process.argv.includes("--list");
if (!serverBinary) {
  const message =
    "KEYWARD_BIN is not set: set it to the absolute path of the built keyward server binary " +
    "(e.g. KEYWARD_BIN=$PWD/target/server/keyward, built by scripts/build-release.sh).";
  if (!listing && !process.env.PLAYWRIGHT_LIST_ONLY) {
    throw new Error(message);
  }
  console.warn(`[keyward e2e] ${message} Starting no web server.`);
}

/** Single-quotes a path for the shell that Playwright runs the command in. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** process.env without undefined values, as webServer.env wants string values. */
function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined) env[name] = value;
  }
  return env;
}

export default defineConfig({
  testDir: "./tests",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  outputDir: "test-results",
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: serverBinary
    ? [
      {
        command: `python3 tests/support/smtp_sink.py end2end/test-mail ${smtpPort}`,
        cwd: "..",
        port: Number(smtpPort),
        reuseExistingServer: false,
        timeout: 30_000,
        stdout: "pipe",
        stderr: "pipe",
      },
      {
        command: shellQuote(serverBinary),
        cwd: "..",
        url: `${baseURL}/healthz`,
        reuseExistingServer: false,
        timeout: 120_000,
        stdout: "pipe",
        stderr: "pipe",
        gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
        env: {
          ...inheritedEnv(),
          LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? "target/site",
          LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
          // Always set, so a DATABASE_URL inherited from a developer's shell can never point
          // the tests at a real database. The server treats an empty value as unset and falls
          // back to its SQLite default.
          DATABASE_URL: process.env.KEYWARD_E2E_DATABASE_URL ?? "",
          // Every test registers its own account, all from 127.0.0.1.
          KEYWARD_SIGN_UP_MAX_PER_IP: "100000",
          // The defaults plus a scope catalog (end2end/keyward-e2e.toml; relative to `cwd`).
          KEYWARD_CONFIG: "end2end/keyward-e2e.toml",
          // Mail (password reset links) through the run's SMTP server, linking back here.
          KEYWARD_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
          KEYWARD_MAIL_POLL_MS: "200",
          KEYWARD_PUBLIC_URL: baseURL,
        },
      },
    ]
    : undefined,
  projects: [
    {
      name: "chromium",
      use: { ...devices["Desktop Chrome"] },
      testIgnore: /no_js\.spec\.ts/,
    },
    {
      // Server rendering alone: what a visitor sees before (or without) the WASM.
      name: "chromium-no-js",
      use: { ...devices["Desktop Chrome"], javaScriptEnabled: false },
      testMatch: /no_js\.spec\.ts/,
    },
  ],
});
