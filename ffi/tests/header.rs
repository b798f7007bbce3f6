//! `include/snapsign.h` must be what cbindgen generates from the C ABI with `ffi/cbindgen.toml`.
//!
//! Regenerate it with `SNAPSIGN_BLESS=1 cargo test -p snapsign-ffi --test header`.

use std::path::Path;

#[test]
fn header_is_fresh() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let header_path = crate_dir.join("../include/snapsign.h");
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("read ffi/cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen failed to generate the header");
    let mut generated = Vec::new();
    bindings.write(&mut generated);

    if std::env::var_os("SNAPSIGN_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&header_path, &generated).expect("write include/snapsign.h");
        return;
    }
    let committed = std::fs::read(&header_path).unwrap_or_default();
    assert!(
        committed == generated,
        "include/snapsign.h is stale: run `SNAPSIGN_BLESS=1 cargo test -p snapsign-ffi --test header`"
    );
}
