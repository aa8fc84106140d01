import { expect, request as newRequest, test } from "@playwright/test";
import { PASSWORD, registerWith } from "./helpers";
import { linkIn, mailTo } from "./mail";

// The forgotten password, end to end: the link on the sign-in page, the mail as the run's
// real SMTP server received it, the new password, and the link refused the second time.
// With JavaScript on and off: the pages are plain forms either way.

const NEW_PASSWORD = "a longer and newer passphrase";

for (const javaScriptEnabled of [true, false]) {
  test.describe(`the forgotten password, JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("a mailed link sets a new password, once", async ({ page, baseURL }) => {
      const api = await newRequest.newContext({ baseURL });
      const email = await registerWith(api);

      await page.goto("/login");
      await page.getByRole("link", { name: "Forgot password?" }).click();
      await expect(page.getByRole("heading", { name: "Reset your password" })).toBeVisible();
      await expect(page.getByLabel("Email")).toBeFocused();
      await page.getByLabel("Email").fill(email);
      await page.getByRole("button", { name: "Send reset link" }).click();
      await expect(page.getByRole("main").getByRole("status")).toContainText("If an account exists for that email");

      const mail = await mailTo(email, "Reset your Keyward password");
      const link = linkIn(mail, "/reset-password?token=");
      expect(link.startsWith(`${baseURL}/reset-password?token=`)).toBe(true);

      await page.goto(link);
      await expect(page.getByLabel("New password")).toBeFocused();
      await page.getByLabel("New password").fill(NEW_PASSWORD);
      await page.getByRole("button", { name: "Set new password" }).click();
      await expect(page.getByRole("main").getByRole("status")).toContainText("Your password has been changed");

      // The old session has ended; the new password signs in, the old one does not.
      expect((await api.get("/api/auth/session")).status()).toBe(401);
      expect((await api.post("/api/auth/login", { data: { email, password: PASSWORD } })).status()).toBe(401);
      expect((await api.post("/api/auth/login", { data: { email, password: NEW_PASSWORD } })).status()).toBe(200);

      await page.goto(link);
      await page.getByLabel("New password").fill("yet another passphrase");
      await page.getByRole("button", { name: "Set new password" }).click();
      await expect(page.getByRole("main").getByRole("alert")).toContainText("This reset link is invalid or has expired");
      await api.dispose();
    });
  });
}
