//! snapsign's `uniffi-bindgen`: generates the Kotlin, Swift and Python bindings from the built
//! `libsnapsign` cdylib ("library mode": the interface is read from the metadata the
//! proc-macros embed in the library).
//!
//! It calls the `uniffi_bindgen` library directly, without its `cargo-metadata` feature and
//! without clap (what `uniffi = { features = ["cli"] }` would pull in), so it builds quickly in
//! the dev profile. It accepts the subset of the upstream command line that `bindings/generate.sh`
//! and maturin (`bindings = "uniffi"`, which runs `cargo run --bin uniffi-bindgen` in the
//! workspace) use:
//!
//! ```text
//! uniffi-bindgen generate [--library] --language kotlin|swift|python [--language ...]
//!                         --out-dir DIR [--config uniffi.toml] [--crate NAME] [--no-format] LIBRARY
//! ```
//!
//! Output is never formatted (no ktlint/swift-format run), so it is the same on every machine.
//!
//! One change to uniffi's Kotlin output: the `message` of every `SnapException` variant is its
//! `reason` (the core's sentence, as `str()` of Python's `SnapError`) instead of uniffi's
//! `offset=5, reason=...` listing of the fields, which stay properties. uniffi 0.32's Kotlin
//! error template builds that listing with no hook to change it, the variant classes are final,
//! and `Throwable.message` cannot be replaced from outside; see [`kotlin_message_is_reason`].
//! Each crate's `uniffi.toml` is found in its crate root: the directory of a `--config` file
//! in the per-crate format, or else `ffi/` of this workspace for the `snapsign_ffi` crate.

use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use camino::{Utf8Path, Utf8PathBuf};
use uniffi_bindgen::bindings::{generate_with_bindgen_paths, GenerateOptions, TargetLanguage};
use uniffi_bindgen::{BindgenPaths, BindgenPathsLayer};

const USAGE: &str = "usage: uniffi-bindgen generate [--library] --language kotlin|swift|python [--language ...] \
                     --out-dir DIR [--config uniffi.toml] [--crate NAME] [--no-format] LIBRARY";

/// The crate root of every crate is one directory (that of a per-crate `uniffi.toml`).
struct OneRoot(Utf8PathBuf);

impl BindgenPathsLayer for OneRoot {
    fn get_crate_root(&self, _crate_name: &str) -> Option<Utf8PathBuf> {
        Some(self.0.clone())
    }
}

/// This workspace's uniffi crates by the crate name uniffi records (the lib name).
struct Workspace(Utf8PathBuf);

impl BindgenPathsLayer for Workspace {
    fn get_crate_root(&self, crate_name: &str) -> Option<Utf8PathBuf> {
        match crate_name {
            "snapsign_ffi" => Some(self.0.join("ffi")),
            _ => None,
        }
    }
}

fn workspace_root() -> Utf8PathBuf {
    // `cargo run` sets CARGO_MANIFEST_DIR for the program it runs; a binary run directly
    // falls back to where it was built from.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR")
        .ok()
        .filter(|d| Utf8Path::new(d).join("src/main.rs").is_file())
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").to_owned());
    Utf8PathBuf::from(manifest_dir).join("../..")
}

fn language(name: &str) -> Result<TargetLanguage> {
    Ok(match name {
        "kotlin" => TargetLanguage::Kotlin,
        "swift" => TargetLanguage::Swift,
        "python" => TargetLanguage::Python,
        "ruby" => TargetLanguage::Ruby,
        other => bail!("unknown language {other:?} (kotlin, swift, python, ruby)"),
    })
}

fn run(args: &[String]) -> Result<()> {
    let mut args = args.iter();
    match args.next().map(String::as_str) {
        Some("generate") => {}
        Some("--version" | "-V") => {
            println!("uniffi-bindgen (snapsign) for uniffi {}", env!("CARGO_PKG_VERSION"));
            return Ok(());
        }
        _ => bail!("{USAGE}"),
    }
    let mut languages = Vec::new();
    let mut out_dir = None;
    let mut config = None;
    let mut crate_filter = None;
    let mut source = None;
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| args.next().cloned().with_context(|| format!("{flag} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--library" | "--no-format" | "-n" | "--metadata-no-deps" => {}
            "--language" | "-l" => languages.push(language(&value(arg)?)?),
            "--out-dir" | "-o" => out_dir = Some(Utf8PathBuf::from(value(arg)?)),
            "--config" | "-c" => config = Some(Utf8PathBuf::from(value(arg)?)),
            "--crate" => crate_filter = Some(value(arg)?),
            flag if flag.starts_with('-') => bail!("unknown option {flag}\n{USAGE}"),
            path if source.is_none() => source = Some(Utf8PathBuf::from(path)),
            extra => bail!("unexpected argument {extra}\n{USAGE}"),
        }
    }
    if languages.is_empty() {
        bail!("give at least one --language\n{USAGE}");
    }
    let out_dir = out_dir.with_context(|| format!("--out-dir is required\n{USAGE}"))?;
    let source = source.with_context(|| format!("the library (.so/.dylib/.dll) is required\n{USAGE}"))?;

    let mut paths = BindgenPaths::default();
    let mut config_override = None;
    if let Some(config) = config {
        let text = std::fs::read_to_string(&config).with_context(|| format!("read {config}"))?;
        let is_global = ["[defaults", "[crates", "[crate-roots"].iter().any(|s| text.contains(s));
        if is_global {
            config_override = Some(config);
        } else {
            // A per-crate uniffi.toml (what maturin passes): its directory is the crate root.
            let dir = config.parent().filter(|p| !p.as_str().is_empty()).unwrap_or(Utf8Path::new("."));
            paths.add_layer(OneRoot(dir.to_owned()));
        }
    }
    paths.add_layer(Workspace(workspace_root()));

    let kotlin = languages.iter().any(|l| matches!(l, TargetLanguage::Kotlin))
        && crate_filter.as_deref().is_none_or(|c| c == "snapsign_ffi");
    let options = GenerateOptions {
        languages,
        source,
        out_dir: out_dir.clone(),
        config_override,
        format: false,
        crate_filter,
        metadata_no_deps: true,
    };
    generate_with_bindgen_paths(options, paths)?;
    if kotlin {
        let kotlin_file = out_dir.join(KOTLIN_FILE);
        let text = std::fs::read_to_string(&kotlin_file).with_context(|| format!("read {kotlin_file}"))?;
        let mut text = text;
        for class in KOTLIN_ERROR_CLASSES {
            text = kotlin_message_is_reason(&text, class).with_context(|| format!("{kotlin_file}: {class}"))?;
        }
        std::fs::write(&kotlin_file, text).with_context(|| format!("write {kotlin_file}"))?;
    }
    Ok(())
}

/// The Kotlin file of the `snapsign_ffi` crate under `--out-dir` (`package_name` and the
/// namespace in `ffi/uniffi.toml`).
const KOTLIN_FILE: &str = "id/snapsign/snapsign.kt";

/// uniffi's Kotlin classes for the `SnapError` and `ReplayGuardError` enums: every variant of
/// both has a `reason`, the core's (or the guard's) sentence.
const KOTLIN_ERROR_CLASSES: [&str; 2] = ["SnapException", "ReplayGuardException"];

/// Makes `message` of every variant of the Kotlin exception class `class` its `reason`. uniffi 0.32's Kotlin template
/// writes each variant as
///
/// ```text
///     class InvalidJson(
///         val `offset`: kotlin.ULong,
///         val `reason`: kotlin.String
///         ) : SnapException() {
///         override val message
///             get() = "offset=${ `offset` }, reason=${ `reason` }"
///     }
/// ```
///
/// and only that `get()` line changes. Fails, instead of writing a half-changed file, when the
/// class or a variant does not have that shape (another uniffi version: check its
/// `ErrorTemplate.kt`) or a variant has no `reason`.
fn kotlin_message_is_reason(text: &str, class: &str) -> Result<String> {
    let class_line = format!("sealed class {class}: kotlin.Exception() {{");
    let variant_end = format!("        ) : {class}() {{");
    const MESSAGE: &str = "        override val message";
    const GETTER: &str = "            get() = \"";
    const REASON: &str = "reason=${ `reason` }";
    const NEW_GETTER: &str = "            get() = `reason` // the core's sentence (snapsign's uniffi-bindgen)";

    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let start =
        lines.iter().position(|l| l.trim_end() == class_line).with_context(|| format!("no `{class_line}` line"))?;
    let end = start
        + lines[start..]
            .iter()
            .position(|l| l.trim_end() == "}")
            .with_context(|| format!("the {class} class does not end"))?;
    let mut out = String::with_capacity(text.len());
    let mut variants = 0;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        out.push_str(line);
        i += 1;
        if !(start..end).contains(&(i - 1)) || line.trim_end() != variant_end {
            continue;
        }
        variants += 1;
        let (message, getter) = match (lines.get(i), lines.get(i + 1)) {
            (Some(m), Some(g)) if m.trim_end() == MESSAGE && g.starts_with(GETTER) => (m, g),
            _ => bail!("{class} variant {variants}: no `override val message` getter after line {i}"),
        };
        if !getter.contains(REASON) {
            bail!("{class} variant {variants} has no `reason` field: {}", getter.trim());
        }
        out.push_str(message);
        out.push_str(NEW_GETTER);
        out.push('\n');
        i += 2;
    }
    if variants == 0 {
        bail!("the {class} class has no variant of the expected shape");
    }
    Ok(out)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("uniffi-bindgen: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_class(variants: &str) -> String {
        format!(
            "val x = 1\n/**\n * Everything.\n */\nsealed class SnapException: kotlin.Exception() {{\n    \n{variants}\n    companion object ErrorHandler : \
             UniffiRustCallStatusErrorHandler<SnapException> {{\n        override fun lift(b: RustBuffer.ByValue): \
             SnapException = FfiConverterTypeSnapError.lift(b)\n    }}\n}}\n\nclass Other(\n        ) : SnapException() {{\n"
        )
    }

    const INVALID_JSON: &str = "    class InvalidJson(\n        \n        val `offset`: kotlin.ULong, \n        \n        \
                                val `reason`: kotlin.String\n        ) : SnapException() {\n        override val message\n            \
                                get() = \"offset=${ `offset` }, reason=${ `reason` }\"\n    }\n";
    const RNG: &str =
        "    class Rng(\n        \n        val `reason`: kotlin.String\n        ) : SnapException() {\n        \
                       override val message\n            get() = \"reason=${ `reason` }\"\n    }\n";

    #[test]
    fn every_variant_message_becomes_reason_and_nothing_else_changes() {
        let before = error_class(&format!("{INVALID_JSON}    \n{RNG}"));
        let after = kotlin_message_is_reason(&before, "SnapException").unwrap();
        let getter = "            get() = `reason` // the core's sentence (snapsign's uniffi-bindgen)\n";
        let expected = before
            .replace("            get() = \"offset=${ `offset` }, reason=${ `reason` }\"\n", getter)
            .replace("            get() = \"reason=${ `reason` }\"\n", getter);
        assert_eq!(after, expected);
        assert_eq!(after.matches("get() = `reason`").count(), 2);
        assert!(after.contains("val `offset`: kotlin.ULong"));
    }

    #[test]
    fn refuses_another_shape() {
        // No SnapException class, no variant, a variant without `reason`, another getter form.
        assert!(kotlin_message_is_reason("class A\n", "SnapException").is_err());
        assert!(kotlin_message_is_reason(&error_class(""), "SnapException").is_err());
        let no_reason = "    class A(\n        ) : SnapException() {\n        override val message\n            \
                         get() = \"\"\n    }\n";
        assert!(kotlin_message_is_reason(&error_class(&format!("{RNG}{no_reason}")), "SnapException").is_err());
        let other = RNG.replace("override val message\n", "override val message: String\n");
        assert!(kotlin_message_is_reason(&error_class(&other), "SnapException").is_err());
    }
}
