//! Puts the versions this adapter is built with into the binary (`--version`, which h2race records
//! in the histogram's env.client_program): the libraries' from Cargo.lock, and rustc's.
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=Cargo.lock");
    let lock = std::fs::read_to_string("Cargo.lock").expect("Cargo.lock");
    let mut versions = Vec::new();
    let mut name = "";
    for line in lock.lines() {
        if let Some(n) = line.strip_prefix("name = \"") {
            name = n.trim_end_matches('"');
        } else if let Some(v) = line.strip_prefix("version = \"") {
            if ["reqwest", "hyper", "h2", "rustls", "tokio-rustls", "tokio"].contains(&name) {
                versions.push(format!("{name} {}", v.trim_end_matches('"')));
            }
        }
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let rustc_version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .unwrap_or_default();
    versions.push(rustc_version.split_whitespace().take(2).collect::<Vec<_>>().join(" "));
    println!("cargo:rustc-env=H2RACE_RUST_VERSIONS={}", versions.join(", "));
}
