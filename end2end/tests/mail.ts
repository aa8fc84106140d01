import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "@playwright/test";

/**
 * The mail the server under test sent, as the real SMTP server of the run received it
 * (tests/support/smtp_sink.py, started by playwright.config.ts into MAILDIR).
 */
export const MAILDIR = join(__dirname, "..", "test-mail");

export type Mail = { to: string[]; subject: string; text: string; html: string };

function delivered(): Mail[] {
  let files: string[] = [];
  try {
    files = readdirSync(MAILDIR).filter((name) => name.endsWith(".json")).sort();
  } catch {
    return [];
  }
  return files.map((name) => JSON.parse(readFileSync(join(MAILDIR, name), "utf8")) as Mail);
}

/** Waits for the newest mail to `to` whose subject is `subject`. */
export async function mailTo(to: string, subject: string): Promise<Mail> {
  let found: Mail | undefined;
  await expect
    .poll(() => {
      found = delivered().filter((m) => m.to.includes(to) && m.subject === subject).pop();
      return found !== undefined;
    }, { message: `a mail "${subject}" to ${to}`, timeout: 20_000 })
    .toBe(true);
  return found!;
}

/** The link in `mail`'s text that contains `needle`. */
export function linkIn(mail: Mail, needle: string): string {
  const link = mail.text.split(/\s+/).find((word) => word.startsWith("http") && word.includes(needle));
  expect(link, `a link with ${needle} in: ${mail.text}`).toBeTruthy();
  return link!;
}
