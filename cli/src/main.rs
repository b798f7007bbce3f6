//! `snapsign`: sign, verify and explain SNAP (Bank Indonesia open payment API) request signatures
//! from the command line. A thin layer over `snapsign-core`.
//!
//! Exit codes: 0 success (or valid signature), 1 invalid signature (or a problem `explain` found),
//! 2 bad input (unreadable file, wrong key, malformed value, usage error).

mod explain;
mod reserialize;
mod text;

use std::fmt::Display;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args, Parser, Subcommand};
use serde_json::{json, Map, Value};
use snapsign_core::access_token::{external_id, B2B_REQUEST_BODY, CONTENT_TYPE};
use snapsign_core::body_digest::BodyDigest;
use snapsign_core::timestamp::{check_skew, Timestamp, TimestampFormat};
use snapsign_core::{string_to_sign, Error, Field, HmacSigner, KeyErrorKind, KeyOptions, RsaSigner, RsaVerifier};

/// Sign, verify and explain SNAP request signatures (Bank Indonesia's Standar Nasional Open API
/// Pembayaran: access-token SHA256withRSA, transaction HMAC-SHA512, service SHA256withRSA).
///
/// Exit codes: 0 success or valid signature; 1 invalid signature (verify) or a problem found
/// (explain); 2 bad input. Errors are printed to stderr as `snapsign: <what>: <reason>`.
#[derive(Parser, Debug)]
#[command(name = "snapsign", version, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Sign an access-token B2B request: X-SIGNATURE = SHA256withRSA(clientId + "|" + X-TIMESTAMP).
    Token(TokenArgs),
    /// Sign a transaction (calls made with an access token): HMAC-SHA512 with the client secret.
    Transaction(TransactionArgs),
    /// Sign a service request or notification (asymmetric, no access token): SHA256withRSA.
    Service(ServiceArgs),
    /// Verify a signature. Exit 0 when valid, 1 when invalid, 2 on bad input.
    #[command(subcommand)]
    Verify(VerifyCommand),
    /// Print the minified body (JSON whitespace outside strings removed, every other byte kept).
    Minify(MinifyArgs),
    /// Print Lowercase(HexEncode(SHA-256(minify(body)))), the body term of the string-to-sign.
    Digest(DigestArgs),
    /// Show every step of a signature, and when a signature does not verify, find out why.
    #[command(subcommand)]
    Explain(ExplainCommand),
}

/// The `X-TIMESTAMP` to sign.
#[derive(Args, Debug, Clone)]
struct TimeArgs {
    /// X-TIMESTAMP to sign, used byte for byte (e.g. 2020-01-01T04:10:00+07:00). Default: now.
    #[arg(long, value_name = "TS", allow_hyphen_values = true)]
    timestamp: Option<String>,
    /// UTC offset for the current time when --timestamp is absent: +07:00 (WIB), +08:00 (WITA),
    /// +09:00 (WIT), Z or +00:00 (UTC), or any ±HH:MM.
    #[arg(
        long,
        value_name = "OFFSET",
        default_value = "+07:00",
        allow_hyphen_values = true,
        conflicts_with = "timestamp"
    )]
    offset: String,
    /// Add milliseconds (yyyy-MM-ddTHH:mm:ss.SSS) to the current time.
    #[arg(long, conflicts_with = "timestamp")]
    millis: bool,
}

/// A private key to sign with.
#[derive(Args, Debug, Clone)]
struct KeyArgs {
    /// RSA private key: PEM or DER, PKCS#8 (possibly encrypted) or PKCS#1.
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// Name of the environment variable holding the passphrase of an encrypted key.
    #[arg(long, value_name = "VAR")]
    passphrase_env: Option<String>,
    /// Accept RSA keys under 2048 bits (legacy test systems only).
    #[arg(long)]
    allow_weak_key: bool,
}

/// The client secret (never taken from the command line itself).
#[derive(Args, Debug, Clone)]
#[group(required = true, multiple = false)]
struct SecretArgs {
    /// Name of the environment variable holding the client secret.
    #[arg(long, value_name = "VAR")]
    secret_env: Option<String>,
    /// File holding the client secret; one trailing newline (LF or CRLF) is stripped.
    #[arg(long, value_name = "FILE")]
    secret_file: Option<PathBuf>,
}

/// The client secret, optional (explain).
#[derive(Args, Debug, Clone)]
#[group(required = false, multiple = false)]
struct OptSecretArgs {
    /// Name of the environment variable holding the client secret.
    #[arg(long, value_name = "VAR")]
    secret_env: Option<String>,
    /// File holding the client secret; one trailing newline (LF or CRLF) is stripped.
    #[arg(long, value_name = "FILE")]
    secret_file: Option<PathBuf>,
}

/// Method, path and body of a request.
#[derive(Args, Debug, Clone)]
struct RequestArgs {
    /// HTTP method, upper case (GET, POST, PUT, PATCH, DELETE).
    #[arg(long, value_name = "M", allow_hyphen_values = true)]
    method: String,
    /// Endpoint path relative to the host, with its query string (e.g. /v1.0/transfer-va/inquiry).
    #[arg(long, value_name = "P", allow_hyphen_values = true)]
    path: String,
    /// Request body file, or - for standard input. Default: empty body (a GET).
    #[arg(long, value_name = "FILE|-")]
    body: Option<String>,
}

/// Optional headers printed with a transaction or service request.
#[derive(Args, Debug, Clone)]
struct ExtraHeaders {
    /// X-PARTNER-ID header to print.
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    partner_id: Option<String>,
    /// X-EXTERNAL-ID header to print (unique per day, at most 36 characters).
    #[arg(long, value_name = "ID", allow_hyphen_values = true, conflicts_with = "new_external_id")]
    external_id: Option<String>,
    /// Generate a random 32-digit X-EXTERNAL-ID.
    #[arg(long)]
    new_external_id: bool,
    /// CHANNEL-ID header to print.
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    channel_id: Option<String>,
}

#[derive(Args, Debug)]
struct TokenArgs {
    #[command(flatten)]
    key: KeyArgs,
    /// Client id (X-CLIENT-KEY).
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    client_id: String,
    #[command(flatten)]
    time: TimeArgs,
    /// ORIGIN header (the origin domain registered with the provider).
    #[arg(long, value_name = "O", allow_hyphen_values = true)]
    origin: Option<String>,
    /// Print a ready-to-run curl command for this URL instead of the headers.
    #[arg(long, value_name = "URL", conflicts_with = "json")]
    curl: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct TransactionArgs {
    #[command(flatten)]
    secret: SecretArgs,
    #[command(flatten)]
    request: RequestArgs,
    /// Access token, without the "Bearer " prefix.
    #[arg(long, value_name = "T", allow_hyphen_values = true)]
    token: String,
    #[command(flatten)]
    time: TimeArgs,
    #[command(flatten)]
    extra: ExtraHeaders,
    /// Print a ready-to-run curl command for this URL instead of the headers.
    #[arg(long, value_name = "URL", conflicts_with = "json")]
    curl: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct ServiceArgs {
    #[command(flatten)]
    key: KeyArgs,
    #[command(flatten)]
    request: RequestArgs,
    #[command(flatten)]
    time: TimeArgs,
    #[command(flatten)]
    extra: ExtraHeaders,
    /// Print a ready-to-run curl command for this URL instead of the headers.
    #[arg(long, value_name = "URL", conflicts_with = "json")]
    curl: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// What every verify command shares.
#[derive(Args, Debug)]
struct VerifyCommon {
    /// X-TIMESTAMP as received.
    #[arg(long, value_name = "TS", allow_hyphen_values = true)]
    timestamp: String,
    /// X-SIGNATURE as received (base64).
    #[arg(long, value_name = "SIG", allow_hyphen_values = true)]
    signature: String,
    /// Also require X-TIMESTAMP to be within this many seconds of now.
    #[arg(long, value_name = "SECONDS")]
    max_skew: Option<u32>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand, Debug)]
enum VerifyCommand {
    /// Verify an access-token signature with the client's public key.
    Token {
        /// RSA public key (or private key): PEM or DER, SubjectPublicKeyInfo or PKCS#1.
        #[arg(long, value_name = "FILE")]
        public_key: PathBuf,
        /// Accept RSA keys under 2048 bits.
        #[arg(long)]
        allow_weak_key: bool,
        /// Client id (X-CLIENT-KEY).
        #[arg(long, value_name = "ID", allow_hyphen_values = true)]
        client_id: String,
        #[command(flatten)]
        common: VerifyCommon,
    },
    /// Verify a service signature with the sender's public key.
    Service {
        /// RSA public key (or private key): PEM or DER, SubjectPublicKeyInfo or PKCS#1.
        #[arg(long, value_name = "FILE")]
        public_key: PathBuf,
        /// Accept RSA keys under 2048 bits.
        #[arg(long)]
        allow_weak_key: bool,
        #[command(flatten)]
        request: RequestArgs,
        #[command(flatten)]
        common: VerifyCommon,
    },
    /// Verify a transaction (HMAC-SHA512) signature with the client secret.
    Transaction {
        #[command(flatten)]
        secret: SecretArgs,
        #[command(flatten)]
        request: RequestArgs,
        /// Access token, without the "Bearer " prefix.
        #[arg(long, value_name = "T", allow_hyphen_values = true)]
        token: String,
        #[command(flatten)]
        common: VerifyCommon,
    },
}

#[derive(Args, Debug)]
struct MinifyArgs {
    /// JSON body file, or - (default) for standard input.
    #[arg(value_name = "FILE|-")]
    file: Option<String>,
    /// Do not print a newline after the body (the exact bytes that are hashed).
    #[arg(short = 'n', long)]
    no_newline: bool,
}

#[derive(Args, Debug)]
struct DigestArgs {
    /// JSON body file, or - (default) for standard input.
    #[arg(value_name = "FILE|-")]
    file: Option<String>,
}

/// Flags shared by the explain subcommands.
#[derive(Args, Debug, Clone)]
pub(crate) struct ExplainCommon {
    /// The X-SIGNATURE to check (base64); the likely causes of a mismatch are searched.
    #[arg(long, value_name = "SIG", allow_hyphen_values = true)]
    signature: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// An optional key pair for explain.
#[derive(Args, Debug, Clone)]
struct ExplainKeys {
    /// RSA private key to sign with (its public half also verifies --signature).
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// Name of the environment variable holding the passphrase of an encrypted key.
    #[arg(long, value_name = "VAR")]
    passphrase_env: Option<String>,
    /// RSA public key to verify --signature with.
    #[arg(long, value_name = "FILE")]
    public_key: Option<PathBuf>,
    /// Accept RSA keys under 2048 bits.
    #[arg(long)]
    allow_weak_key: bool,
}

/// Method, path and body for explain: taken as given, even when the core would refuse them.
#[derive(Args, Debug, Clone)]
struct ExplainRequest {
    /// HTTP method as the other side used it.
    #[arg(long, value_name = "M", allow_hyphen_values = true)]
    method: String,
    /// Endpoint path (or the URL, to check whether the other side signed the absolute URL).
    #[arg(long, value_name = "P", allow_hyphen_values = true)]
    path: String,
    /// Request body file, or - for standard input. Default: empty body.
    #[arg(long, value_name = "FILE|-")]
    body: Option<String>,
    /// Scheme and host (e.g. https://api.example.com), to also try the absolute URL as signed path.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
}

#[derive(Subcommand, Debug)]
enum ExplainCommand {
    /// Explain an access-token signature.
    Token {
        #[command(flatten)]
        keys: ExplainKeys,
        /// Client id (X-CLIENT-KEY).
        #[arg(long, value_name = "ID", allow_hyphen_values = true)]
        client_id: String,
        #[command(flatten)]
        time: TimeArgs,
        #[command(flatten)]
        common: ExplainCommon,
    },
    /// Explain a transaction (HMAC-SHA512) signature.
    Transaction {
        #[command(flatten)]
        secret: OptSecretArgs,
        #[command(flatten)]
        request: ExplainRequest,
        /// Access token (a "Bearer " prefix is reported, not refused).
        #[arg(long, value_name = "T", allow_hyphen_values = true)]
        token: String,
        #[command(flatten)]
        time: TimeArgs,
        #[command(flatten)]
        common: ExplainCommon,
    },
    /// Explain a service (SHA256withRSA) signature.
    Service {
        #[command(flatten)]
        keys: ExplainKeys,
        #[command(flatten)]
        request: ExplainRequest,
        #[command(flatten)]
        time: TimeArgs,
        #[command(flatten)]
        common: ExplainCommon,
    },
}

/// Why a command stopped: the message (without the `snapsign: ` prefix) and the exit code.
#[derive(Debug)]
pub(crate) struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    /// Bad input (exit 2) about `what` (a file name or a flag).
    pub(crate) fn input(what: impl Display, reason: impl Display) -> Self {
        Failure { code: 2, message: format!("{what}: {reason}") }
    }
}

pub(crate) type Outcome<T> = Result<T, Failure>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            let _ = writeln!(std::io::stderr(), "snapsign: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// Writes to stdout, ignoring a closed pipe.
pub(crate) fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

fn emit_json(v: &Value) {
    let text = serde_json::to_string_pretty(v).unwrap_or_else(|_| "{}".into());
    emit(&format!("{text}\n"));
}

fn run(command: Command) -> Outcome<u8> {
    match command {
        Command::Token(a) => cmd_token(a),
        Command::Transaction(a) => cmd_transaction(a),
        Command::Service(a) => cmd_service(a),
        Command::Verify(v) => cmd_verify(v),
        Command::Minify(a) => {
            let spec = a.file.as_deref().unwrap_or("-");
            let body = read_input(Some(spec))?;
            let min = minify_named(&body, &input_name(spec))?;
            let mut out = min.to_vec();
            if !a.no_newline {
                out.push(b'\n');
            }
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(&out);
            let _ = stdout.flush();
            Ok(0)
        }
        Command::Digest(a) => {
            let spec = a.file.as_deref().unwrap_or("-");
            let body = read_input(Some(spec))?;
            let min = minify_named(&body, &input_name(spec))?;
            emit(&format!("{}\n", BodyDigest::of_minified(&min)));
            Ok(0)
        }
        Command::Explain(e) => explain::run(e),
    }
}

// ---------------------------------------------------------------- inputs

/// The current time in Unix milliseconds.
pub(crate) fn now_millis() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)).unwrap_or(0)
}

/// Parses `--offset`: `Z`, `±HH:MM`, `WIB`, `WITA`, `WIT`, `UTC`. Returns minutes and whether to
/// write a zero offset as `Z`.
fn parse_offset(text: &str) -> Outcome<(i16, bool)> {
    let bad = || {
        Failure::input(
            "--offset",
            format!("'{text}' is not a UTC offset; use +07:00 (WIB), +08:00 (WITA), +09:00 (WIT), Z or ±HH:MM"),
        )
    };
    match text {
        "Z" | "z" => return Ok((0, true)),
        "UTC" | "utc" => return Ok((0, false)),
        "WIB" | "wib" => return Ok((7 * 60, false)),
        "WITA" | "wita" => return Ok((8 * 60, false)),
        "WIT" | "wit" => return Ok((9 * 60, false)),
        _ => {}
    }
    let b = text.as_bytes();
    if b.len() != 6 || b[3] != b':' || !matches!(b[0], b'+' | b'-') {
        return Err(bad());
    }
    let h: i16 = text.get(1..3).and_then(|s| s.parse().ok()).ok_or_else(bad)?;
    let m: i16 = text.get(4..6).and_then(|s| s.parse().ok()).ok_or_else(bad)?;
    if m > 59 || h * 60 + m > 18 * 60 {
        return Err(bad());
    }
    let total = h * 60 + m;
    Ok((if b[0] == b'-' { -total } else { total }, false))
}

/// The X-TIMESTAMP to use: `--timestamp` as given, or now in `--offset`.
pub(crate) fn resolve_timestamp(t: &TimeArgs) -> Outcome<String> {
    if let Some(ts) = &t.timestamp {
        return Ok(ts.clone());
    }
    let (offset, utc_as_z) = parse_offset(&t.offset)?;
    let ts = Timestamp::from_unix_millis(now_millis(), offset).map_err(|e| Failure::input("--offset", e))?;
    Ok(ts.format(TimestampFormat { millis: t.millis, utc_as_z }).to_string())
}

/// How an input is named in messages: the file name, or `<stdin>`.
pub(crate) fn input_name(spec: &str) -> String {
    if spec == "-" {
        "<stdin>".into()
    } else {
        spec.into()
    }
}

/// Reads a file, or standard input for `-`; `None` is an empty body.
pub(crate) fn read_input(spec: Option<&str>) -> Outcome<Vec<u8>> {
    match spec {
        None => Ok(Vec::new()),
        Some("-") => {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf).map_err(|e| Failure::input("<stdin>", e))?;
            Ok(buf)
        }
        Some(path) => read_file(Path::new(path)),
    }
}

fn read_file(path: &Path) -> Outcome<Vec<u8>> {
    std::fs::read(path).map_err(|e| Failure::input(path.display(), format!("cannot read: {}", io_reason(&e))))
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Minifies a body (already read), naming `--body`'s source in an error.
pub(crate) fn minify_named(body: &[u8], name: &str) -> Outcome<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    snapsign_core::minify::minify_to(body, &mut out).map_err(|e| Failure::input(name, e))?;
    Ok(out)
}

/// The body of a request: raw bytes, minified bytes and digest.
pub(crate) struct Body {
    pub min: Vec<u8>,
    pub digest: BodyDigest,
}

fn load_body(spec: Option<&str>) -> Outcome<Body> {
    let raw = read_input(spec)?;
    let name = spec.map(input_name).unwrap_or_else(|| "body".into());
    let min = minify_named(&raw, &name)?;
    let digest = BodyDigest::of_minified(&min);
    Ok(Body { min, digest })
}

/// The flag a core error about an input field refers to.
pub(crate) fn flag_of(e: &Error) -> &'static str {
    let field = match e {
        Error::InvalidMethod => return "--method",
        Error::AbsoluteUrl | Error::PathWithoutLeadingSlash => return "--path",
        Error::BearerPrefix => return "--token",
        Error::InvalidTimestamp { .. } | Error::TimestampOutOfRange | Error::TimestampSkew { .. } => {
            return "--timestamp"
        }
        Error::PipeInClientId { .. } => return "--client-id",
        Error::InvalidBase64 { .. } | Error::SignatureLength { .. } | Error::SignatureMismatch => return "--signature",
        Error::EmptyField { field } | Error::FieldTooLong { field, .. } => *field,
        Error::ControlCharacter { field, .. } | Error::InvalidUtf8 { field, .. } => *field,
        _ => return "input",
    };
    match field {
        Field::ClientId => "--client-id",
        Field::Method => "--method",
        Field::Path => "--path",
        Field::AccessToken => "--token",
        Field::ClientSecret => "client secret",
        Field::Timestamp => "--timestamp",
        Field::Origin => "--origin",
        Field::Signature => "--signature",
        Field::ExternalId => "--external-id",
        Field::GrantValue => "input",
    }
}

/// A core error about an input field, as a bad-input failure naming the flag.
pub(crate) fn field_failure(e: Error) -> Failure {
    Failure::input(flag_of(&e), e)
}

fn passphrase(var: Option<&str>) -> Outcome<Option<Vec<u8>>> {
    let Some(var) = var else { return Ok(None) };
    match std::env::var_os(var) {
        Some(v) if !v.is_empty() => Ok(Some(v.into_encoded_bytes())),
        _ => Err(Failure::input("--passphrase-env", format!("environment variable {var} is not set or empty"))),
    }
}

/// A key error, naming the file and what was found instead.
fn key_failure(path: &Path, bytes: &[u8], e: Error, want_private: bool) -> Failure {
    let hint = match e {
        Error::InvalidKey { kind: KeyErrorKind::PublicKeyGiven } => {
            " (a public key can only verify: pass it as --public-key; signing needs the private key)".to_string()
        }
        Error::InvalidKey { kind: KeyErrorKind::CertificateGiven } => {
            if want_private {
                " (a certificate holds only the public key; signing needs the private key file)".into()
            } else {
                " (extract its key with: openssl x509 -pubkey -noout -in CERT)".into()
            }
        }
        Error::InvalidKey { kind: KeyErrorKind::Encrypted } => {
            " (put the passphrase in an environment variable and pass its name with --passphrase-env)".into()
        }
        Error::WeakKey { .. } => " (--allow-weak-key accepts it, for legacy test systems only)".into(),
        Error::InvalidKey { kind: KeyErrorKind::Malformed | KeyErrorKind::Unsupported } => {
            text::describe_key_file(bytes).map(|d| format!(" ({d})")).unwrap_or_default()
        }
        _ => String::new(),
    };
    Failure::input(path.display(), format!("{e}{hint}"))
}

/// Loads a private key for signing.
pub(crate) fn load_signer(path: &Path, passphrase_env: Option<&str>, allow_weak: bool) -> Outcome<RsaSigner> {
    let bytes = read_file(path)?;
    let pass = passphrase(passphrase_env)?;
    let options = KeyOptions { allow_weak, passphrase: pass.as_deref() };
    RsaSigner::from_bytes(&bytes, &options).map_err(|e| key_failure(path, &bytes, e, true))
}

/// Loads a public (or private) key for verifying.
pub(crate) fn load_verifier(path: &Path, allow_weak: bool) -> Outcome<RsaVerifier> {
    let bytes = read_file(path)?;
    let options = KeyOptions { allow_weak, passphrase: None };
    RsaVerifier::from_bytes(&bytes, &options).map_err(|e| key_failure(path, &bytes, e, false))
}

/// The client secret, and (for a file) the file's bytes before the trailing newline was removed.
pub(crate) struct Secret {
    pub bytes: Vec<u8>,
    pub unstripped: Option<Vec<u8>>,
    pub source: String,
}

/// Reads the client secret from an environment variable or a file.
pub(crate) fn load_secret(env: Option<&str>, file: Option<&Path>) -> Outcome<Option<Secret>> {
    if let Some(var) = env {
        return match std::env::var_os(var) {
            Some(v) if !v.is_empty() => {
                Ok(Some(Secret { bytes: v.into_encoded_bytes(), unstripped: None, source: format!("${var}") }))
            }
            _ => Err(Failure::input("--secret-env", format!("environment variable {var} is not set or empty"))),
        };
    }
    let Some(path) = file else { return Ok(None) };
    let raw = read_file(path)?;
    let mut bytes = raw.clone();
    if bytes.ends_with(b"\n") {
        bytes.pop();
        if bytes.ends_with(b"\r") {
            bytes.pop();
        }
    }
    if bytes.is_empty() {
        return Err(Failure::input(path.display(), "the client secret file is empty"));
    }
    let unstripped = (raw != bytes).then_some(raw);
    Ok(Some(Secret { bytes, unstripped, source: path.display().to_string() }))
}

fn hmac_signer(secret: &Secret) -> Outcome<HmacSigner> {
    HmacSigner::new(&secret.bytes).map_err(|e| Failure::input(&secret.source, e))
}

// ---------------------------------------------------------------- signing

fn headers_text(headers: &[(&str, String)]) -> String {
    headers.iter().map(|(k, v)| format!("{k}: {v}\n")).collect()
}

fn headers_json(headers: &[(&str, String)]) -> Value {
    let mut m = Map::new();
    for (k, v) in headers {
        m.insert((*k).to_string(), Value::String(v.clone()));
    }
    Value::Object(m)
}

fn curl_text(url: &str, headers: &[(&str, String)], body: &[u8]) -> String {
    let mut s = format!("curl --location {}", text::shell_quote(url));
    for (k, v) in headers {
        s.push_str(&format!(" \\\n--header {}", text::shell_quote(&format!("{k}: {v}"))));
    }
    if !body.is_empty() {
        s.push_str(&format!(" \\\n--data {}", text::shell_quote(&String::from_utf8_lossy(body))));
    }
    s.push('\n');
    s
}

fn cmd_token(a: TokenArgs) -> Outcome<u8> {
    let signer = load_signer(&a.key.key, a.key.passphrase_env.as_deref(), a.key.allow_weak_key)?;
    let ts = resolve_timestamp(&a.time)?;
    let sts = string_to_sign::token(&a.client_id, &ts).map_err(field_failure)?;
    if let Some(origin) = &a.origin {
        if origin.is_empty() || origin.chars().any(char::is_control) {
            return Err(Failure::input("--origin", "ORIGIN is empty or has a control character"));
        }
    }
    let sig =
        signer.sign(sts.as_bytes(), &mut getrandom::SysRng).map_err(|e| Failure::input(a.key.key.display(), e))?;
    let mut headers = vec![
        ("X-TIMESTAMP", ts.clone()),
        ("X-CLIENT-KEY", a.client_id.clone()),
        ("X-SIGNATURE", sig.to_string()),
        ("Content-Type", CONTENT_TYPE.to_string()),
    ];
    if let Some(origin) = &a.origin {
        headers.push(("ORIGIN", origin.clone()));
    }
    if let Some(url) = &a.curl {
        emit(&curl_text(url, &headers, B2B_REQUEST_BODY.as_bytes()));
    } else if a.json {
        emit_json(&json!({
            "string_to_sign": sts.as_str(),
            "signature": sig.as_str(),
            "timestamp": ts,
            "client_id": a.client_id,
            "body": B2B_REQUEST_BODY,
            "headers": headers_json(&headers),
        }));
    } else {
        emit(&headers_text(&headers));
    }
    Ok(0)
}

fn extra_headers(extra: &ExtraHeaders, headers: &mut Vec<(&'static str, String)>) -> Outcome<()> {
    if let Some(p) = &extra.partner_id {
        headers.push(("X-PARTNER-ID", p.clone()));
    }
    if let Some(id) = &extra.external_id {
        headers.push(("X-EXTERNAL-ID", id.clone()));
    } else if extra.new_external_id {
        let id = external_id(&mut getrandom::SysRng, 32).map_err(|e| Failure::input("--new-external-id", e))?;
        headers.push(("X-EXTERNAL-ID", id.to_string()));
    }
    if let Some(c) = &extra.channel_id {
        headers.push(("CHANNEL-ID", c.clone()));
    }
    for (name, value) in headers.iter() {
        if value.chars().any(char::is_control) {
            return Err(Failure::input(name, "header value has a control character"));
        }
    }
    Ok(())
}

fn cmd_transaction(a: TransactionArgs) -> Outcome<u8> {
    let secret = load_secret(a.secret.secret_env.as_deref(), a.secret.secret_file.as_deref())?
        .ok_or_else(|| Failure::input("client secret", "give --secret-env VAR or --secret-file FILE"))?;
    let signer = hmac_signer(&secret)?;
    let ts = resolve_timestamp(&a.time)?;
    let body = load_body(a.request.body.as_deref())?;
    let sts = string_to_sign::transaction(&a.request.method, &a.request.path, &a.token, &body.digest, &ts)
        .map_err(field_failure)?;
    let sig = signer.sign(sts.as_bytes());
    let mut headers = vec![
        ("Authorization", format!("Bearer {}", a.token)),
        ("X-TIMESTAMP", ts.clone()),
        ("X-SIGNATURE", sig.to_string()),
        ("Content-Type", CONTENT_TYPE.to_string()),
    ];
    extra_headers(&a.extra, &mut headers)?;
    output_request(a.curl.as_deref(), a.json, &headers, &body, sts.as_str(), sig.as_str(), &ts)
}

fn cmd_service(a: ServiceArgs) -> Outcome<u8> {
    let signer = load_signer(&a.key.key, a.key.passphrase_env.as_deref(), a.key.allow_weak_key)?;
    let ts = resolve_timestamp(&a.time)?;
    let body = load_body(a.request.body.as_deref())?;
    let sts = string_to_sign::service(&a.request.method, &a.request.path, &body.digest, &ts).map_err(field_failure)?;
    let sig =
        signer.sign(sts.as_bytes(), &mut getrandom::SysRng).map_err(|e| Failure::input(a.key.key.display(), e))?;
    let mut headers =
        vec![("X-TIMESTAMP", ts.clone()), ("X-SIGNATURE", sig.to_string()), ("Content-Type", CONTENT_TYPE.to_string())];
    extra_headers(&a.extra, &mut headers)?;
    output_request(a.curl.as_deref(), a.json, &headers, &body, sts.as_str(), sig.as_str(), &ts)
}

fn output_request(
    curl: Option<&str>,
    json_out: bool,
    headers: &[(&str, String)],
    body: &Body,
    sts: &str,
    sig: &str,
    ts: &str,
) -> Outcome<u8> {
    if let Some(url) = curl {
        // The minified body is sent: its bytes are exactly the ones that were hashed.
        emit(&curl_text(url, headers, &body.min));
    } else if json_out {
        emit_json(&json!({
            "string_to_sign": sts,
            "signature": sig,
            "timestamp": ts,
            "body_minified": String::from_utf8_lossy(&body.min),
            "body_sha256_hex": body.digest.as_str(),
            "headers": headers_json(headers),
        }));
    } else {
        emit(&headers_text(headers));
    }
    Ok(0)
}

// ---------------------------------------------------------------- verifying

/// Why a signature did not verify, or `None` when it did. Errors about the inputs themselves
/// (not the signature) are bad input.
fn verdict(result: Result<(), Error>) -> Outcome<Option<String>> {
    match result {
        Ok(()) => Ok(None),
        Err(Error::SignatureMismatch) => Ok(Some("signature does not match".into())),
        Err(e @ (Error::SignatureLength { .. } | Error::InvalidBase64 { .. })) => Ok(Some(e.to_string())),
        Err(e) => Err(field_failure(e)),
    }
}

fn cmd_verify(v: VerifyCommand) -> Outcome<u8> {
    let (common, sts, body, result) = match v {
        VerifyCommand::Token { public_key, allow_weak_key, client_id, common } => {
            let verifier = load_verifier(&public_key, allow_weak_key)?;
            let sts = string_to_sign::token(&client_id, &common.timestamp).map_err(field_failure)?;
            let r = verifier.verify(sts.as_bytes(), common.signature.as_bytes());
            (common, sts.as_str().to_string(), None, r)
        }
        VerifyCommand::Service { public_key, allow_weak_key, request, common } => {
            let verifier = load_verifier(&public_key, allow_weak_key)?;
            let body = load_body(request.body.as_deref())?;
            let sts = string_to_sign::service(&request.method, &request.path, &body.digest, &common.timestamp)
                .map_err(field_failure)?;
            let r = verifier.verify(sts.as_bytes(), common.signature.as_bytes());
            (common, sts.as_str().to_string(), Some(body), r)
        }
        VerifyCommand::Transaction { secret, request, token, common } => {
            let secret = load_secret(secret.secret_env.as_deref(), secret.secret_file.as_deref())?
                .ok_or_else(|| Failure::input("client secret", "give --secret-env VAR or --secret-file FILE"))?;
            let signer = hmac_signer(&secret)?;
            let body = load_body(request.body.as_deref())?;
            let sts =
                string_to_sign::transaction(&request.method, &request.path, &token, &body.digest, &common.timestamp)
                    .map_err(field_failure)?;
            let r = signer.verify(sts.as_bytes(), common.signature.as_bytes());
            (common, sts.as_str().to_string(), Some(body), r)
        }
    };
    let mut reason = verdict(result)?;
    let mut skew = None;
    if let Some(max) = common.max_skew {
        match check_skew(&common.timestamp, now_millis(), max) {
            Ok(ts) => skew = Some((ts.unix_millis() - now_millis()) / 1000),
            Err(e @ Error::TimestampSkew { skew_seconds, .. }) => {
                skew = Some(skew_seconds);
                if reason.is_none() {
                    reason = Some(e.to_string());
                }
            }
            Err(e) => return Err(field_failure(e)),
        }
    }
    let valid = reason.is_none();
    if common.json {
        let mut obj = json!({
            "valid": valid,
            "reason": reason,
            "string_to_sign": sts,
            "signature": common.signature,
            "timestamp": common.timestamp,
        });
        if let (Some(body), Some(m)) = (&body, obj.as_object_mut()) {
            m.insert("body_minified".into(), Value::String(String::from_utf8_lossy(&body.min).into_owned()));
            m.insert("body_sha256_hex".into(), Value::String(body.digest.as_str().into()));
        }
        if let (Some(s), Some(m)) = (skew, obj.as_object_mut()) {
            m.insert("skew_seconds".into(), json!(s));
        }
        emit_json(&obj);
    } else {
        match &reason {
            None => emit("valid\n"),
            Some(r) => emit(&format!("invalid: {r}\n")),
        }
    }
    Ok(if valid { 0 } else { 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+07:00").ok().map(|o| o.0), Some(420));
        assert_eq!(parse_offset("-03:30").ok().map(|o| o.0), Some(-210));
        assert_eq!(parse_offset("Z").ok(), Some((0, true)));
        assert_eq!(parse_offset("+00:00").ok(), Some((0, false)));
        assert!(parse_offset("+19:00").is_err());
        assert!(parse_offset("0700").is_err());
        assert!(parse_offset("+0é:00").is_err());
    }

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
