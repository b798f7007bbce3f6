//! The command line: every subcommand and flag, as clap parses them. The doc comments are the help
//! text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Sign, verify and explain SNAP request signatures (Bank Indonesia's Standar Nasional Open API
/// Pembayaran: access-token SHA256withRSA, transaction HMAC-SHA512, service SHA256withRSA).
///
/// Exit codes: 0 success or valid signature; 1 invalid signature (verify) or a problem found
/// (explain); 2 bad input. Errors are printed to stderr as `snapsign: <what>: <reason>`.
#[derive(Parser, Debug)]
#[command(name = "snapsign", version, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
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
    /// List the provider profiles: token paths, timestamp style, signature, EndpointUrl rule.
    Providers(ProvidersArgs),
    /// Sign a transaction call for a provider and print every header it needs.
    Request(RequestCallArgs),
    /// Describe a SNAP responseCode (e.g. 4017300): HTTP status, service, case, likely causes.
    Code(CodeArgs),
    /// Run a local SNAP provider to test a client against: issues access tokens, verifies every
    /// call, and explains each rejection (docs/sandbox.md).
    Sandbox(SandboxArgs),
}

#[derive(Args, Debug)]
pub(crate) struct SandboxArgs {
    /// Provider profile to act as (token paths, timestamp style, signature; see `snapsign providers`).
    #[arg(long, value_name = "NAME", default_value = "generic")]
    pub(crate) provider: String,
    /// Address to bind.
    #[arg(long, value_name = "HOST", default_value = "127.0.0.1")]
    pub(crate) host: String,
    /// Port to listen on; 0 picks a free one (the `listening on` line says which).
    #[arg(long, value_name = "N")]
    pub(crate) port: u16,
    /// The client id (X-CLIENT-KEY) of the client to register.
    #[arg(long, value_name = "ID", allow_hyphen_values = true, requires_all = ["public_key", "secret_env"])]
    pub(crate) client: Option<String>,
    /// The client's RSA public key (verifies its token requests): PEM or DER, SPKI or PKCS#1.
    #[arg(long, value_name = "FILE", requires = "client")]
    pub(crate) public_key: Option<PathBuf>,
    /// Name of the environment variable holding the client's secret (verifies its transactions).
    #[arg(long, value_name = "VAR", requires = "client")]
    pub(crate) secret_env: Option<String>,
    /// The X-PARTNER-ID the client's transactions carry. Default: any (the client id for
    /// profiles where X-PARTNER-ID is the client id).
    #[arg(long, value_name = "ID", allow_hyphen_values = true, requires = "client")]
    pub(crate) partner_id: Option<String>,
    /// JSON list of more clients: [{"client_id", "public_key" (path), "secret_env", "partner_id"?}].
    #[arg(long, value_name = "FILE")]
    pub(crate) clients: Option<PathBuf>,
    /// Allowed difference in seconds between X-TIMESTAMP and the sandbox's clock.
    #[arg(long, value_name = "S", default_value_t = 900)]
    pub(crate) max_skew: u32,
    /// Lifetime in seconds of the access tokens issued (expiresIn).
    #[arg(long, value_name = "S", default_value_t = 900)]
    pub(crate) token_lifetime: u32,
    /// Largest request body in bytes (larger: 413).
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024)]
    pub(crate) max_body: usize,
    /// Seconds allowed to receive a request's headers, and then its body.
    #[arg(long, value_name = "S", default_value_t = 10)]
    pub(crate) read_timeout: u64,
    /// Accept RSA public keys under 2048 bits (legacy test systems only).
    #[arg(long)]
    pub(crate) allow_weak_key: bool,
}

/// The `X-TIMESTAMP` to sign.
#[derive(Args, Debug, Clone)]
pub(crate) struct TimeArgs {
    /// X-TIMESTAMP to sign, used byte for byte (e.g. 2020-01-01T04:10:00+07:00). Default: now.
    #[arg(long, value_name = "TS", allow_hyphen_values = true)]
    pub(crate) timestamp: Option<String>,
    /// UTC offset for the current time when --timestamp is absent: +07:00 (WIB), +08:00 (WITA),
    /// +09:00 (WIT), Z or +00:00 (UTC), or any ±HH:MM.
    /// Default: +07:00, or the provider's style with --provider.
    #[arg(long, value_name = "OFFSET", allow_hyphen_values = true, conflicts_with = "timestamp")]
    pub(crate) offset: Option<String>,
    /// Add milliseconds (yyyy-MM-ddTHH:mm:ss.SSS) to the current time.
    #[arg(long, conflicts_with = "timestamp")]
    pub(crate) millis: bool,
}

/// A private key to sign with.
#[derive(Args, Debug, Clone)]
pub(crate) struct KeyArgs {
    /// RSA private key: PEM or DER, PKCS#8 (possibly encrypted) or PKCS#1.
    #[arg(long, value_name = "FILE")]
    pub(crate) key: PathBuf,
    /// Name of the environment variable holding the passphrase of an encrypted key.
    #[arg(long, value_name = "VAR")]
    pub(crate) passphrase_env: Option<String>,
    /// Accept RSA keys under 2048 bits (legacy test systems only).
    #[arg(long)]
    pub(crate) allow_weak_key: bool,
}

/// The client secret (never taken from the command line itself).
#[derive(Args, Debug, Clone)]
#[group(required = true, multiple = false)]
pub(crate) struct SecretArgs {
    /// Name of the environment variable holding the client secret.
    #[arg(long, value_name = "VAR")]
    pub(crate) secret_env: Option<String>,
    /// File holding the client secret; one trailing newline (LF or CRLF) is stripped.
    #[arg(long, value_name = "FILE")]
    pub(crate) secret_file: Option<PathBuf>,
}

/// The client secret, optional (explain).
#[derive(Args, Debug, Clone)]
#[group(required = false, multiple = false)]
pub(crate) struct OptSecretArgs {
    /// Name of the environment variable holding the client secret.
    #[arg(long, value_name = "VAR")]
    pub(crate) secret_env: Option<String>,
    /// File holding the client secret; one trailing newline (LF or CRLF) is stripped.
    #[arg(long, value_name = "FILE")]
    pub(crate) secret_file: Option<PathBuf>,
}

/// Method, path and body of a request.
#[derive(Args, Debug, Clone)]
pub(crate) struct RequestArgs {
    /// HTTP method, upper case (GET, POST, PUT, PATCH, DELETE).
    #[arg(long, value_name = "M", allow_hyphen_values = true)]
    pub(crate) method: String,
    /// Endpoint path relative to the host, with its query string (e.g. /v1.0/transfer-va/inquiry).
    #[arg(long, value_name = "P", allow_hyphen_values = true)]
    pub(crate) path: String,
    /// Request body file, or - for standard input. Default: empty body (a GET).
    #[arg(long, value_name = "FILE|-")]
    pub(crate) body: Option<String>,
}

/// Optional headers printed with a transaction or service request.
#[derive(Args, Debug, Clone)]
pub(crate) struct ExtraHeaders {
    /// X-PARTNER-ID header to print.
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    pub(crate) partner_id: Option<String>,
    /// X-EXTERNAL-ID header to print (unique per day, at most 36 characters).
    #[arg(long, value_name = "ID", allow_hyphen_values = true, conflicts_with = "new_external_id")]
    pub(crate) external_id: Option<String>,
    /// Generate a random 32-digit X-EXTERNAL-ID.
    #[arg(long)]
    pub(crate) new_external_id: bool,
    /// CHANNEL-ID header to print.
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    pub(crate) channel_id: Option<String>,
}

#[derive(Args, Debug)]
pub(crate) struct TokenArgs {
    #[command(flatten)]
    pub(crate) key: KeyArgs,
    /// Client id (X-CLIENT-KEY).
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    pub(crate) client_id: String,
    #[command(flatten)]
    pub(crate) time: TimeArgs,
    /// ORIGIN header (the origin domain registered with the provider).
    #[arg(long, value_name = "O", allow_hyphen_values = true)]
    pub(crate) origin: Option<String>,
    /// Provider profile: its X-TIMESTAMP style, and its token path for a bare --curl.
    #[arg(long, value_name = "NAME")]
    pub(crate) provider: Option<String>,
    /// Print a ready-to-run curl command for this URL instead of the headers; without a value,
    /// for --base-url plus the provider's token path.
    #[arg(long, value_name = "URL", num_args = 0..=1, default_missing_value = "", conflicts_with = "json")]
    pub(crate) curl: Option<String>,
    /// Scheme and host (e.g. https://api.example.com) that a bare --curl appends the path to.
    #[arg(long, value_name = "URL", requires = "curl")]
    pub(crate) base_url: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Args, Debug)]
pub(crate) struct CodeArgs {
    /// The 7-digit responseCode: HTTP status (3) + service code (2) + case code (2).
    #[arg(value_name = "CODE", allow_hyphen_values = true)]
    pub(crate) code: String,
    /// Print one JSON object.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Args, Debug)]
pub(crate) struct ProvidersArgs {
    /// Print a JSON array: each profile with its fields, their sources and confidence.
    #[arg(long)]
    pub(crate) json: bool,
}

/// What signs a provider call: the client secret (with the access token) or the private key.
#[derive(Args, Debug, Clone)]
#[group(required = false, multiple = false)]
pub(crate) struct CallSecretArgs {
    /// Name of the environment variable holding the client secret (HMAC profiles).
    #[arg(long, value_name = "VAR")]
    pub(crate) secret_env: Option<String>,
    /// File holding the client secret; one trailing newline (LF or CRLF) is stripped.
    #[arg(long, value_name = "FILE")]
    pub(crate) secret_file: Option<PathBuf>,
    /// RSA private key (profiles that sign with SHA256withRSA): PEM or DER, PKCS#8 or PKCS#1.
    #[arg(long, value_name = "FILE")]
    pub(crate) key: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub(crate) struct RequestCallArgs {
    /// Provider profile (see `snapsign providers`).
    #[arg(long, value_name = "NAME", default_value = "generic")]
    pub(crate) provider: String,
    #[command(flatten)]
    pub(crate) signer: CallSecretArgs,
    /// Name of the environment variable holding the passphrase of an encrypted --key.
    #[arg(long, value_name = "VAR")]
    pub(crate) passphrase_env: Option<String>,
    #[command(flatten)]
    pub(crate) request: RequestArgs,
    /// B2B access token (Authorization: Bearer), without "Bearer "; required with the secret.
    #[arg(long, value_name = "T", allow_hyphen_values = true)]
    pub(crate) token: Option<String>,
    /// X-PARTNER-ID (for DANA and DOKU: the client id).
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    pub(crate) partner_id: String,
    /// CHANNEL-ID. Default: the provider's.
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    pub(crate) channel_id: Option<String>,
    /// X-EXTERNAL-ID, unique per day (at most 36 characters). Default: 32 random digits.
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    pub(crate) external_id: Option<String>,
    /// X-TIMESTAMP to send and sign, byte for byte. Default: now, in the provider's style.
    #[arg(long, value_name = "TS", allow_hyphen_values = true)]
    pub(crate) timestamp: Option<String>,
    /// ORIGIN header.
    #[arg(long, value_name = "O", allow_hyphen_values = true)]
    pub(crate) origin: Option<String>,
    /// B2B2C: the customer's access token (Authorization-Customer), without "Bearer ".
    #[arg(long, value_name = "T", allow_hyphen_values = true)]
    pub(crate) customer_token: Option<String>,
    /// X-DEVICE-ID (required with --customer-token, and by some providers).
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    pub(crate) device_id: Option<String>,
    /// B2B2C: X-IP-ADDRESS.
    #[arg(long, value_name = "IP", requires = "customer_token")]
    pub(crate) ip_address: Option<String>,
    /// B2B2C: X-LATITUDE.
    #[arg(long, value_name = "LAT", allow_hyphen_values = true, requires = "customer_token")]
    pub(crate) latitude: Option<String>,
    /// B2B2C: X-LONGITUDE.
    #[arg(long, value_name = "LON", allow_hyphen_values = true, requires = "customer_token")]
    pub(crate) longitude: Option<String>,
    /// Print a ready-to-run curl command for this URL instead of the headers; without a value,
    /// for --base-url plus --path.
    #[arg(long, value_name = "URL", num_args = 0..=1, default_missing_value = "", conflicts_with = "json")]
    pub(crate) curl: Option<String>,
    /// Scheme and host (e.g. https://api.example.com) that a bare --curl appends the path to.
    #[arg(long, value_name = "URL", requires = "curl")]
    pub(crate) base_url: Option<String>,
    /// Print one JSON object: headers, string_to_sign, signature, timestamp, endpoint_url.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Args, Debug)]
pub(crate) struct TransactionArgs {
    #[command(flatten)]
    pub(crate) secret: SecretArgs,
    #[command(flatten)]
    pub(crate) request: RequestArgs,
    /// Access token, without the "Bearer " prefix.
    #[arg(long, value_name = "T", allow_hyphen_values = true)]
    pub(crate) token: String,
    #[command(flatten)]
    pub(crate) time: TimeArgs,
    #[command(flatten)]
    pub(crate) extra: ExtraHeaders,
    /// Print a ready-to-run curl command for this URL instead of the headers.
    #[arg(long, value_name = "URL", conflicts_with = "json")]
    pub(crate) curl: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Args, Debug)]
pub(crate) struct ServiceArgs {
    #[command(flatten)]
    pub(crate) key: KeyArgs,
    #[command(flatten)]
    pub(crate) request: RequestArgs,
    #[command(flatten)]
    pub(crate) time: TimeArgs,
    #[command(flatten)]
    pub(crate) extra: ExtraHeaders,
    /// Print a ready-to-run curl command for this URL instead of the headers.
    #[arg(long, value_name = "URL", conflicts_with = "json")]
    pub(crate) curl: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    pub(crate) json: bool,
}

/// What every verify command shares.
#[derive(Args, Debug)]
pub(crate) struct VerifyCommon {
    /// X-TIMESTAMP as received.
    #[arg(long, value_name = "TS", allow_hyphen_values = true)]
    pub(crate) timestamp: String,
    /// X-SIGNATURE as received (base64).
    #[arg(long, value_name = "SIG", allow_hyphen_values = true)]
    pub(crate) signature: String,
    /// Also require X-TIMESTAMP to be within this many seconds of now.
    #[arg(long, value_name = "SECONDS")]
    pub(crate) max_skew: Option<u32>,
    /// Print one JSON object.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Subcommand, Debug)]
pub(crate) enum VerifyCommand {
    /// Verify an access-token signature with the client's public key.
    Token {
        /// RSA public key: PEM or DER, SubjectPublicKeyInfo or PKCS#1, or an X.509 certificate (its
        /// key is used; its validity is not checked). A private key works too, with a warning.
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
        /// RSA public key: PEM or DER, SubjectPublicKeyInfo or PKCS#1, or an X.509 certificate (its
        /// key is used; its validity is not checked). A private key works too, with a warning.
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
pub(crate) struct MinifyArgs {
    /// JSON body file, or - (default) for standard input.
    #[arg(value_name = "FILE|-")]
    pub(crate) file: Option<String>,
    /// Do not print a newline after the body (the exact bytes that are hashed).
    #[arg(short = 'n', long)]
    pub(crate) no_newline: bool,
}

#[derive(Args, Debug)]
pub(crate) struct DigestArgs {
    /// JSON body file, or - (default) for standard input.
    #[arg(value_name = "FILE|-")]
    pub(crate) file: Option<String>,
}

/// Flags shared by the explain subcommands.
#[derive(Args, Debug, Clone)]
pub(crate) struct ExplainCommon {
    /// The X-SIGNATURE to check (base64); the likely causes of a mismatch are searched.
    #[arg(long, value_name = "SIG", allow_hyphen_values = true)]
    pub(crate) signature: Option<String>,
    /// Provider profile: its EndpointUrl rule and X-TIMESTAMP style are what is expected.
    #[arg(long, value_name = "NAME")]
    pub(crate) provider: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    pub(crate) json: bool,
}

/// An optional key pair for explain.
#[derive(Args, Debug, Clone)]
pub(crate) struct ExplainKeys {
    /// RSA private key to sign with (its public half also verifies --signature).
    #[arg(long, value_name = "FILE")]
    pub(crate) key: Option<PathBuf>,
    /// Name of the environment variable holding the passphrase of an encrypted key.
    #[arg(long, value_name = "VAR")]
    pub(crate) passphrase_env: Option<String>,
    /// RSA public key to verify --signature with.
    #[arg(long, value_name = "FILE")]
    pub(crate) public_key: Option<PathBuf>,
    /// Accept RSA keys under 2048 bits.
    #[arg(long)]
    pub(crate) allow_weak_key: bool,
}

/// Method, path and body for explain: taken as given, even when the core would refuse them.
#[derive(Args, Debug, Clone)]
pub(crate) struct ExplainRequest {
    /// HTTP method as the other side used it.
    #[arg(long, value_name = "M", allow_hyphen_values = true)]
    pub(crate) method: String,
    /// Endpoint path (or the URL, to check whether the other side signed the absolute URL).
    #[arg(long, value_name = "P", allow_hyphen_values = true)]
    pub(crate) path: String,
    /// Request body file, or - for standard input. Default: empty body.
    #[arg(long, value_name = "FILE|-")]
    pub(crate) body: Option<String>,
    /// Scheme and host (e.g. https://api.example.com), to also try the absolute URL as signed path.
    #[arg(long, value_name = "URL")]
    pub(crate) base_url: Option<String>,
}

#[derive(Subcommand, Debug)]
pub(crate) enum ExplainCommand {
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

#[cfg(test)]
mod tests {
    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
