import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { callMe, createKeyViaApi, registerViaApi, waitForHydration } from "./helpers";

// axe-core on every page, in light and in dark mode: no violation at all.

async function expectNoViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const found = results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary ?? ""}`.slice(0, 300)),
  }));
  expect(found, `${what}: ${JSON.stringify(found, null, 2)}`).toEqual([]);
}

for (const scheme of ["light", "dark"] as const) {
  test.describe(`accessibility, ${scheme} mode`, () => {
    test.use({ colorScheme: scheme });

    test("public pages", async ({ page }) => {
      const serverOnly = ["/docs/api", "/forgot-password", "/reset-password?token=0"];
      for (const path of ["/", "/login", "/register", ...serverOnly]) {
        await page.goto(path);
        if (!serverOnly.includes(path)) await waitForHydration(page);
        await expectNoViolations(page, `${scheme} ${path}`);
      }
    });

    test("the keys pages, their dialogs and forms", async ({ page }) => {
      await registerViaApi(page);
      await page.goto("/settings/api-keys");
      await waitForHydration(page);
      await expectNoViolations(page, `${scheme} empty list`);

      const key = await createKeyViaApi(page, "Audited");
      expect((await callMe(page, key)).status()).toBe(200);
      // An expired key, for the Expired badge.
      const soon = await page.request.post("/api/api-keys", {
        data: { name: "Short lived", expiresAt: new Date(Date.now() + 2500).toISOString() },
      });
      expect(soon.status()).toBe(200);
      await page.waitForTimeout(3000);
      await page.goto("/settings/api-keys");
      await waitForHydration(page);
      await expect(page.getByText("Expired", { exact: true })).toBeVisible();
      await expectNoViolations(page, `${scheme} list`);

      await page.getByRole("link", { name: "Create Key", exact: true }).first().click();
      await expect(page.getByRole("dialog", { name: "Create API Key" })).toBeVisible();
      await page.getByRole("dialog").getByLabel(/^Custom/).check();
      await expectNoViolations(page, `${scheme} create dialog`);
      await page.keyboard.press("Escape");

      await page.getByRole("link", { name: "Regenerate Audited" }).click();
      await expect(page.getByRole("dialog", { name: "Regenerate API Key" })).toBeVisible();
      await expectNoViolations(page, `${scheme} regenerate dialog`);
      await page.keyboard.press("Escape");

      await page.getByRole("link", { name: "Audited", exact: true }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Audited" })).toBeVisible();
      await waitForHydration(page);
      await page.getByText("Edit restrictions").click();
      await expectNoViolations(page, `${scheme} key page`);

      const [row] = (await (await page.request.get("/api/api-keys")).json()).keys;
      for (const path of ["/settings/api-keys/new", `/settings/api-keys/${row.id}/regenerate`, "/settings"]) {
        await page.goto(path);
        await waitForHydration(page);
        await expectNoViolations(page, `${scheme} ${path}`);
      }
      // Server-rendered only: it never hydrates.
      await page.goto("/settings/security");
      await expect(page.getByRole("heading", { level: 1, name: "Security" })).toBeVisible();
      await expectNoViolations(page, `${scheme} /settings/security`);
    });
  });
}
