//! What Keyward writes: each mail in plain text and in simple HTML, in the product's voice,
//! naming the server it comes from.
use chrono::{DateTime, Utc};

use super::Mail;

/// How long a reset link works, in the words the mail uses.
pub const RESET_VALID_FOR: &str = "30 minutes";

pub fn password_reset(server: &str, token: &str) -> Mail {
    let link = format!("{server}/reset-password?token={token}");
    let text = format!(
        "Someone (hopefully you) asked to reset the password of your Keyward account at \
         {server}.\n\nTo choose a new password, open this link within {RESET_VALID_FOR}:\n\n\
         {link}\n\nThe link works once. Resetting signs you out everywhere.\n\nIf you did not \
         ask for this, ignore this mail: your password stays as it is.\n"
    );
    let html = page(&format!(
        "<p>Someone (hopefully you) asked to reset the password of your Keyward account at \
         {server_html}.</p>\
         <p><a href=\"{link_html}\">Choose a new password</a> within {RESET_VALID_FOR}. \
         The link works once. Resetting signs you out everywhere.</p>\
         <p>If you did not ask for this, ignore this mail: your password stays as it is.</p>",
        server_html = escape(server),
        link_html = escape(&link),
    ));
    Mail {
        subject: "Reset your Keyward password".into(),
        text,
        html,
    }
}

/// Which of a key's two reminders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reminder {
    /// Seven days (or fewer) before the key expires.
    Week,
    /// On the day it expires.
    Day,
}

pub struct ExpiringKey<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub masked: &'a str,
    pub expires_at: DateTime<Utc>,
}

pub fn expiry_reminder(server: &str, key: &ExpiringKey<'_>, which: Reminder) -> Mail {
    let when = key.expires_at.format("%Y-%m-%d %H:%M UTC").to_string();
    let soon = match which {
        Reminder::Week => "in 7 days or less",
        Reminder::Day => "today",
    };
    let link = format!("{server}/settings/api-keys/{}", key.id);
    let text = format!(
        "Your API key \"{name}\" ({masked}) expires {soon}, at {when}.\n\nAfter that, every \
         request made with it is refused. To keep a tool working, regenerate the key before \
         then (the new key keeps the name and the restrictions) and give the tool the new \
         secret:\n\n{link}\n\nThis reminder comes from Keyward at {server}.\n",
        name = key.name,
        masked = key.masked,
    );
    let html = page(&format!(
        "<p>Your API key <strong>{name}</strong> (<code>{masked}</code>) expires {soon}, at \
         {when}.</p>\
         <p>After that, every request made with it is refused. To keep a tool working, \
         <a href=\"{link_html}\">regenerate the key</a> before then (the new key keeps the \
         name and the restrictions) and give the tool the new secret.</p>\
         <p>This reminder comes from Keyward at {server_html}.</p>",
        name = escape(key.name),
        masked = escape(key.masked),
        link_html = escape(&link),
        server_html = escape(server),
    ));
    let subject = match which {
        Reminder::Week => format!("Your API key \"{}\" expires in 7 days", key.name),
        Reminder::Day => format!("Your API key \"{}\" expires today", key.name),
    };
    Mail {
        // A subject is one line: a name cannot have a line break (validation), but be sure.
        subject: subject.replace(['\r', '\n'], " "),
        text,
        html,
    }
}

fn page(body: &str) -> String {
    format!(
        "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;line-height:1.5;\
         color:#111827\">{body}</body></html>"
    )
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_in_html_and_kept_in_text() {
        let key = ExpiringKey {
            id: "k1",
            name: "<b>zap & co</b>",
            masked: "pk_live_abcd****",
            expires_at: DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
        };
        let mail = expiry_reminder("https://keys.example.com", &key, Reminder::Day);
        assert!(mail.html.contains("&lt;b&gt;zap &amp; co&lt;/b&gt;"));
        assert!(!mail.html.contains("<b>zap"));
        assert!(mail.text.contains("\"<b>zap & co</b>\""));
        assert!(mail
            .text
            .contains("https://keys.example.com/settings/api-keys/k1"));
        assert!(mail.subject.ends_with("expires today"));
    }

    #[test]
    fn a_reset_mail_links_to_the_reset_page_with_its_token() {
        let mail = password_reset("https://keys.example.com", "abc123");
        assert!(mail
            .text
            .contains("https://keys.example.com/reset-password?token=abc123"));
        assert!(mail.html.contains("reset-password?token=abc123"));
    }
}
