/*
 * C test of the snapsign C ABI (include/snapsign.h) against tests/vectors/snap-vectors.json
 * (turned into snap_vectors.h by gen_vectors.py) and every reachable result code.
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
  CHECK(snapsign_version()[0] != '\0', "version");
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
      C(CRYPTO), C(INVALID_RESPONSE), C(NULL_POINTER), C(OVERLAPPING_BUFFERS), C(INVALID_ARGUMENT),
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
  test_call_errors();
  test_threads();

  printf("result codes hit:");
  for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
    if (hit[codes[i].code]) printf(" %s", codes[i].name);
  printf("\nresult codes not hit:");
  for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
    if (!hit[codes[i].code]) printf(" %s", codes[i].name);
  printf("\n%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
