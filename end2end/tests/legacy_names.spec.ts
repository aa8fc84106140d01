import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { registerViaApi, waitForHydration } from "./helpers";

/** Runs SQL against the database the server under test uses (PostgreSQL in scripts/test.sh). */
function sql(statement: string): void {
  const url = process.env.KEYWARD_E2E_DATABASE_URL;
  if (!url) throw new Error("KEYWARD_E2E_DATABASE_URL must name the test server's PostgreSQL database");
  execFileSync("psql", [url, "-Xq", "-v", "ON_ERROR_STOP=1", "-c", statement]);
}

test("names stored before today's rules still render and the page still works", async ({ page }) => {
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(`${error.name}: ${error.message}`));
  await registerViaApi(page);
  const session = await (await page.request.get("/api/auth/session")).json();
  const owner: string = session.user.id;
  // Written straight into the table, as rows from before the name rules would be. (NUL cannot
  // be stored in PostgreSQL text; the SQLite case is covered by the Rust tests.)
  const names = ["cr\r\nlf", "abc\u202egpj.exe", "\u200b\u3164"];
  names.forEach((name, i) => {
    const literal = `U&'${[...name].map((c) => `\\${c.codePointAt(0)!.toString(16).padStart(4, "0")}`).join("")}'`;
    sql(
      `INSERT INTO api_keys (id, user_id, name, key_hash, key_prefix, created_at, lineage_id)
       SELECT id, '${owner}', ${literal}, md5(random()::text) || md5(random()::text), 'pk_live_old${i}', now(), id
       FROM (SELECT gen_random_uuid() AS id) fresh`,
    );
  });

  await page.goto("/settings/api-keys");
  await waitForHydration(page);
  await expect(page.getByText("cr\ufffd\ufffdlf", { exact: true })).toBeVisible();
  await expect(page.getByText("abc\ufffdgpj.exe", { exact: true })).toBeVisible();
  await expect(page.getByText("(unnamed key)", { exact: true })).toBeVisible();
  // Hydration held: the page's buttons work.
  await page.getByRole("link", { name: "Create Key", exact: true }).first().click();
  await expect(page.getByRole("dialog", { name: "Create API Key" })).toBeVisible();
  expect(pageErrors, "uncaught page errors").toEqual([]);
});
