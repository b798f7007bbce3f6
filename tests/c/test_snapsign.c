/*
 * C test of the snapsign C ABI (include/snapsign.h) against tests/vectors/snap-vectors.json
 * (turned into snap_vectors.h by gen_vectors.py) and every result code: each one is produced by
 * some call, except SNAPSIGN_RESULT_UNKNOWN, which this version never returns (its description
 * is checked instead).
 *
 * Usage: test_snapsign VECTORS_DIR FIXTURES_DIR   (tests/vectors, tests/fixtures)
 * Prints one line per failure and ends with "N passed, M failed".
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapsign.h"
#include "snap_vectors.h"

/* Test-only entry point: panics inside the library's wrapper. Deliberately not in the header. */
snapsign_result snapsign_internal_test_panic(void);

static int passed, failed;
static int hit[256];
static const char *vectors_dir, *fixtures_dir;

#define CHECK(cond, ...)                                                              \
  do {                                                                                \
    if (cond) {                                                                       \
      passed++;                                                                       \
    } else {                                                                          \
      failed++;                                                                       \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                            \
      fprintf(stderr, __VA_ARGS__);                                                   \
      fprintf(stderr, "\n");                                                          \
    }                                                                                 \
  } while (0)

/* Runs a call, records the code as hit, checks it is the one expected. */
#define EXPECT(call, want)                                                            \
  do {                                                                                \
    snapsign_result got_ = (call);                                                    \
    if ((uint32_t)got_ < 256) hit[(uint32_t)got_] = 1;                                \
    CHECK(got_ == (want), "%s: got %u (%s), want %u", #call, (unsigned)got_,          \
          snapsign_result_str(got_), (unsigned)(want));                               \
  } while (0)

#define S(lit) (const uint8_t *)(lit), (sizeof(lit) - 1)
#define B(b) (b).ptr, (b).len

static int same(const uint8_t *buf, size_t len, struct bytes want) {
  return len == want.len && (len == 0 || memcmp(buf, want.ptr, len) == 0);
}

static uint8_t *read_file(const char *dir, const char *name, size_t *len) {
  char path[1024];
  FILE *f;
  uint8_t *buf;
  long n;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = malloc((size_t)n + 1);
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(2);
  }
  fclose(f);
  *len = (size_t)n;
  return buf;
}

static snapsign_signer *load_signer(const char *key_name) {
  char name[128];
  size_t len;
  uint8_t *key;
  snapsign_signer *signer = NULL;
  snprintf(name, sizeof name, "keys/%s-pkcs8.pem", key_name);
  key = read_file(vectors_dir, name, &len);
  EXPECT(snapsign_signer_new(key, len, NULL, 0, 0, &signer), SNAPSIGN_RESULT_OK);
  free(key);
  return signer;
}

static snapsign_verifier *load_verifier(const char *key_name) {
  char name[128];
  size_t len;
  uint8_t *key;
  snapsign_verifier *verifier = NULL;
  snprintf(name, sizeof name, "keys/%s-public.pem", key_name);
  key = read_file(vectors_dir, name, &len);
  EXPECT(snapsign_verifier_new(key, len, 0, &verifier), SNAPSIGN_RESULT_OK);
  free(key);
  return verifier;
}

static void test_token_vectors(void) {
  size_t i;
  for (i = 0; i < TOKEN_VECTORS_LEN; i++) {
    const struct token_vector *v = &TOKEN_VECTORS[i];
    snapsign_signer *signer = load_signer(v->key);
    snapsign_verifier *verifier = load_verifier(v->key);
    uint8_t out[SNAPSIGN_RSA_SIGNATURE_MAX_LEN];
    size_t n = 0;

    EXPECT(snapsign_string_to_sign_token(B(v->client_id), B(v->timestamp), out, sizeof out, &n), SNAPSIGN_RESULT_OK);
    CHECK(same(out, n, v->string_to_sign), "token %zu: string to sign", i);

    /* Size query, then the real call. */
    EXPECT(snapsign_signer_sign_token(signer, B(v->client_id), B(v->timestamp), NULL, 0, &n),
           SNAPSIGN_RESULT_BUFFER_TOO_SMALL);
    CHECK(n == v->signature.len && n == snapsign_signer_signature_len(signer), "token %zu: probe length %zu", i, n);
    EXPECT(snapsign_signer_sign_token(signer, B(v->client_id), B(v->timestamp), out, n, &n), SNAPSIGN_RESULT_OK);
    CHECK(same(out, n, v->signature), "token %zu: signature", i);

    EXPECT(snapsign_signer_sign(signer, B(v->string_to_sign), out, sizeof out, &n), SNAPSIGN_RESULT_OK);
    CHECK(same(out, n, v->signature), "token %zu: raw signature", i);

    EXPECT(snapsign_verifier_verify_token(verifier, B(v->client_id), B(v->timestamp), B(v->signature)),
           SNAPSIGN_RESULT_OK);
    EXPECT(snapsign_verifier_verify(verifier, B(v->string_to_sign), B(v->signature)), SNAPSIGN_RESULT_OK);
    EXPECT(snapsign_verifier_verify_token(verifier, S("SOMEONE-ELSE"), B(v->timestamp), B(v->signature)),
           SNAPSIGN_RESULT_SIGNATURE_MISMATCH);
    CHECK(snapsign_verifier_signature_len(verifier) == v->signature.len, "token %zu: verifier length", i);

    snapsign_signer_free(signer);
    snapsign_verifier_free(verifier);
  }
}

static void test_transaction_vectors(void) {
  size_t i;
  for (i = 0; i < TRANSACTION_VECTORS_LEN; i++) {
    const struct transaction_vector *v = &TRANSACTION_VECTORS[i];
    snapsign_hmac *hmac = NULL;
    uint8_t out[4096];
    size_t n = 0;

    EXPECT(snapsign_hmac_new(B(v->client_secret), &hmac), SNAPSIGN_RESULT_OK);
    EXPECT(snapsign_string_to_sign_transaction(B(v->method), B(v->path), B(v->access_token), B(v->body),
                                               B(v->timestamp), out, sizeof out, &n),
           SNAPSIGN_RESULT_OK);
    CHECK(same(out, n, v->string_to_sign), "transaction %zu: string to sign", i);

    EXPECT(snapsign_hmac_sign_transaction(hmac, B(v->method), B(v->path), B(v->access_token), B(v->body),
                                          B(v->timestamp), out, sizeof out, &n),
           SNAPSIGN_RESULT_OK);
    CHECK(same(out, n, v->signature) && n == SNAPSIGN_HMAC_SIGNATURE_LEN, "transaction %zu: signature", i);
    EXPECT(snapsign_hmac_sign_transaction_with_secret(B(v->client_secret), B(v->method), B(v->path),
                                                      B(v->access_token), B(v->body), B(v->timestamp), out,
                                                      sizeof out, &n),
           SNAPSIGN_RESULT_OK);
    CHECK(same(out, n, v->signature), "transaction %zu: one-shot signature", i);
    EXPECT(snapsign_hmac_sign(hmac, B(v->string_to_sign), out, sizeof out, &n), SNAPSIGN_RESULT_OK);
    CHECK(same(out, n, v->signature), "transaction %zu: raw signature", i);

    EXPECT(snapsign_hmac_verify_transaction(hmac, B(v->method), B(v->path), B(v->access_token), B(v->body),
                                            B(v->timestamp), B(v->signature)),
           SNAPSIGN_RESULT_OK);
    EXPECT(snapsign_hmac_verify_transaction_with_secret(B(v->client_secret), B(v->method), B(v->path),
                                                        B(v->access_token), B(v->body), B(v->timestamp),
                                                        B(v->signature)),
           SNAPSIGN_RESULT_OK);
    EXPECT(snapsign_hmac_verify(hmac, B(v->string_to_sign), B(v->signature)), SNAPSIGN_RESULT_OK);
    EXPECT(snapsign_hmac_verify_transaction_with_secret(S("wrong secret"), B(v->method), B(v->path),
                                                        B(v->access_token), B(v->body), B(v->timestamp),
                                                        B(v->signature)),
           SNAPSIGN_RESULT_SIGNATURE_MISMATCH);

    EXPECT(snapsign_body_digest(B(v->body), out, sizeof out, &n), SNAPSIGN_RESULT_OK);
    CHECK(same(out, n, v->body_sha256_hex) && n == SNAPSIGN_BODY_DIGEST_LEN, "transaction %zu: digest", i);
    EXPECT(snapsign_minify(B(v->body), out, sizeof out, &n), SNAPSIGN_RESULT_OK);
    CHECK(same(out, n, v->body_minified), "transaction %zu: minified", i);
    snapsign_hmac_free(hmac);
  }
}

static void test_service_vectors(void) {
  size_t i;
  for (i = 0; i < SERVICE_VECTORS_LEN; i++) {
    const struct service_vector *v = &SERVICE_VECTORS[i];
    snapsign_signer *signer = load_signer(v->key);
    snapsign_verifier *verifier = NULL;
    uint8_t out[4096];
    size_t n = 0;

    EXPECT(snapsign_signer_verifier(signer, &verifier), SNAPSIGN_RESULT_OK);
    EXPECT(snapsign_string_to_sign_service(B(v->method), B(v->path), B(v->body), B(v->timestamp), out, sizeof out,
                                           &n),
           SNAPSIGN_RESULT_OK);
    CHECK(same(out, n, v->string_to_sign), "service %zu: string to sign", i);
    EXPECT(snapsign_signer_sign_service(signer, B(v->method), B(v->path), B(v->body), B(v->timestamp), out,
                                        sizeof out, &n),
           SNAPSIGN_RESULT_OK);
    CHECK(same(out, n, v->signature), "service %zu: signature", i);
    EXPECT(snapsign_verifier_verify_service(verifier, B(v->method), B(v->path), B(v->body), B(v->timestamp),
                                            B(v->signature)),
           SNAPSIGN_RESULT_OK);
    EXPECT(snapsign_verifier_verify_service(verifier, S("PUT"), B(v->path), B(v->body), B(v->timestamp),
                                            B(v->signature)),
           SNAPSIGN_RESULT_SIGNATURE_MISMATCH);
    EXPECT(snapsign_body_digest(B(v->body), out, sizeof out, &n), SNAPSIGN_RESULT_OK);
    CHECK(same(out, n, v->body_sha256_hex), "service %zu: digest", i);
    snapsign_verifier_free(verifier);
    snapsign_signer_free(signer);
  }
}

static void test_minify_vectors(void) {
  size_t i;
  uint8_t out[4096];
  size_t n = 0;
  for (i = 0; i < MINIFY_VECTORS_LEN; i++) {
    const struct minify_vector *v = &MINIFY_VECTORS[i];
    /* The two-call pattern: probe (NULL, 0), then exactly the size returned. */
    snapsign_result probe = snapsign_minify(B(v->input), NULL, 0, &n);
    CHECK(v->output.len == 0 ? probe == SNAPSIGN_RESULT_OK : probe == SNAPSIGN_RESULT_BUFFER_TOO_SMALL,
          "minify %zu: probe %u", i, (unsigned)probe);
    CHECK(n == v->output.len, "minify %zu: probed length %zu", i, n);
    EXPECT(snapsign_minify(B(v->input), out, n, &n), SNAPSIGN_RESULT_OK);
    CHECK(same(out, n, v->output), "minify %zu: output", i);
  }
  for (i = 0; i < MINIFY_INVALID_VECTORS_LEN; i++) {
    const struct minify_invalid_vector *v = &MINIFY_INVALID_VECTORS[i];
    n = 99;
    EXPECT(snapsign_minify(B(v->input), out, sizeof out, &n), SNAPSIGN_RESULT_INVALID_JSON);
    CHECK(n == 0, "minify_invalid %zu: out_len %zu", i, n);
    CHECK(snapsign_last_error_offset() <= v->input.len, "minify_invalid %zu: offset", i);
    EXPECT(snapsign_body_digest(B(v->input), out, sizeof out, &n), SNAPSIGN_RESULT_INVALID_JSON);
  }
  /* {"a":1,} fails at byte 7, and the message says so. */
  EXPECT(snapsign_minify(S("{\"a\":1,}"), out, sizeof out, &n), SNAPSIGN_RESULT_INVALID_JSON);
  CHECK(snapsign_last_error_offset() == 7, "offset of {\"a\":1,}");
  {
    char msg[256];
    size_t mlen = 0;
    EXPECT(snapsign_last_error_message((uint8_t *)msg, sizeof msg - 1, &mlen), SNAPSIGN_RESULT_OK);
    msg[mlen] = '\0';
    CHECK(strcmp(msg, "invalid JSON body at byte 7: unexpected character") == 0, "message: %s", msg);
    CHECK(snapsign_last_error_offset() == 7, "message call keeps the offset");
  }
  /* The empty body's digest (a GET). */
  EXPECT(snapsign_body_digest(NULL, 0, out, sizeof out, &n), SNAPSIGN_RESULT_OK);
  CHECK(n == 64 && memcmp(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 64) == 0,
        "empty digest");
  CHECK(snapsign_last_error_offset() == SNAPSIGN_NO_OFFSET, "no offset after success");
}

static void test_timestamps(void) {
  uint8_t out[64];
  size_t n = 0;
  int64_t ms = 0, skew = 0;
  int32_t off = 0;

  EXPECT(snapsign_timestamp_format(1577826600000LL, 420, 0, out, sizeof out, &n), SNAPSIGN_RESULT_OK);
  CHECK(n == 25 && memcmp(out, "2020-01-01T04:10:00+07:00", 25) == 0, "format WIB");
  EXPECT(snapsign_timestamp_format(1709609836196LL, 0, SNAPSIGN_TIMESTAMP_MILLIS | SNAPSIGN_TIMESTAMP_UTC_AS_Z, out,
                                   sizeof out, &n),
         SNAPSIGN_RESULT_OK);
  CHECK(n == 24 && memcmp(out, "2024-03-05T03:37:16.196Z", 24) == 0, "format Z millis");
  EXPECT(snapsign_timestamp_format(0, 480, SNAPSIGN_TIMESTAMP_MILLIS, NULL, 0, &n), SNAPSIGN_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == 29 && n <= SNAPSIGN_TIMESTAMP_MAX_LEN, "format probe %zu", n);
  EXPECT(snapsign_timestamp_format(0, 480, SNAPSIGN_TIMESTAMP_MILLIS, out, 28, &n), SNAPSIGN_RESULT_BUFFER_TOO_SMALL);
  EXPECT(snapsign_timestamp_format(0, 2000, 0, out, sizeof out, &n), SNAPSIGN_RESULT_TIMESTAMP_OUT_OF_RANGE);
  EXPECT(snapsign_timestamp_format(INT64_MAX, 0, 0, out, sizeof out, &n), SNAPSIGN_RESULT_TIMESTAMP_OUT_OF_RANGE);
  EXPECT(snapsign_timestamp_format(0, 0, 0x80, out, sizeof out, &n), SNAPSIGN_RESULT_INVALID_ARGUMENT);

  EXPECT(snapsign_timestamp_parse(S("2024-03-05T10:37:16.196+07:00"), &ms, &off), SNAPSIGN_RESULT_OK);
  CHECK(ms == 1709609836196LL && off == 420, "parse: %lld %d", (long long)ms, (int)off);
  EXPECT(snapsign_timestamp_parse(S("2020-01-01T04:10:00-03:30"), NULL, &off), SNAPSIGN_RESULT_OK);
  CHECK(off == -210, "parse negative offset");
  EXPECT(snapsign_timestamp_parse(S("2023-02-29T00:00:00Z"), &ms, &off), SNAPSIGN_RESULT_INVALID_TIMESTAMP);
  CHECK(snapsign_last_error_offset() == 8, "invalid day at byte 8");
  EXPECT(snapsign_timestamp_parse(S("2023-02-01 00:00:00Z"), NULL, NULL), SNAPSIGN_RESULT_INVALID_TIMESTAMP);
  CHECK(snapsign_last_error_offset() == 10, "syntax at byte 10");
  EXPECT(snapsign_timestamp_parse(S("2020-01-01T04:10:00\xff"), NULL, NULL), SNAPSIGN_RESULT_INVALID_UTF8);
  CHECK(snapsign_last_error_offset() == 19, "UTF-8 error at byte 19");

  EXPECT(snapsign_timestamp_check_skew(S("2020-01-01T04:20:00+07:00"), 1577826600000LL, 900, &skew),
         SNAPSIGN_RESULT_OK);
  CHECK(skew == 600, "skew %lld", (long long)skew);
  EXPECT(snapsign_timestamp_check_skew(S("2020-01-01T04:30:00+07:00"), 1577826600000LL, 900, &skew),
         SNAPSIGN_RESULT_TIMESTAMP_SKEW);
  CHECK(skew == 1200, "skew %lld", (long long)skew);
  EXPECT(snapsign_timestamp_check_skew(S("2020-01-01T03:00:00+07:00"), 1577826600000LL, 900, NULL),
         SNAPSIGN_RESULT_TIMESTAMP_SKEW);
}

static void test_field_errors(void) {
  uint8_t out[4096];
  size_t n = 0;
  char long_id[300];
  memset(long_id, 'A', sizeof long_id);

#define TS S("2020-01-01T04:10:00+07:00")
  EXPECT(snapsign_string_to_sign_token(NULL, 0, TS, out, sizeof out, &n), SNAPSIGN_RESULT_EMPTY_FIELD);
  EXPECT(snapsign_string_to_sign_token((const uint8_t *)long_id, sizeof long_id, TS, out, sizeof out, &n),
         SNAPSIGN_RESULT_FIELD_TOO_LONG);
  EXPECT(snapsign_string_to_sign_token(S("ab\ncd"), TS, out, sizeof out, &n), SNAPSIGN_RESULT_CONTROL_CHARACTER);
  CHECK(snapsign_last_error_offset() == 2, "control character offset");
  EXPECT(snapsign_string_to_sign_token(S("ab\xff"), TS, out, sizeof out, &n), SNAPSIGN_RESULT_INVALID_UTF8);
  CHECK(snapsign_last_error_offset() == 2, "UTF-8 offset");
  EXPECT(snapsign_string_to_sign_token(S("MCP|D"), TS, out, sizeof out, &n), SNAPSIGN_RESULT_PIPE_IN_CLIENT_ID);
  CHECK(snapsign_last_error_offset() == 3, "pipe offset");
  EXPECT(snapsign_string_to_sign_token(S("MCPD"), S("yesterday"), out, sizeof out, &n),
         SNAPSIGN_RESULT_INVALID_TIMESTAMP);
  EXPECT(snapsign_string_to_sign_service(S("post"), S("/v1.0/x"), NULL, 0, TS, out, sizeof out, &n),
         SNAPSIGN_RESULT_INVALID_METHOD);
  EXPECT(snapsign_string_to_sign_service(S("GET"), S("https://api.example.com/v1.0/x"), NULL, 0, TS, out,
                                         sizeof out, &n),
         SNAPSIGN_RESULT_ABSOLUTE_URL);
  EXPECT(snapsign_string_to_sign_service(S("GET"), S("v1.0/x"), NULL, 0, TS, out, sizeof out, &n),
         SNAPSIGN_RESULT_PATH_WITHOUT_LEADING_SLASH);
  EXPECT(snapsign_string_to_sign_transaction(S("GET"), S("/v1.0/x"), S("Bearer abc"), NULL, 0, TS, out, sizeof out,
                                             &n),
         SNAPSIGN_RESULT_BEARER_PREFIX);
  EXPECT(snapsign_string_to_sign_transaction(S("GET"), S("/v1.0/x"), S("abc"), S("{\"a\""), TS, out, sizeof out, &n),
         SNAPSIGN_RESULT_INVALID_JSON);
  EXPECT(snapsign_string_to_sign_transaction(S("GET"), S("/v1.0/x?a=1"), S("abc"), NULL, 0, TS, out, sizeof out, &n),
         SNAPSIGN_RESULT_OK);
  CHECK(n == 4 + 12 + 4 + 65 + 25, "GET string to sign length %zu", n);
  {
    snapsign_hmac *h = (snapsign_hmac *)&n; /* must be overwritten with NULL */
    EXPECT(snapsign_hmac_new(NULL, 0, &h), SNAPSIGN_RESULT_EMPTY_FIELD);
    CHECK(h == NULL, "handle NULL on error");
  }
#undef TS
}

static void test_keys(void) {
  static const char *private_files[] = {"keys/rsa2048-pkcs8.pem", "keys/rsa2048-pkcs1.pem", "keys/rsa2048-pkcs8.der",
                                        "keys/rsa2048-pkcs1.der"};
  static const char *public_files[] = {"keys/rsa2048-public.pem", "keys/rsa2048-public-pkcs1.pem",
                                       "keys/rsa2048-public.der", "keys/rsa2048-pkcs8.pem"};
  const struct token_vector *v = &TOKEN_VECTORS[0];
  uint8_t out[SNAPSIGN_RSA_SIGNATURE_MAX_LEN];
  size_t n, len, i;
  uint8_t *key;
  snapsign_signer *signer = NULL;
  snapsign_verifier *verifier = NULL;

  for (i = 0; i < 4; i++) {
    key = read_file(vectors_dir, private_files[i], &len);
    EXPECT(snapsign_signer_new(key, len, NULL, 0, 0, &signer), SNAPSIGN_RESULT_OK);
    EXPECT(snapsign_signer_sign_token(signer, B(v->client_id), B(v->timestamp), out, sizeof out, &n),
           SNAPSIGN_RESULT_OK);
    CHECK(same(out, n, v->signature), "%s signs the vector", private_files[i]);
    snapsign_signer_free(signer);
    free(key);

    key = read_file(vectors_dir, public_files[i], &len);
    EXPECT(snapsign_verifier_new(key, len, 0, &verifier), SNAPSIGN_RESULT_OK);
    EXPECT(snapsign_verifier_verify_token(verifier, B(v->client_id), B(v->timestamp), B(v->signature)),
           SNAPSIGN_RESULT_OK);
    snapsign_verifier_free(verifier);
    free(key);
  }

  EXPECT(snapsign_signer_new(S("not a key"), NULL, 0, 0, &signer), SNAPSIGN_RESULT_KEY_MALFORMED);
  CHECK(signer == NULL, "signer NULL on error");
  key = read_file(vectors_dir, "keys/rsa2048-public.pem", &len);
  EXPECT(snapsign_signer_new(key, len, NULL, 0, 0, &signer), SNAPSIGN_RESULT_KEY_IS_PUBLIC);
  free(key);
  key = read_file(fixtures_dir, "rsa2048-cert.pem", &len);
  EXPECT(snapsign_signer_new(key, len, NULL, 0, 0, &signer), SNAPSIGN_RESULT_KEY_IS_CERTIFICATE);
  free(key);
  key = read_file(fixtures_dir, "ec-p256-pkcs8.pem", &len);
  EXPECT(snapsign_signer_new(key, len, NULL, 0, 0, &signer), SNAPSIGN_RESULT_KEY_UNSUPPORTED);
  free(key);
  key = read_file(fixtures_dir, "rsa2048-encrypted-pkcs8.pem", &len);
  EXPECT(snapsign_signer_new(key, len, NULL, 0, 0, &signer), SNAPSIGN_RESULT_KEY_ENCRYPTED);
  EXPECT(snapsign_signer_new(key, len, S("wrong"), 0, &signer), SNAPSIGN_RESULT_KEY_WRONG_PASSPHRASE);
  EXPECT(snapsign_signer_new(key, len, S("test-passphrase"), 0, &signer), SNAPSIGN_RESULT_OK);
  EXPECT(snapsign_signer_sign_token(signer, B(v->client_id), B(v->timestamp), out, sizeof out, &n),
         SNAPSIGN_RESULT_OK);
  CHECK(same(out, n, v->signature), "encrypted key signs the vector");
  snapsign_signer_free(signer);
  free(key);

  key = read_file(vectors_dir, "keys/weak1024-pkcs8.pem", &len);
  EXPECT(snapsign_signer_new(key, len, NULL, 0, 0, &signer), SNAPSIGN_RESULT_WEAK_KEY);
  EXPECT(snapsign_signer_new(key, len, NULL, 0, 0x10, &signer), SNAPSIGN_RESULT_INVALID_ARGUMENT);
  EXPECT(snapsign_signer_new(key, len, NULL, 0, SNAPSIGN_KEY_ALLOW_WEAK, &signer), SNAPSIGN_RESULT_OK);
  CHECK(snapsign_signer_signature_len(signer) == 172, "1024-bit signature length");
  snapsign_signer_free(signer);
  free(key);

  /* A 480-bit key (tests/fixtures/make_weak480.py) loads with SNAPSIGN_KEY_ALLOW_WEAK, but its
   * 60-byte modulus cannot hold a SHA-256 PKCS#1 v1.5 signature (62 bytes): CRYPTO. */
  key = read_file(fixtures_dir, "weak480-pkcs8.pem", &len);
  EXPECT(snapsign_signer_new(key, len, NULL, 0, 0, &signer), SNAPSIGN_RESULT_WEAK_KEY);
  EXPECT(snapsign_signer_new(key, len, NULL, 0, SNAPSIGN_KEY_ALLOW_WEAK, &signer), SNAPSIGN_RESULT_OK);
  CHECK(snapsign_signer_signature_len(signer) == 80, "480-bit signature length");
  EXPECT(snapsign_signer_sign(signer, S("m"), NULL, 0, &n), SNAPSIGN_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == 80, "480-bit probe %zu", n);
  EXPECT(snapsign_signer_sign(signer, S("m"), out, sizeof out, &n), SNAPSIGN_RESULT_CRYPTO);
  CHECK(n == 0, "out_len 0 after CRYPTO");
  CHECK(snapsign_last_error_offset() == SNAPSIGN_NO_OFFSET, "no offset for CRYPTO");
  {
    char msg[128];
    size_t mlen = 0;
    EXPECT(snapsign_last_error_message((uint8_t *)msg, sizeof msg - 1, &mlen), SNAPSIGN_RESULT_OK);
    msg[mlen] = '\0';
    CHECK(strcmp(msg, "RSA operation failed") == 0, "CRYPTO message: %s", msg);
  }
  EXPECT(snapsign_signer_sign_token(signer, B(v->client_id), B(v->timestamp), out, sizeof out, &n),
         SNAPSIGN_RESULT_CRYPTO);
  EXPECT(snapsign_signer_verifier(signer, &verifier), SNAPSIGN_RESULT_OK);
  EXPECT(snapsign_verifier_verify(verifier, S("m"), S("AAAA")), SNAPSIGN_RESULT_SIGNATURE_LENGTH);
  snapsign_verifier_free(verifier);
  snapsign_signer_free(signer);
  free(key);

  /* Verification errors. */
  key = read_file(vectors_dir, "keys/rsa2048-public.pem", &len);
  EXPECT(snapsign_verifier_new(key, len, 0, &verifier), SNAPSIGN_RESULT_OK);
  EXPECT(snapsign_verifier_verify_token(verifier, B(v->client_id), B(v->timestamp), S("not base64!")),
         SNAPSIGN_RESULT_INVALID_BASE64);
  EXPECT(snapsign_verifier_verify_token(verifier, B(v->client_id), B(v->timestamp), S("AAAA")),
         SNAPSIGN_RESULT_SIGNATURE_LENGTH);
  EXPECT(snapsign_verifier_verify(verifier, S("x"), B(v->signature)), SNAPSIGN_RESULT_SIGNATURE_MISMATCH);
  snapsign_verifier_free(verifier);
  free(key);
}

struct rng_state {
  unsigned calls;
  int fail;
};

static int test_fill(void *userdata, uint8_t *buf, size_t len) {
  struct rng_state *st = userdata;
  size_t i;
  st->calls++;
  if (st->fail) return 7;
  /* A toy generator: fine for a test (blinding does not change a PKCS#1 v1.5 signature). */
  for (i = 0; i < len; i++) buf[i] = (uint8_t)(st->calls * 131u + i * 17u);
  return 0;
}

static void test_rng_callback(void) {
  const struct token_vector *v = &TOKEN_VECTORS[0];
  struct rng_state st = {0, 0};
  uint8_t out[SNAPSIGN_RSA_SIGNATURE_MAX_LEN];
  size_t n, len;
  uint8_t *key = read_file(vectors_dir, "keys/rsa2048-pkcs8.pem", &len);
  snapsign_signer *signer = NULL;

  EXPECT(snapsign_signer_new_with_rng(key, len, NULL, 0, 0, NULL, NULL, &signer), SNAPSIGN_RESULT_NULL_POINTER);
  EXPECT(snapsign_signer_new_with_rng(key, len, NULL, 0, 0, test_fill, &st, &signer), SNAPSIGN_RESULT_OK);
  EXPECT(snapsign_signer_sign_token(signer, B(v->client_id), B(v->timestamp), out, sizeof out, &n),
         SNAPSIGN_RESULT_OK);
  CHECK(same(out, n, v->signature), "callback RNG signature");
  CHECK(st.calls > 0, "callback was called");
  st.fail = 1;
  EXPECT(snapsign_signer_sign_token(signer, B(v->client_id), B(v->timestamp), out, sizeof out, &n),
         SNAPSIGN_RESULT_RNG);
  CHECK(n == 0, "out_len 0 after RNG failure");
  snapsign_signer_free(signer);
  free(key);
}

static void test_call_errors(void) {
  uint8_t buf[256];
  size_t n = 0;
  snapsign_signer *signer = NULL;

  /* NULL with a non-zero length, NULL out_len, NULL out with capacity, NULL handles. */
  EXPECT(snapsign_minify(NULL, 5, buf, sizeof buf, &n), SNAPSIGN_RESULT_NULL_POINTER);
  EXPECT(snapsign_minify(S("[1]"), buf, sizeof buf, NULL), SNAPSIGN_RESULT_NULL_POINTER);
  EXPECT(snapsign_minify(S("[1]"), NULL, 10, &n), SNAPSIGN_RESULT_NULL_POINTER);
  EXPECT(snapsign_signer_new(NULL, 10, NULL, 0, 0, &signer), SNAPSIGN_RESULT_NULL_POINTER);
  EXPECT(snapsign_signer_new(S("x"), NULL, 0, 0, NULL), SNAPSIGN_RESULT_NULL_POINTER);
  EXPECT(snapsign_signer_sign(NULL, S("x"), buf, sizeof buf, &n), SNAPSIGN_RESULT_NULL_POINTER);
  EXPECT(snapsign_verifier_verify(NULL, S("x"), S("y")), SNAPSIGN_RESULT_NULL_POINTER);
  EXPECT(snapsign_hmac_sign(NULL, S("x"), buf, sizeof buf, &n), SNAPSIGN_RESULT_NULL_POINTER);
  CHECK(snapsign_signer_signature_len(NULL) == 0, "signature_len(NULL)");
  snapsign_signer_free(NULL);
  snapsign_verifier_free(NULL);
  snapsign_hmac_free(NULL);

  /* Output overlapping the input (in-place minify is refused). */
  memcpy(buf, "[1, 2]", 6);
  EXPECT(snapsign_minify(buf, 6, buf, sizeof buf, &n), SNAPSIGN_RESULT_OVERLAPPING_BUFFERS);
  EXPECT(snapsign_minify(buf, 6, buf + 3, 10, &n), SNAPSIGN_RESULT_OVERLAPPING_BUFFERS);
  EXPECT(snapsign_minify(buf, 6, buf + 6, 10, &n), SNAPSIGN_RESULT_OK);
  CHECK(n == 5 && memcmp(buf + 6, "[1,2]", 5) == 0, "adjacent buffers are fine");

  /* Too small: nothing written, the needed length reported. */
  memset(buf, 'Z', sizeof buf);
  EXPECT(snapsign_minify(S("[1, 2, 3]"), buf, 6, &n), SNAPSIGN_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == 7 && buf[0] == 'Z' && buf[5] == 'Z', "nothing written when too small");

  /* A panic inside the library comes back as a code. */
  EXPECT(snapsign_internal_test_panic(), SNAPSIGN_RESULT_INTERNAL_PANIC);
  EXPECT(snapsign_minify(S("[]"), buf, sizeof buf, &n), SNAPSIGN_RESULT_OK);

  /* Descriptions and version. */
  CHECK(strcmp(snapsign_result_str(SNAPSIGN_RESULT_OK), "success") == 0, "result_str(OK)");
  CHECK(strcmp(snapsign_result_str(12345), "unknown error") == 0, "result_str(unknown)");
  /* UNKNOWN is never returned by this version; a number that is no code is described like it. */
  CHECK(strcmp(snapsign_result_str(SNAPSIGN_RESULT_UNKNOWN), "unknown error") == 0, "result_str(UNKNOWN)");
  CHECK(strcmp(snapsign_result_str(29), "unknown error") == 0, "result_str(29)");
  CHECK(strcmp(snapsign_result_str(99), "unknown error") == 0, "result_str(99)");
  CHECK(strcmp(snapsign_result_str(UINT32_MAX), "unknown error") == 0, "result_str(UINT32_MAX)");
  CHECK(strcmp(snapsign_result_str(SNAPSIGN_RESULT_CRYPTO), "RSA operation failed") == 0, "result_str(CRYPTO)");
  CHECK(strcmp(snapsign_result_str(SNAPSIGN_RESULT_INVALID_RESPONSE), "invalid access-token response") == 0,
        "result_str(INVALID_RESPONSE)");
  CHECK(snapsign_version()[0] != '\0', "version");
}

static int text_is(const uint8_t *buf, size_t len, const char *want) {
  return len == strlen(want) && (len == 0 || memcmp(buf, want, len) == 0);
}

/* The readable message of the last error on this thread is `want`. */
static int last_message_is(const char *want) {
  uint8_t msg[512];
  size_t n = 0;
  return snapsign_last_error_message(msg, sizeof msg, &n) == SNAPSIGN_RESULT_OK && text_is(msg, n, want);
}

static void test_request_bodies(void) {
  uint8_t out[2048], long_value[513];
  size_t n = 0;
  const char *b2b = snapsign_b2b_request_body();

  /* The core's B2B_REQUEST_BODY, static and NUL-terminated. */
  CHECK(strcmp(b2b, "{\"grantType\":\"client_credentials\"}") == 0 && strlen(b2b) == 34, "B2B body %s", b2b);
  CHECK(snapsign_b2b_request_body() == b2b, "B2B body is static");

  /* B2B2C: the core's doc example, then an authorization code; the two-call pattern. */
  EXPECT(snapsign_b2b2c_request_body(SNAPSIGN_GRANT_REFRESH_TOKEN, S("rt-1"), NULL, 0, &n),
         SNAPSIGN_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == 51, "refresh body probe %zu", n);
  memset(out, 'Z', sizeof out);
  EXPECT(snapsign_b2b2c_request_body(SNAPSIGN_GRANT_REFRESH_TOKEN, S("rt-1"), out, n - 1, &n),
         SNAPSIGN_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == 51 && out[0] == 'Z' && out[49] == 'Z', "nothing written when too small");
  EXPECT(snapsign_b2b2c_request_body(SNAPSIGN_GRANT_REFRESH_TOKEN, S("rt-1"), out, n, &n), SNAPSIGN_RESULT_OK);
  CHECK(text_is(out, n, "{\"grantType\":\"REFRESH_TOKEN\",\"refreshToken\":\"rt-1\"}"), "refresh body");
  EXPECT(snapsign_b2b2c_request_body(SNAPSIGN_GRANT_AUTHORIZATION_CODE, S("a6975f82-d00a-4ddc-9633-087fefb6275e"),
                                     out, sizeof out, &n),
         SNAPSIGN_RESULT_OK);
  CHECK(text_is(out, n, "{\"grantType\":\"AUTHORIZATION_CODE\",\"authCode\":\"a6975f82-d00a-4ddc-9633-087fefb6275e\"}"),
        "authorization code body");
  /* '"' and '\' are escaped; other UTF-8 passes through. */
  EXPECT(snapsign_b2b2c_request_body(SNAPSIGN_GRANT_AUTHORIZATION_CODE, S("a\"b\\c\xc3\xa9"), out, sizeof out, &n),
         SNAPSIGN_RESULT_OK);
  CHECK(text_is(out, n, "{\"grantType\":\"AUTHORIZATION_CODE\",\"authCode\":\"a\\\"b\\\\c\xc3\xa9\"}"), "escaped body");

  /* Bad values. */
  EXPECT(snapsign_b2b2c_request_body(SNAPSIGN_GRANT_AUTHORIZATION_CODE, NULL, 0, out, sizeof out, &n),
         SNAPSIGN_RESULT_EMPTY_FIELD);
  CHECK(n == 0 && last_message_is("authCode/refreshToken is empty"), "empty grant value");
  EXPECT(snapsign_b2b2c_request_body(SNAPSIGN_GRANT_AUTHORIZATION_CODE, NULL, 5, out, sizeof out, &n),
         SNAPSIGN_RESULT_NULL_POINTER);
  memset(long_value, 'a', sizeof long_value);
  EXPECT(snapsign_b2b2c_request_body(SNAPSIGN_GRANT_AUTHORIZATION_CODE, long_value, SNAPSIGN_AUTH_CODE_MAX_LEN, out,
                                     sizeof out, &n),
         SNAPSIGN_RESULT_OK);
  EXPECT(snapsign_b2b2c_request_body(SNAPSIGN_GRANT_AUTHORIZATION_CODE, long_value, SNAPSIGN_AUTH_CODE_MAX_LEN + 1,
                                     out, sizeof out, &n),
         SNAPSIGN_RESULT_FIELD_TOO_LONG);
  CHECK(last_message_is("authCode/refreshToken is longer than 256 bytes"), "too-long message");
  EXPECT(snapsign_b2b2c_request_body(SNAPSIGN_GRANT_REFRESH_TOKEN, long_value, SNAPSIGN_REFRESH_TOKEN_MAX_LEN, out,
                                     sizeof out, &n),
         SNAPSIGN_RESULT_OK);
  EXPECT(snapsign_b2b2c_request_body(SNAPSIGN_GRANT_REFRESH_TOKEN, long_value, SNAPSIGN_REFRESH_TOKEN_MAX_LEN + 1, out,
                                     sizeof out, &n),
         SNAPSIGN_RESULT_FIELD_TOO_LONG);
  EXPECT(snapsign_b2b2c_request_body(SNAPSIGN_GRANT_REFRESH_TOKEN, S("ab\ncd"), out, sizeof out, &n),
         SNAPSIGN_RESULT_CONTROL_CHARACTER);
  CHECK(snapsign_last_error_offset() == 2, "control character offset");
  EXPECT(snapsign_b2b2c_request_body(SNAPSIGN_GRANT_REFRESH_TOKEN, S("ab\xff"), out, sizeof out, &n),
         SNAPSIGN_RESULT_INVALID_UTF8);
  CHECK(snapsign_last_error_offset() == 2, "UTF-8 offset");
  EXPECT(snapsign_b2b2c_request_body(0, S("rt-1"), out, sizeof out, &n), SNAPSIGN_RESULT_INVALID_ARGUMENT);
  EXPECT(snapsign_b2b2c_request_body(3, S("rt-1"), out, sizeof out, &n), SNAPSIGN_RESULT_INVALID_ARGUMENT);
  EXPECT(snapsign_b2b2c_request_body(SNAPSIGN_GRANT_REFRESH_TOKEN, S("rt-1"), out, sizeof out, NULL),
         SNAPSIGN_RESULT_NULL_POINTER);
  EXPECT(snapsign_b2b2c_request_body(SNAPSIGN_GRANT_REFRESH_TOKEN, S("rt-1"), NULL, 10, &n),
         SNAPSIGN_RESULT_NULL_POINTER);
  memcpy(out, "rt-1", 4);
  EXPECT(snapsign_b2b2c_request_body(SNAPSIGN_GRANT_REFRESH_TOKEN, out, 4, out, sizeof out, &n),
         SNAPSIGN_RESULT_OVERLAPPING_BUFFERS);
}

static int all_digits(const uint8_t *buf, size_t len) {
  size_t i;
  for (i = 0; i < len; i++)
    if (buf[i] < '0' || buf[i] > '9') return 0;
  return 1;
}

/* Entropy for X-EXTERNAL-ID: the first call gives only bytes >= 250 (all rejected by the uniform
 * sampling), later ones 0, 1, 2, ... so the digits are 0123456789012... */
static int counting_fill(void *userdata, uint8_t *buf, size_t len) {
  struct rng_state *st = userdata;
  size_t i;
  st->calls++;
  if (st->fail) return 1;
  for (i = 0; i < len; i++) buf[i] = st->calls == 1 ? (uint8_t)(250 + i % 6) : (uint8_t)i;
  return 0;
}

static void test_external_id(void) {
  uint8_t out[64], other[64];
  size_t n = 0, m = 0;
  struct rng_state st = {0, 0};

  EXPECT(snapsign_external_id(32, NULL, 0, &n), SNAPSIGN_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == 32, "external id probe %zu", n);
  EXPECT(snapsign_external_id(32, out, n, &n), SNAPSIGN_RESULT_OK);
  CHECK(n == 32 && all_digits(out, n), "32 digits");
  EXPECT(snapsign_external_id(32, other, sizeof other, &m), SNAPSIGN_RESULT_OK);
  CHECK(m == 32 && memcmp(out, other, 32) != 0, "two ids differ");
  EXPECT(snapsign_external_id(SNAPSIGN_EXTERNAL_ID_MAX_LEN, out, sizeof out, &n), SNAPSIGN_RESULT_OK);
  CHECK(n == 36 && all_digits(out, n), "36 digits");
  EXPECT(snapsign_external_id(1, out, sizeof out, &n), SNAPSIGN_RESULT_OK);
  CHECK(n == 1 && all_digits(out, n), "1 digit");
  EXPECT(snapsign_external_id(0, out, sizeof out, &n), SNAPSIGN_RESULT_EMPTY_FIELD);
  CHECK(n == 0 && last_message_is("X-EXTERNAL-ID is empty"), "0 digits");
  EXPECT(snapsign_external_id(SNAPSIGN_EXTERNAL_ID_MAX_LEN + 1, out, sizeof out, &n), SNAPSIGN_RESULT_FIELD_TOO_LONG);
  EXPECT(snapsign_external_id(SNAPSIGN_EXTERNAL_ID_MAX_LEN + 1, NULL, 0, &n), SNAPSIGN_RESULT_FIELD_TOO_LONG);
  CHECK(n == 0, "no length for an impossible id");
  EXPECT(snapsign_external_id(32, out, 31, &n), SNAPSIGN_RESULT_BUFFER_TOO_SMALL);
  EXPECT(snapsign_external_id(32, out, sizeof out, NULL), SNAPSIGN_RESULT_NULL_POINTER);
  EXPECT(snapsign_external_id(32, NULL, 32, &n), SNAPSIGN_RESULT_NULL_POINTER);

  /* The terminal's entropy: used as given, not drawn for a size query, failures reported. */
  EXPECT(snapsign_external_id_with_rng(32, counting_fill, &st, NULL, 0, &n), SNAPSIGN_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == 32 && st.calls == 0, "probe draws no entropy (%u calls)", st.calls);
  EXPECT(snapsign_external_id_with_rng(32, counting_fill, &st, out, sizeof out, &n), SNAPSIGN_RESULT_OK);
  CHECK(text_is(out, n, "01234567890123456789012345678901") && st.calls == 2, "callback digits (%u calls)",
        st.calls);
  st.fail = 1;
  EXPECT(snapsign_external_id_with_rng(32, counting_fill, &st, out, sizeof out, &n), SNAPSIGN_RESULT_RNG);
  CHECK(n == 0, "out_len 0 after RNG failure");
  EXPECT(snapsign_external_id_with_rng(32, NULL, NULL, out, sizeof out, &n), SNAPSIGN_RESULT_NULL_POINTER);
}

/* Parses `body` (expecting OK) and returns the handle. */
static snapsign_token_response *parse_ok(const uint8_t *body, size_t len) {
  snapsign_token_response *r = NULL;
  EXPECT(snapsign_token_response_parse(body, len, &r), SNAPSIGN_RESULT_OK);
  return r;
}

static void test_token_response(void) {
  static const char success[] =
      "{\"responseCode\":\"2007300\",\"responseMessage\":\"Successful\",\"accessToken\":\"eyJhbGciOiJSUzI1NiJ9.x\","
      "\"tokenType\":\"Bearer\",\"expiresIn\":900,\"additionalInfo\":\"\"}";
  static const char ifortepay[] = "{\n\"responseCode\": \"2007300\",\n\"responseMessage\": \"Successful\",\n"
                                  "\"accessToken\": \"a\\/b\\u00e9\",\n\"tokenType\": \"Bearer\",\n"
                                  "\"expiredIn\": \"900\"\n}";
  static const char error[] = "{\"responseCode\":\"4017300\",\"responseMessage\":\"Unauthorized. Unknown Client\"}";
  static const struct {
    const char *body;
    const char *message;
  } invalid[] = {
      {"[]", "invalid access-token response: the body is not a JSON object"},
      {"", "invalid access-token response: the body is not a JSON object"},
      {"{\"responseMessage\":\"x\"}", "invalid access-token response: responseCode is missing"},
      {"{\"responseCode\":\"200730\"}",
       "invalid access-token response: responseCode is not 7 digits (HTTP status + service code + case code)"},
      {"{\"responseCode\":\"20O7300\"}",
       "invalid access-token response: responseCode is not 7 digits (HTTP status + service code + case code)"},
      {"{\"responseCode\":2007300}", "invalid access-token response: a field has the wrong JSON type"},
      {"{\"responseCode\":\"2007300\",\"accessToken\":7}",
       "invalid access-token response: a field has the wrong JSON type"},
      {"{\"responseCode\":\"2007300\"}", "invalid access-token response: successful response without accessToken"},
      {"{\"responseCode\":\"2007300\",\"accessToken\":\"t\",\"tokenType\":\"BearerBearerBearer\"}",
       "invalid access-token response: a field is longer than the standard allows"},
      {"{\"responseCode\":\"2007300\",\"accessToken\":\"t\",\"expiresIn\":9.5}",
       "invalid access-token response: expiresIn is not a whole number of seconds"},
      {"{\"responseCode\":\"2007300\",\"accessToken\":\"t\",\"expiresIn\":\"9x\"}",
       "invalid access-token response: expiresIn is not a whole number of seconds"},
      {"{\"responseCode\":\"2007300\",\"accessToken\":\"t\",\"expiresIn\":-1}",
       "invalid access-token response: expiresIn is not a whole number of seconds"},
  };
  snapsign_token_response *r;
  uint8_t out[4096];
  char *long_body;
  size_t n = 0, i;
  uint16_t status = 0;
  uint8_t service = 0, case_code = 0;
  int has = -1;
  uint64_t seconds = 1;

  /* A success, expiresIn as a number. */
  r = parse_ok(S(success));
  EXPECT(snapsign_token_response_code(r, &status, &service, &case_code), SNAPSIGN_RESULT_OK);
  CHECK(status == 200 && service == 73 && case_code == 0, "code %u %u %u", status, service, case_code);
  CHECK(snapsign_token_response_is_success(r) == 1, "is_success");
  EXPECT(snapsign_token_response_access_token(r, NULL, 0, &n), SNAPSIGN_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == 22, "access token probe %zu", n);
  memset(out, 'Z', sizeof out);
  EXPECT(snapsign_token_response_access_token(r, out, 21, &n), SNAPSIGN_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == 22 && out[0] == 'Z', "nothing written when too small");
  EXPECT(snapsign_token_response_access_token(r, out, 22, &n), SNAPSIGN_RESULT_OK);
  CHECK(text_is(out, n, "eyJhbGciOiJSUzI1NiJ9.x"), "access token");
  EXPECT(snapsign_token_response_token_type(r, out, sizeof out, &n), SNAPSIGN_RESULT_OK);
  CHECK(text_is(out, n, "Bearer"), "token type");
  EXPECT(snapsign_token_response_message(r, out, sizeof out, &n), SNAPSIGN_RESULT_OK);
  CHECK(text_is(out, n, "Successful"), "message");
  EXPECT(snapsign_token_response_expires_in(r, &has, &seconds), SNAPSIGN_RESULT_OK);
  CHECK(has == 1 && seconds == 900, "expires in %d %llu", has, (unsigned long long)seconds);
  /* Every out-pointer is optional; out_len is not. */
  EXPECT(snapsign_token_response_code(r, NULL, NULL, &case_code), SNAPSIGN_RESULT_OK);
  EXPECT(snapsign_token_response_expires_in(r, NULL, NULL), SNAPSIGN_RESULT_OK);
  EXPECT(snapsign_token_response_message(r, out, sizeof out, NULL), SNAPSIGN_RESULT_NULL_POINTER);
  EXPECT(snapsign_token_response_token_type(r, NULL, 5, &n), SNAPSIGN_RESULT_NULL_POINTER);
  snapsign_token_response_free(r);

  /* iFortepay's form: pretty-printed, expiredIn as a string, escapes in the token. */
  r = parse_ok(S(ifortepay));
  EXPECT(snapsign_token_response_expires_in(r, &has, &seconds), SNAPSIGN_RESULT_OK);
  CHECK(has == 1 && seconds == 900, "expiredIn string %d %llu", has, (unsigned long long)seconds);
  EXPECT(snapsign_token_response_access_token(r, out, sizeof out, &n), SNAPSIGN_RESULT_OK);
  CHECK(text_is(out, n, "a/b\xc3\xa9"), "unescaped token");
  snapsign_token_response_free(r);

  /* expiresIn as a string with the standard's spelling; null is absent. */
  r = parse_ok(S("{\"responseCode\":\"2007400\",\"accessToken\":\"t\",\"expiresIn\":\"3600\"}"));
  EXPECT(snapsign_token_response_expires_in(r, &has, &seconds), SNAPSIGN_RESULT_OK);
  CHECK(has == 1 && seconds == 3600, "expiresIn string");
  EXPECT(snapsign_token_response_code(r, &status, &service, &case_code), SNAPSIGN_RESULT_OK);
  CHECK(status == 200 && service == 74 && case_code == 0, "B2B2C code");
  EXPECT(snapsign_token_response_token_type(r, out, sizeof out, &n), SNAPSIGN_RESULT_OK);
  CHECK(n == 0, "absent token type is empty");
  snapsign_token_response_free(r);
  r = parse_ok(S("{\"responseCode\":\"2007300\",\"accessToken\":\"t\",\"expiresIn\":null}"));
  EXPECT(snapsign_token_response_expires_in(r, &has, &seconds), SNAPSIGN_RESULT_OK);
  CHECK(has == 0 && seconds == 0, "expiresIn null");
  snapsign_token_response_free(r);

  /* An error response parses; it is not a success and has no token. */
  r = parse_ok(S(error));
  EXPECT(snapsign_token_response_code(r, &status, &service, &case_code), SNAPSIGN_RESULT_OK);
  CHECK(status == 401 && service == 73 && case_code == 0, "error code %u %u %u", status, service, case_code);
  CHECK(snapsign_token_response_is_success(r) == 0, "error is not a success");
  EXPECT(snapsign_token_response_message(r, NULL, 0, &n), SNAPSIGN_RESULT_BUFFER_TOO_SMALL);
  EXPECT(snapsign_token_response_message(r, out, n, &n), SNAPSIGN_RESULT_OK);
  CHECK(text_is(out, n, "Unauthorized. Unknown Client"), "error message");
  n = 99;
  EXPECT(snapsign_token_response_access_token(r, NULL, 0, &n), SNAPSIGN_RESULT_OK);
  CHECK(n == 0, "no access token in an error response");
  EXPECT(snapsign_token_response_expires_in(r, &has, &seconds), SNAPSIGN_RESULT_OK);
  CHECK(has == 0 && seconds == 0, "no expiresIn in an error response");
  snapsign_token_response_free(r);

  /* Not JSON: INVALID_JSON with the offset; invalid UTF-8 is invalid JSON too. */
  r = (snapsign_token_response *)&n; /* must be overwritten with NULL */
  EXPECT(snapsign_token_response_parse(S("{\"responseCode\":\"2007300\",}"), &r), SNAPSIGN_RESULT_INVALID_JSON);
  CHECK(r == NULL && snapsign_last_error_offset() == 26, "JSON offset %zu", snapsign_last_error_offset());
  EXPECT(snapsign_token_response_parse(S("{\"responseMessage\":\"\xff\"}"), &r), SNAPSIGN_RESULT_INVALID_JSON);
  CHECK(snapsign_last_error_offset() == 20, "UTF-8 offset %zu", snapsign_last_error_offset());
  EXPECT(snapsign_token_response_parse(S("{"), &r), SNAPSIGN_RESULT_INVALID_JSON);
  CHECK(last_message_is("invalid JSON body at byte 1: unexpected end of input"), "JSON message");

  /* Every ResponseErrorKind. */
  for (i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
    r = (snapsign_token_response *)&n;
    EXPECT(snapsign_token_response_parse((const uint8_t *)invalid[i].body, strlen(invalid[i].body), &r),
           SNAPSIGN_RESULT_INVALID_RESPONSE);
    CHECK(r == NULL, "invalid %zu: handle NULL", i);
    CHECK(snapsign_last_error_offset() == SNAPSIGN_NO_OFFSET, "invalid %zu: no offset", i);
    CHECK(last_message_is(invalid[i].message), "invalid %zu: message", i);
  }
  /* An access token longer than SNAPSIGN_ACCESS_TOKEN_MAX_LEN. */
  long_body = malloc(SNAPSIGN_ACCESS_TOKEN_MAX_LEN + 64);
  if (long_body) {
    size_t len = (size_t)sprintf(long_body, "{\"responseCode\":\"2007300\",\"accessToken\":\"");
    memset(long_body + len, 'a', SNAPSIGN_ACCESS_TOKEN_MAX_LEN + 1);
    len += SNAPSIGN_ACCESS_TOKEN_MAX_LEN + 1;
    memcpy(long_body + len, "\"}", 2);
    EXPECT(snapsign_token_response_parse((const uint8_t *)long_body, len + 2, &r), SNAPSIGN_RESULT_INVALID_RESPONSE);
    CHECK(last_message_is("invalid access-token response: a field is longer than the standard allows"),
          "too long token");
    long_body[len - 1] = '"';
    long_body[len] = '}';
    r = parse_ok((const uint8_t *)long_body, len + 1);
    EXPECT(snapsign_token_response_access_token(r, out, sizeof out, &n), SNAPSIGN_RESULT_OK);
    CHECK(n == SNAPSIGN_ACCESS_TOKEN_MAX_LEN, "longest token %zu", n);
    snapsign_token_response_free(r);
    free(long_body);
  }

  /* Call errors. */
  EXPECT(snapsign_token_response_parse(NULL, 5, &r), SNAPSIGN_RESULT_NULL_POINTER);
  EXPECT(snapsign_token_response_parse(S(error), NULL), SNAPSIGN_RESULT_NULL_POINTER);
  EXPECT(snapsign_token_response_code(NULL, &status, NULL, NULL), SNAPSIGN_RESULT_NULL_POINTER);
  EXPECT(snapsign_token_response_access_token(NULL, out, sizeof out, &n), SNAPSIGN_RESULT_NULL_POINTER);
  EXPECT(snapsign_token_response_expires_in(NULL, &has, &seconds), SNAPSIGN_RESULT_NULL_POINTER);
  CHECK(snapsign_token_response_is_success(NULL) == 0, "is_success(NULL)");
  snapsign_token_response_free(NULL);
  {
    /* The handle out-pointer inside the body. */
    void *area[8];
    memset(area, ' ', sizeof area);
    EXPECT(snapsign_token_response_parse((const uint8_t *)area, sizeof area, (snapsign_token_response **)&area[2]),
           SNAPSIGN_RESULT_OVERLAPPING_BUFFERS);
  }
}

/* Request signing: the values `snapsign request --json` prints for the same inputs (BCA's
 * canonical query with the client secret, DANA's service form with the key). */
#define REQ_BODY "{ \"amount\": { \"value\": \"10000.00\", \"currency\": \"IDR\" } }"
#define REQ_TS "2020-01-01T04:10:00+07:00"
static const char BCA_SIGNATURE[] =
    "IFHDSLNnlnerJWnY4hdicyB8HIzMqdBVHSuppyDvcnvA2LVf1nl4V++saXBk+I3rR/p4BpCNJSd5H3D5H7WXeA==";
static const char DANA_SIGNATURE[] =
    "fZ3NlKsAF7fzh6zlsiMV6EJxucMv2eZpFmvWl1pz4k7pfBpvpJFpg5yy7p7X+NRt/zEVNS85FrYGYPo2G6ifbSjO88wW0AW2AN0St58aFTAN9mp"
    "gppH0NZ40vDccWiQy5Keu7A7yHtuCj1ZS5VO10jd0KoJ6WyxzVz1CF20cZwcN73aEkP3xFu057GCXjRTWEkfFGrlkvqljw9RJGEgAuCvJiaCRoH0"
    "p3PMjlgZOwrIKsNv21qm7Qm5AqeHZKgQ/DvVXW4Q7bkWG1SGH06OIDTtbW415+PXqJNuUcwdJ03/z9aLOaMXpc9sNkAozdN5rkT09rglwHJGoz3d"
    "PXBz0oQ==";

#define SET(field, lit) (call.field = (const uint8_t *)(lit), call.field##_len = strlen(lit))

/* Every header of `h` as "Name: value\n" lines, into `out`. */
static void header_lines(const snapsign_request_headers *h, char *out, size_t cap) {
  size_t i, n, used = 0, count = snapsign_request_headers_count(h);
  uint8_t buf[1024];
  out[0] = '\0';
  for (i = 0; i < count; i++) {
    int w;
    char name[64];
    if (snapsign_request_headers_name(h, i, buf, sizeof buf, &n) != SNAPSIGN_RESULT_OK) return;
    memcpy(name, buf, n);
    name[n] = '\0';
    if (snapsign_request_headers_value(h, i, buf, sizeof buf, &n) != SNAPSIGN_RESULT_OK) return;
    w = snprintf(out + used, cap - used, "%s: %.*s\n", name, (int)n, (const char *)buf);
    if (w < 0 || (size_t)w >= cap - used) return;
    used += (size_t)w;
  }
}

static snapsign_request_signer *request_signer_rsa(const char *profile) {
  size_t len;
  uint8_t *key = read_file(vectors_dir, "keys/rsa2048-pkcs8.pem", &len);
  snapsign_request_signer *s = NULL;
  EXPECT(snapsign_request_signer_new_rsa((const uint8_t *)profile, strlen(profile), key, len, NULL, 0, 0, &s),
         SNAPSIGN_RESULT_OK);
  free(key);
  return s;
}

static void test_request_signer(void) {
  snapsign_request_signer *bca = NULL, *dana, *bri = NULL, *bad = NULL;
  snapsign_request_headers *h = NULL;
  snapsign_call call = {0};
  char lines[4096], expected[4096];
  uint8_t out[1024];
  size_t n = 0, len;
  uint8_t *key;
  struct rng_state st = {0, 0};

  /* BCA: HMAC over the canonical query; the target is sent as given. */
  EXPECT(snapsign_request_signer_new_hmac(S("bca"), S("a-client-secret"), &bca), SNAPSIGN_RESULT_OK);
  SET(method, "POST");
  SET(target, "/openapi/v1.0/x?b=2&a=%7e1");
  SET(body, REQ_BODY);
  SET(access_token, "eyJ0b2tlbiJ9");
  SET(partner_id, "PARTNER01");
  SET(external_id, "12345678901234567890");
  EXPECT(snapsign_request_signer_sign(bca, &call, 0, S(REQ_TS), &h), SNAPSIGN_RESULT_OK);
  header_lines(h, lines, sizeof lines);
  snprintf(expected, sizeof expected,
           "Content-Type: application/json\nAuthorization: Bearer eyJ0b2tlbiJ9\nX-TIMESTAMP: " REQ_TS
           "\nX-SIGNATURE: %s\nX-PARTNER-ID: PARTNER01\nX-EXTERNAL-ID: 12345678901234567890\nCHANNEL-ID: 95051\n",
           BCA_SIGNATURE);
  CHECK(strcmp(lines, expected) == 0, "BCA headers:\n%s", lines);
  CHECK(snapsign_request_headers_count(h) == 7, "BCA count");
  EXPECT(snapsign_request_headers_endpoint_url(h, out, sizeof out, &n), SNAPSIGN_RESULT_OK);
  CHECK(text_is(out, n, "/openapi/v1.0/x?a=~1&b=2"), "BCA EndpointUrl");
  /* The same signature as the transaction function over that EndpointUrl. */
  {
    uint8_t sig[SNAPSIGN_HMAC_SIGNATURE_LEN];
    size_t m = 0;
    EXPECT(snapsign_hmac_sign_transaction_with_secret(S("a-client-secret"), S("POST"), out, n, S("eyJ0b2tlbiJ9"),
                                                      S(REQ_BODY), S(REQ_TS), sig, sizeof sig, &m),
           SNAPSIGN_RESULT_OK);
    CHECK(text_is(sig, m, BCA_SIGNATURE), "BCA signature = snapsign_hmac_sign_transaction");
  }
  EXPECT(snapsign_request_headers_signature(h, NULL, 0, &n), SNAPSIGN_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == SNAPSIGN_HMAC_SIGNATURE_LEN, "signature probe %zu", n);
  EXPECT(snapsign_request_headers_signature(h, out, n, &n), SNAPSIGN_RESULT_OK);
  CHECK(text_is(out, n, BCA_SIGNATURE), "BCA signature");
  EXPECT(snapsign_request_headers_timestamp(h, out, sizeof out, &n), SNAPSIGN_RESULT_OK);
  CHECK(text_is(out, n, REQ_TS), "BCA timestamp");
  EXPECT(snapsign_request_headers_get(h, S("channel-id"), out, sizeof out, &n), SNAPSIGN_RESULT_OK);
  CHECK(text_is(out, n, "95051"), "get is case-insensitive");
  n = 99;
  EXPECT(snapsign_request_headers_get(h, S("ORIGIN"), out, sizeof out, &n), SNAPSIGN_RESULT_OK);
  CHECK(n == 0, "absent header: length 0");
  EXPECT(snapsign_request_headers_name(h, 7, out, sizeof out, &n), SNAPSIGN_RESULT_INVALID_ARGUMENT);
  CHECK(last_message_is("invalid argument (unknown flags, impossible length or misaligned pointer): index is not "
                        "below snapsign_request_headers_count"),
        "index message");
  EXPECT(snapsign_request_headers_value(h, 0, out, 3, &n), SNAPSIGN_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == 16, "value probe %zu", n);
  EXPECT(snapsign_request_headers_value(NULL, 0, out, sizeof out, &n), SNAPSIGN_RESULT_NULL_POINTER);
  CHECK(snapsign_request_headers_count(NULL) == 0, "count(NULL)");
  snapsign_request_headers_free(h);

  /* The wrong credential for the profile: MISSING_CREDENTIAL, with what is needed. */
  bad = (snapsign_request_signer *)&n; /* must be overwritten with NULL */
  EXPECT(snapsign_request_signer_new_hmac(S("dana"), S("a-client-secret"), &bad), SNAPSIGN_RESULT_MISSING_CREDENTIAL);
  CHECK(bad == NULL, "signer NULL on error");
  CHECK(last_message_is("this provider signs transaction calls with the private key (SHA256withRSA, no token); give "
                        "it, or override the profile"),
        "missing credential message");
  CHECK(strcmp(snapsign_result_str(SNAPSIGN_RESULT_MISSING_CREDENTIAL),
               "the provider signs this call with another credential") == 0,
        "MISSING_CREDENTIAL description");
  key = read_file(vectors_dir, "keys/rsa2048-pkcs8.pem", &len);
  EXPECT(snapsign_request_signer_new_rsa(S("bca"), key, len, NULL, 0, 0, &bad), SNAPSIGN_RESULT_MISSING_CREDENTIAL);
  EXPECT(snapsign_request_signer_new_rsa(S("nope"), key, len, NULL, 0, 0, &bad), SNAPSIGN_RESULT_INVALID_ARGUMENT);
  CHECK(last_message_is("invalid argument (unknown flags, impossible length or misaligned pointer): profile is not a "
                        "provider profile this version knows (generic, doku, ifortepay, midtrans, dana, bca, bri, "
                        "mandiri, winpay, ovo)"),
        "unknown profile message");
  EXPECT(snapsign_request_signer_new_rsa(S("dana"), key, len, NULL, 0, 0x40, &bad), SNAPSIGN_RESULT_INVALID_ARGUMENT);
  free(key);

  /* DANA: SHA256withRSA over the service form, no token, its CHANNEL-ID. */
  dana = request_signer_rsa("dana");
  memset(&call, 0, sizeof call);
  SET(method, "POST");
  SET(target, "/v1.0/debit/payment-host-to-host.htm");
  SET(body, REQ_BODY);
  SET(partner_id, "C1");
  SET(external_id, "12345678901234567890");
  EXPECT(snapsign_request_signer_sign(dana, &call, 0, S(REQ_TS), &h), SNAPSIGN_RESULT_OK);
  header_lines(h, lines, sizeof lines);
  snprintf(expected, sizeof expected,
           "Content-Type: application/json\nX-TIMESTAMP: " REQ_TS
           "\nX-SIGNATURE: %s\nX-PARTNER-ID: C1\nX-EXTERNAL-ID: 12345678901234567890\nCHANNEL-ID: 95221\n",
           DANA_SIGNATURE);
  CHECK(strcmp(lines, expected) == 0, "DANA headers:\n%s", lines);
  snapsign_request_headers_free(h);
  /* With the terminal's entropy: a generated X-EXTERNAL-ID, the same (deterministic) signature. */
  call.external_id = NULL;
  call.external_id_len = 0;
  EXPECT(snapsign_request_signer_sign_with_rng(dana, &call, 0, S(REQ_TS), test_fill, &st, &h), SNAPSIGN_RESULT_OK);
  CHECK(st.calls >= 2, "entropy used (%u calls)", st.calls);
  EXPECT(snapsign_request_headers_get(h, S("X-EXTERNAL-ID"), out, sizeof out, &n), SNAPSIGN_RESULT_OK);
  CHECK(n == 32 && all_digits(out, n), "generated external id");
  EXPECT(snapsign_request_headers_signature(h, out, sizeof out, &n), SNAPSIGN_RESULT_OK);
  CHECK(text_is(out, n, DANA_SIGNATURE), "DANA signature with the callback");
  snapsign_request_headers_free(h);
  st.fail = 1;
  EXPECT(snapsign_request_signer_sign_with_rng(dana, &call, 0, S(REQ_TS), test_fill, &st, &h), SNAPSIGN_RESULT_RNG);
  EXPECT(snapsign_request_signer_sign_with_rng(dana, &call, 0, S(REQ_TS), NULL, NULL, &h), SNAPSIGN_RESULT_NULL_POINTER);
  snapsign_request_signer_free(dana);

  /* BRI: the clock reading written with milliseconds at +07:00. */
  EXPECT(snapsign_request_signer_new_hmac(S("bri"), S("a-client-secret"), &bri), SNAPSIGN_RESULT_OK);
  memset(&call, 0, sizeof call);
  SET(method, "GET");
  SET(target, "/snap/v1.0/balance");
  SET(access_token, "tok");
  SET(partner_id, "P");
  SET(channel_id, "12345");
  EXPECT(snapsign_request_signer_sign(bri, &call, 1577826600123LL, NULL, 0, &h), SNAPSIGN_RESULT_OK);
  EXPECT(snapsign_request_headers_timestamp(h, out, sizeof out, &n), SNAPSIGN_RESULT_OK);
  CHECK(text_is(out, n, "2020-01-01T04:10:00.123+07:00"), "BRI timestamp %.*s", (int)n, (const char *)out);
  {
    uint8_t sig[SNAPSIGN_HMAC_SIGNATURE_LEN];
    size_t m = 0;
    EXPECT(snapsign_request_headers_signature(h, sig, sizeof sig, &m), SNAPSIGN_RESULT_OK);
    EXPECT(snapsign_hmac_verify_transaction_with_secret(S("a-client-secret"), S("GET"), S("/snap/v1.0/balance"),
                                                        S("tok"), NULL, 0, out, n, sig, m),
           SNAPSIGN_RESULT_OK);
  }
  snapsign_request_headers_free(h);

  /* Bad calls: an error naming the header (or the argument). */
  call.partner_id = (const uint8_t *)"0123456789012345678901234567890123456";
  call.partner_id_len = 37;
  EXPECT(snapsign_request_signer_sign(bri, &call, 0, NULL, 0, &h), SNAPSIGN_RESULT_FIELD_TOO_LONG);
  CHECK(h == NULL && last_message_is("X-PARTNER-ID is longer than 36 bytes"), "partner id message");
  SET(partner_id, "P");
  call.access_token = NULL;
  call.access_token_len = 0;
  EXPECT(snapsign_request_signer_sign(bri, &call, 0, NULL, 0, &h), SNAPSIGN_RESULT_EMPTY_FIELD);
  CHECK(last_message_is("access token is empty"), "token message");
  SET(access_token, "Bearer tok");
  EXPECT(snapsign_request_signer_sign(bri, &call, 0, NULL, 0, &h), SNAPSIGN_RESULT_BEARER_PREFIX);
  SET(access_token, "tok");
  SET(device_id, "a\nb");
  EXPECT(snapsign_request_signer_sign(bri, &call, 0, NULL, 0, &h), SNAPSIGN_RESULT_CONTROL_CHARACTER);
  CHECK(snapsign_last_error_offset() == 1 && last_message_is("X-DEVICE-ID has a control character at byte 1"),
        "device id message");
  call.device_id = NULL;
  call.device_id_len = 0;
  SET(longitude, "106.8");
  EXPECT(snapsign_request_signer_sign(bri, &call, 0, NULL, 0, &h), SNAPSIGN_RESULT_EMPTY_FIELD);
  CHECK(last_message_is("Authorization-Customer is empty"), "customer headers need the customer");
  call.longitude = NULL;
  call.longitude_len = 5;
  EXPECT(snapsign_request_signer_sign(bri, &call, 0, NULL, 0, &h), SNAPSIGN_RESULT_NULL_POINTER);
  CHECK(last_message_is("NULL pointer with a non-zero length or for a required argument: call.longitude is NULL but "
                        "call.longitude_len is not 0"),
        "call field named");
  call.longitude_len = 0;
  SET(target, "https://api.example.com/snap/v1.0/balance");
  EXPECT(snapsign_request_signer_sign(bri, &call, 0, NULL, 0, &h), SNAPSIGN_RESULT_ABSOLUTE_URL);
  SET(target, "/snap/v1.0/balance");
  EXPECT(snapsign_request_signer_sign(bri, &call, 0, S("2020-13-01T00:00:00Z"), &h), SNAPSIGN_RESULT_INVALID_TIMESTAMP);
  EXPECT(snapsign_request_signer_sign(bri, &call, INT64_MAX, NULL, 0, &h), SNAPSIGN_RESULT_TIMESTAMP_OUT_OF_RANGE);
  EXPECT(snapsign_request_signer_sign(bri, NULL, 0, NULL, 0, &h), SNAPSIGN_RESULT_NULL_POINTER);
  EXPECT(snapsign_request_signer_sign(NULL, &call, 0, NULL, 0, &h), SNAPSIGN_RESULT_NULL_POINTER);
  EXPECT(snapsign_request_signer_sign(bri, &call, 0, NULL, 0, NULL), SNAPSIGN_RESULT_NULL_POINTER);
  /* The out-pointer inside the call it signs. */
  EXPECT(snapsign_request_signer_sign(bri, &call, 0, NULL, 0, (snapsign_request_headers **)(void *)&call.origin),
         SNAPSIGN_RESULT_OVERLAPPING_BUFFERS);
  snapsign_request_signer_free(bri);
  snapsign_request_signer_free(bca);
  snapsign_request_signer_free(NULL);
  snapsign_request_headers_free(NULL);
}

static void test_response_codes(void) {
  snapsign_response_code_info info;
  snapsign_text cause = {NULL, 0};
  size_t i;

  EXPECT(snapsign_describe_response_code(S("4017300"), &info), SNAPSIGN_RESULT_OK);
  CHECK(info.http_status == 401 && info.service_code == 73 && info.case_code == 0, "4017300 parts");
  CHECK(text_is(info.service_name.ptr, info.service_name.len, "Access Token B2B"), "service name");
  CHECK(text_is(info.message.ptr, info.message.len, "Unauthorized. [reason]"), "message");
  CHECK(info.description.ptr != NULL && info.description.len > 0, "description");
  CHECK(info.likely_causes_count >= 3, "likely causes %zu", info.likely_causes_count);
  for (i = 0; i < info.likely_causes_count; i++) {
    EXPECT(snapsign_response_code_likely_cause(S("4017300"), i, &cause), SNAPSIGN_RESULT_OK);
    CHECK(cause.ptr != NULL && cause.len > 10, "cause %zu", i);
  }
  EXPECT(snapsign_response_code_likely_cause(S("4017300"), 0, &cause), SNAPSIGN_RESULT_OK);
  CHECK(cause.len > 20 && memcmp(cause.ptr, "X-SIGNATURE made with a private key", 35) == 0, "first cause");
  EXPECT(snapsign_response_code_likely_cause(S("4017300"), info.likely_causes_count, &cause),
         SNAPSIGN_RESULT_INVALID_ARGUMENT);
  EXPECT(snapsign_describe_response_code(S("4042414"), &info), SNAPSIGN_RESULT_OK);
  CHECK(text_is(info.service_name.ptr, info.service_name.len, "Virtual Account - Inquiry") &&
            text_is(info.message.ptr, info.message.len, "Paid Bill") && info.likely_causes_count == 0,
        "4042414");
  EXPECT(snapsign_describe_response_code(S("9999999"), &info), SNAPSIGN_RESULT_OK);
  CHECK(info.http_status == 999 && info.service_name.ptr == NULL && info.service_name.len == 0 &&
            info.message.ptr == NULL && info.description.ptr == NULL,
        "unlisted code");
  EXPECT(snapsign_describe_response_code(S("401730"), &info), SNAPSIGN_RESULT_INVALID_RESPONSE);
  EXPECT(snapsign_describe_response_code(S("401730x"), &info), SNAPSIGN_RESULT_INVALID_RESPONSE);
  EXPECT(snapsign_describe_response_code(S("4017300"), NULL), SNAPSIGN_RESULT_NULL_POINTER);
  EXPECT(snapsign_response_code_likely_cause(NULL, 7, 0, &cause), SNAPSIGN_RESULT_NULL_POINTER);
}

/* Several threads share one signer, one verifier and one HMAC handle. */
struct shared {
  snapsign_signer *signer;
  snapsign_verifier *verifier;
  snapsign_hmac *hmac;
  int errors;
};

static void *worker(void *arg) {
  struct shared *sh = arg;
  const struct token_vector *t = &TOKEN_VECTORS[0];
  const struct transaction_vector *x = &TRANSACTION_VECTORS[1];
  uint8_t out[SNAPSIGN_RSA_SIGNATURE_MAX_LEN];
  size_t n;
  int i, errors = 0;
  for (i = 0; i < 5; i++) {
    if (snapsign_signer_sign_token(sh->signer, B(t->client_id), B(t->timestamp), out, sizeof out, &n) !=
            SNAPSIGN_RESULT_OK ||
        !same(out, n, t->signature))
      errors++;
    if (snapsign_verifier_verify_token(sh->verifier, B(t->client_id), B(t->timestamp), B(t->signature)) !=
        SNAPSIGN_RESULT_OK)
      errors++;
    if (snapsign_hmac_sign_transaction(sh->hmac, B(x->method), B(x->path), B(x->access_token), B(x->body),
                                       B(x->timestamp), out, sizeof out, &n) != SNAPSIGN_RESULT_OK ||
        !same(out, n, x->signature))
      errors++;
    /* The last-error detail is per thread. */
    if (snapsign_minify(S("{\"a\":1,}"), out, sizeof out, &n) != SNAPSIGN_RESULT_INVALID_JSON ||
        snapsign_last_error_offset() != 7)
      errors++;
  }
  return (void *)(intptr_t)errors;
}

static void test_threads(void) {
  struct shared sh;
  pthread_t threads[4];
  int i, errors = 0;
  sh.signer = load_signer(TOKEN_VECTORS[0].key);
  sh.verifier = load_verifier(TOKEN_VECTORS[0].key);
  EXPECT(snapsign_hmac_new(B(TRANSACTION_VECTORS[1].client_secret), &sh.hmac), SNAPSIGN_RESULT_OK);
  for (i = 0; i < 4; i++) CHECK(pthread_create(&threads[i], NULL, worker, &sh) == 0, "pthread_create");
  for (i = 0; i < 4; i++) {
    void *ret = NULL;
    pthread_join(threads[i], &ret);
    errors += (int)(intptr_t)ret;
  }
  CHECK(errors == 0, "%d errors across threads", errors);
  snapsign_signer_free(sh.signer);
  snapsign_verifier_free(sh.verifier);
  snapsign_hmac_free(sh.hmac);
}

int main(int argc, char **argv) {
  static const struct { snapsign_result code; const char *name; } codes[] = {
#define C(x) {SNAPSIGN_RESULT_##x, #x}
      C(OK), C(BUFFER_TOO_SMALL), C(INVALID_JSON), C(INVALID_TIMESTAMP), C(TIMESTAMP_OUT_OF_RANGE),
      C(TIMESTAMP_SKEW), C(EMPTY_FIELD), C(FIELD_TOO_LONG), C(CONTROL_CHARACTER), C(INVALID_UTF8),
      C(PIPE_IN_CLIENT_ID), C(INVALID_METHOD), C(ABSOLUTE_URL), C(PATH_WITHOUT_LEADING_SLASH), C(BEARER_PREFIX),
      C(INVALID_BASE64), C(KEY_MALFORMED), C(KEY_IS_PUBLIC), C(KEY_IS_CERTIFICATE), C(KEY_ENCRYPTED),
      C(KEY_WRONG_PASSPHRASE), C(KEY_UNSUPPORTED), C(WEAK_KEY), C(SIGNATURE_LENGTH), C(SIGNATURE_MISMATCH), C(RNG),
      C(CRYPTO), C(INVALID_RESPONSE), C(MISSING_CREDENTIAL), C(NULL_POINTER), C(OVERLAPPING_BUFFERS), C(INVALID_ARGUMENT),
      C(INTERNAL_PANIC), C(UNKNOWN),
#undef C
  };
  size_t i;
  if (argc != 3) {
    fprintf(stderr, "usage: %s VECTORS_DIR FIXTURES_DIR\n", argv[0]);
    return 2;
  }
  vectors_dir = argv[1];
  fixtures_dir = argv[2];

  test_token_vectors();
  test_transaction_vectors();
  test_service_vectors();
  test_minify_vectors();
  test_timestamps();
  test_field_errors();
  test_keys();
  test_rng_callback();
  test_request_bodies();
  test_external_id();
  test_token_response();
  test_request_signer();
  test_response_codes();
  test_call_errors();
  test_threads();

  printf("result codes hit:");
  for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
    if (hit[codes[i].code]) printf(" %s", codes[i].name);
  printf("\nresult codes not hit (UNKNOWN is never returned; snapsign_result_str is checked for it):");
  for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
    if (!hit[codes[i].code]) printf(" %s", codes[i].name);
  printf("\n");
  for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
    CHECK(hit[codes[i].code] || codes[i].code == SNAPSIGN_RESULT_UNKNOWN, "no call produced %s", codes[i].name);
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
