//! Running PostgreSQL's programs: the newest server binaries installed, run as the `postgres`
//! user when the test runs as root.
use std::path::{Path, PathBuf};
use std::process::Command;

pub(super) fn postgres_bin() -> PathBuf {
    let root = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<PathBuf> = std::fs::read_dir(root)
        .expect("PostgreSQL's server binaries in /usr/lib/postgresql (scripts/bootstrap.sh --test)")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().expect("an initdb")
}

pub(super) fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// `program args…`, as the `postgres` user when running as root (PostgreSQL refuses root).
pub(super) fn run(program: &Path, args: &[&str]) -> std::process::Output {
    let output = if is_root() {
        Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(program)
            .args(args)
            .output()
    } else {
        Command::new(program).args(args).output()
    }
    .unwrap_or_else(|err| panic!("cannot run {}: {err}", program.display()));
    output
}

pub(super) fn run_ok(program: &Path, args: &[&str]) {
    let output = run(program, args);
    assert!(
        output.status.success(),
        "{} {args:?} failed:\n{}{}",
        program.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
