//! The README's first command verifies the bundled example: keep it true.

#[test]
fn the_bundled_example_verifies_as_the_readme_says() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    assert!(readme.contains(
        "cargo run --release -- verify --audience https://api.example.com \\\n  \
         --trust-anchors examples/test-root.ds --at 2026-12-01T00:00:00Z examples/token.b64"
    ));
    crate::support::kliento()
        .current_dir(root)
        .args(["verify", "--audience", "https://api.example.com"])
        .args(["--trust-anchors", "examples/test-root.ds"])
        .args(["--at", "2026-12-01T00:00:00Z", "examples/token.b64"])
        .assert()
        .success()
        .stdout("valid: alice@example.com\nrole=admin\n");
}
