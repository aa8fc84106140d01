//! A real SMTP server for the mail tests (aiosmtpd, `tests/support/smtp_sink.py`), storing
//! every mail it accepts as a file the test reads back.
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

/// One delivered mail, its parts decoded.
#[derive(Clone, Debug)]
pub struct Delivered {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Delivered {
    /// The first `https?://…` link in the text part that contains `needle`.
    pub fn link_with(&self, needle: &str) -> Option<String> {
        self.text
            .split_whitespace()
            .find(|word| word.starts_with("http") && word.contains(needle))
            .map(str::to_owned)
    }
}

pub struct SmtpSink {
    child: Option<Child>,
    pub port: u16,
    dir: PathBuf,
}

impl SmtpSink {
    /// Starts on a free port.
    pub fn start() -> SmtpSink {
        let dir =
            std::env::temp_dir().join(format!("keyward_mail_{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("mail directory");
        let mut sink = SmtpSink {
            child: None,
            port: 0,
            dir,
        };
        sink.run_on(0);
        sink
    }

    /// An address where nothing listens yet; `resume` starts the server there later (an SMTP
    /// server that is down, then comes back).
    pub fn down() -> SmtpSink {
        let dir =
            std::env::temp_dir().join(format!("keyward_mail_{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("mail directory");
        SmtpSink {
            child: None,
            port: super::free_port(),
            dir,
        }
    }

    pub fn resume(&mut self) {
        let port = self.port;
        self.run_on(port);
    }

    fn run_on(&mut self, port: u16) {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/smtp_sink.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(&self.dir)
            .arg(port.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd (scripts/bootstrap.sh --test installs it)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the SMTP sink's first line");
        let bound = line
            .strip_prefix("ready ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("the SMTP sink did not start: {line:?}"));
        self.port = bound;
        self.child = Some(child);
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every mail delivered so far, in order of arrival.
    pub fn mails(&self) -> Vec<Delivered> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "json"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
            .iter()
            .map(|file| {
                let v: Value = serde_json::from_slice(&std::fs::read(file).expect("mail file"))
                    .expect("mail JSON");
                Delivered {
                    to: v["to"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|t| t.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default(),
                    subject: v["subject"].as_str().unwrap_or_default().to_owned(),
                    text: v["text"].as_str().unwrap_or_default().replace("\r\n", "\n"),
                    html: v["html"].as_str().unwrap_or_default().to_owned(),
                }
            })
            .collect()
    }

    /// Waits until at least `count` mails have arrived (up to `within`), and returns them.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<Delivered> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let mails = self.mails();
            if mails.len() >= count || tokio::time::Instant::now() >= deadline {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
