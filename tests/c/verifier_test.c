/* The receiving side from C, with exact codes and messages: missing/malformed headers, skew,
 * tokens, partner, replay guards (callback and memory, 8 threads), RSA token calls, token grants,
 * service codes, NULL arguments. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "snapsign.h"
#define S(lit) (const uint8_t *)(lit), (sizeof(lit) - 1)
#define TARGET "/v1.0/transfer-va/inquiry"
#define BODY "{\"a\":1}"
static int fails;
#define CHECK(cond, ...) do { if (!(cond)) { fails++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } } while (0)

/* Headers as a table the test can change: a header dropped, a value replaced. */
typedef struct { int n; char name[16][64]; char value[16][512]; const char *drop; } table;
static int ieq(const char *a, const uint8_t *b, size_t n) {
  size_t i;
  if (strlen(a) != n) return 0;
  for (i = 0; i < n; i++) {
    char x = a[i], y = (char)b[i];
    if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
    if (x != y) return 0;
  }
  return 1;
}
static int lookup(void *ud, const uint8_t *name, size_t name_len, const uint8_t **value, size_t *value_len) {
  const table *t = ud;
  int i;
  if (t->drop && ieq(t->drop, name, name_len)) return 0;
  for (i = 0; i < t->n; i++)
    if (ieq(t->name[i], name, name_len)) { *value = (const uint8_t *)t->value[i]; *value_len = strlen(t->value[i]); return 1; }
  return 0;
}
static void table_from(table *t, const snapsign_request_headers *h) {
  size_t i, n;
  memset(t, 0, sizeof *t);
  for (i = 0; i < snapsign_request_headers_count(h) && i < 16; i++) {
    snapsign_request_headers_name(h, i, (uint8_t *)t->name[i], 63, &n); t->name[i][n] = 0;
    snapsign_request_headers_value(h, i, (uint8_t *)t->value[i], 511, &n); t->value[i][n] = 0;
    t->n++;
  }
}
static void table_set(table *t, const char *name, const char *value) {
  int i;
  for (i = 0; i < t->n; i++) if (ieq(name, (const uint8_t *)t->name[i], strlen(t->name[i]))) { snprintf(t->value[i], 512, "%s", value); return; }
  snprintf(t->name[t->n], 64, "%s", name); snprintf(t->value[t->n], 512, "%s", value); t->n++;
}
static uint32_t token_state(void *ud, const uint8_t *t, size_t n, int64_t now) {
  (void)now;
  if (ud) return *(const uint32_t *)ud;
  return n == 3 && !memcmp(t, "tok", 3) ? SNAPSIGN_TOKEN_STATE_LIVE : SNAPSIGN_TOKEN_STATE_UNKNOWN;
}

/* A replay store in C: a mutex-protected table of storage keys. */
typedef struct { pthread_mutex_t lock; int calls; int fail; int n; char keys[64][256]; } store;
static int store_check(void *ud, const snapsign_replay_key *key) {
  store *s = ud;
  int i, r = SNAPSIGN_REPLAY_FRESH;
  pthread_mutex_lock(&s->lock);
  s->calls++;
  if (s->fail) r = -1;
  else {
    for (i = 0; i < s->n; i++)
      if (strlen(s->keys[i]) == key->storage_key_len && !memcmp(s->keys[i], key->storage_key, key->storage_key_len)) r = SNAPSIGN_REPLAY_SEEN;
    if (r == SNAPSIGN_REPLAY_FRESH && s->n < 64 && key->storage_key_len < 256) {
      memcpy(s->keys[s->n], key->storage_key, key->storage_key_len); s->keys[s->n][key->storage_key_len] = 0; s->n++;
    }
  }
  pthread_mutex_unlock(&s->lock);
  return r;
}

static snapsign_request_verifier *verifier; /* generic, HMAC "secret", partner P1 */
static int64_t now;

static snapsign_result verify(const table *t, int64_t at, const uint32_t *state, const snapsign_replay_guard *g, snapsign_verification *out) {
  return snapsign_verify_request(verifier, S("POST"), S(TARGET), lookup, (void *)t, S(BODY), at, 24, token_state, (void *)state, g, out);
}
static int is(const snapsign_verification *o, int status, const char *code, const char *message) {
  char body[SNAPSIGN_REJECTION_BODY_MAX_LEN + 1];
  memcpy(body, o->body, o->body_len < sizeof body - 1 ? o->body_len : sizeof body - 1);
  body[o->body_len < sizeof body - 1 ? o->body_len : sizeof body - 1] = 0;
  return !o->accepted && o->http_status == status && !memcmp(o->response_code, code, 7) &&
         o->response_message_len == strlen(message) && !memcmp(o->response_message, message, o->response_message_len) &&
         strstr(body, code) != NULL && strstr(body, message) != NULL;
}
#define EXPECT_REJECT(o, status, code, message) \
  CHECK(is(o, status, code, message), "want %d %s %s, got accepted=%d %d %.7s %.*s", status, code, message, (o)->accepted, \
        (o)->http_status, (o)->response_code, (int)(o)->response_message_len, (o)->response_message)

static table signed_table(const char *partner, const char *external_id) {
  snapsign_request_signer *signer = NULL; snapsign_request_headers *h = NULL; table t;
  snapsign_call call; memset(&call, 0, sizeof call);
  call.method = (const uint8_t *)"POST"; call.method_len = 4;
  call.target = (const uint8_t *)TARGET; call.target_len = strlen(TARGET);
  call.body = (const uint8_t *)BODY; call.body_len = strlen(BODY);
  call.partner_id = (const uint8_t *)partner; call.partner_id_len = strlen(partner);
  call.access_token = (const uint8_t *)"tok"; call.access_token_len = 3;
  call.external_id = (const uint8_t *)external_id; call.external_id_len = strlen(external_id);
  call.channel_id = (const uint8_t *)"95221"; call.channel_id_len = 5;
  CHECK(snapsign_request_signer_new_hmac(S("generic"), S("secret"), &signer) == SNAPSIGN_RESULT_OK, "signer");
  CHECK(snapsign_request_signer_sign(signer, &call, now, NULL, 0, &h) == SNAPSIGN_RESULT_OK, "sign");
  table_from(&t, h);
  snapsign_request_headers_free(h); snapsign_request_signer_free(signer);
  return t;
}

static void test_headers(void) {
  static const char *mandatory[] = {"Authorization", "X-TIMESTAMP", "X-SIGNATURE", "X-PARTNER-ID", "X-EXTERNAL-ID", "CHANNEL-ID"};
  snapsign_replay_guard *g = NULL; store s; snapsign_verification out; table t = signed_table("P1", "1001");
  char msg[128]; size_t i;
  memset(&s, 0, sizeof s); pthread_mutex_init(&s.lock, NULL);
  CHECK(snapsign_replay_guard_new_callback(store_check, &s, &g) == SNAPSIGN_RESULT_OK, "guard");
  for (i = 0; i < sizeof mandatory / sizeof *mandatory; i++) {
    t.drop = mandatory[i];
    CHECK(verify(&t, now, NULL, g, &out) == SNAPSIGN_RESULT_OK, "verify");
    snprintf(msg, sizeof msg, "Invalid Mandatory Field {%s}", mandatory[i]);
    EXPECT_REJECT(&out, 400, "4002402", msg);
    CHECK(out.reason == SNAPSIGN_REASON_MISSING_HEADER && out.header.len == strlen(mandatory[i]) &&
          !memcmp(out.header.ptr, mandatory[i], out.header.len), "header names %s", mandatory[i]);
  }
  t.drop = NULL;
  table_set(&t, "CHANNEL-ID", "952211234567890123456789");
  CHECK(verify(&t, now, NULL, g, &out) == SNAPSIGN_RESULT_OK, "verify");
  EXPECT_REJECT(&out, 400, "4002401", "Invalid Field Format {CHANNEL-ID}");
  CHECK(out.reason == SNAPSIGN_REASON_MALFORMED_HEADER, "malformed reason");
  CHECK(s.calls == 0, "rejected requests never reach the guard (%d calls)", s.calls);
  snapsign_replay_guard_free(g); pthread_mutex_destroy(&s.lock);
}

static void test_auth(void) {
  snapsign_replay_guard *g = NULL; store s; snapsign_verification out; table t = signed_table("P1", "2001");
  snapsign_request_verifier *other = NULL; uint32_t state;
  memset(&s, 0, sizeof s); pthread_mutex_init(&s.lock, NULL);
  CHECK(snapsign_replay_guard_new_callback(store_check, &s, &g) == SNAPSIGN_RESULT_OK, "guard");
  CHECK(verify(&t, now + 3600 * 1000, NULL, g, &out) == SNAPSIGN_RESULT_OK, "verify");
  EXPECT_REJECT(&out, 401, "4012400", "Unauthorized. Timestamp");
  CHECK(out.reason == SNAPSIGN_REASON_TIMESTAMP, "timestamp reason");
  state = SNAPSIGN_TOKEN_STATE_UNKNOWN;
  CHECK(verify(&t, now, &state, g, &out) == SNAPSIGN_RESULT_OK, "verify");
  EXPECT_REJECT(&out, 401, "4012401", "Invalid Token (B2B)");
  state = SNAPSIGN_TOKEN_STATE_EXPIRED;
  CHECK(verify(&t, now, &state, g, &out) == SNAPSIGN_RESULT_OK, "verify");
  EXPECT_REJECT(&out, 401, "4012401", "Invalid Token (B2B)");
  CHECK(out.reason == SNAPSIGN_REASON_INVALID_TOKEN, "token reason");
  state = 77; /* not a state: unknown */
  CHECK(verify(&t, now, &state, g, &out) == SNAPSIGN_RESULT_OK, "verify");
  EXPECT_REJECT(&out, 401, "4012401", "Invalid Token (B2B)");
  CHECK(snapsign_request_verifier_new(S("generic"), NULL, 0, 0, S("secret"), NULL, 0, S("P2"), SNAPSIGN_DEFAULT_MAX_SKEW_SECONDS, &other) == SNAPSIGN_RESULT_OK, "other");
  CHECK(snapsign_verify_request(other, S("POST"), S(TARGET), lookup, &t, S(BODY), now, 24, token_state, NULL, g, &out) == SNAPSIGN_RESULT_OK, "verify");
  EXPECT_REJECT(&out, 401, "4012400", "Unauthorized. Unknown Client");
  CHECK(out.reason == SNAPSIGN_REASON_UNKNOWN_CLIENT, "unknown client reason");
  table_set(&t, "X-SIGNATURE", "AAAA");
  CHECK(verify(&t, now, NULL, g, &out) == SNAPSIGN_RESULT_OK, "verify");
  CHECK(!out.accepted && out.http_status == 401, "wrong signature");
  CHECK(s.calls == 0, "rejected requests never reach the guard (%d calls)", s.calls);
  /* The guard failing: 500, not accepted; it was asked once. */
  t = signed_table("P1", "2002");
  s.fail = 1;
  CHECK(verify(&t, now, NULL, g, &out) == SNAPSIGN_RESULT_OK, "verify");
  EXPECT_REJECT(&out, 500, "5002400", "General Error");
  CHECK(out.reason == SNAPSIGN_REASON_REPLAY_GUARD_FAILED && s.calls == 1, "guard failed (%d calls)", s.calls);
  s.fail = 0;
  CHECK(verify(&t, now, NULL, g, &out) == SNAPSIGN_RESULT_OK && out.accepted, "accepted once the guard answers");
  CHECK(out.partner_id_len == 2 && !memcmp(out.partner_id, "P1", 2) && out.external_id_len == 4 && !memcmp(out.external_id, "2002", 4) &&
        out.access_token_len == 3 && !memcmp(out.access_token, "tok", 3), "accepted ids");
  CHECK(verify(&t, now, NULL, g, &out) == SNAPSIGN_RESULT_OK, "verify");
  EXPECT_REJECT(&out, 409, "4092400", "Conflict");
  snapsign_request_verifier_free(other); snapsign_replay_guard_free(g); pthread_mutex_destroy(&s.lock);
}

typedef struct { const table *t; const snapsign_replay_guard *g; snapsign_verification out; snapsign_result r; } job;
static void *run_job(void *p) { job *j = p; j->r = verify(j->t, now, NULL, j->g, &j->out); return NULL; }
static void race(const snapsign_replay_guard *g, const char *external_id, const char *what) {
  pthread_t th[8]; job jobs[8]; table t = signed_table("P1", external_id); int i, accepted = 0, conflicts = 0;
  for (i = 0; i < 8; i++) { jobs[i].t = &t; jobs[i].g = g; CHECK(pthread_create(&th[i], NULL, run_job, &jobs[i]) == 0, "thread"); }
  for (i = 0; i < 8; i++) {
    pthread_join(th[i], NULL);
    CHECK(jobs[i].r == SNAPSIGN_RESULT_OK, "verify");
    if (jobs[i].out.accepted) accepted++;
    else if (is(&jobs[i].out, 409, "4092400", "Conflict")) conflicts++;
  }
  CHECK(accepted == 1 && conflicts == 7, "%s: %d accepted, %d conflicts", what, accepted, conflicts);
}
static void test_threads(void) {
  snapsign_replay_guard *g = NULL; store s;
  memset(&s, 0, sizeof s); pthread_mutex_init(&s.lock, NULL);
  CHECK(snapsign_replay_guard_new_callback(store_check, &s, &g) == SNAPSIGN_RESULT_OK, "guard");
  race(g, "3001", "callback guard");
  CHECK(s.calls == 8, "8 guard calls (%d)", s.calls);
  snapsign_replay_guard_free(g); pthread_mutex_destroy(&s.lock);
  g = NULL;
  CHECK(snapsign_memory_replay_guard_new(100, &g) == SNAPSIGN_RESULT_OK, "memory guard");
  race(g, "3002", "memory guard");
  snapsign_replay_guard_free(g);
}

static uint8_t *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb"); uint8_t *buf; long n;
  if (!f) { printf("cannot open %s\n", path); exit(2); }
  fseek(f, 0, SEEK_END); n = ftell(f); fseek(f, 0, SEEK_SET);
  buf = malloc((size_t)n + 1);
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) { printf("cannot read %s\n", path); exit(2); }
  fclose(f); *len = (size_t)n; return buf;
}
static void test_rsa_token(void) {
  size_t klen, plen, n; uint8_t *key = slurp("tests/vectors/keys/rsa2048-pkcs8.pem", &klen), *pub = slurp("tests/vectors/keys/rsa2048-public.pem", &plen);
  snapsign_signer *signer = NULL; snapsign_request_verifier *v = NULL, *other = NULL; snapsign_replay_guard *g = NULL;
  snapsign_verification out; table t; uint8_t ts[64], sig[1024]; char buf[1100];
  memset(&t, 0, sizeof t);
  CHECK(snapsign_signer_new(key, klen, NULL, 0, 0, &signer) == SNAPSIGN_RESULT_OK, "rsa signer");
  CHECK(snapsign_timestamp_format(now, 420, 0, ts, sizeof ts - 1, &n) == SNAPSIGN_RESULT_OK, "timestamp"); ts[n] = 0;
  table_set(&t, "X-TIMESTAMP", (const char *)ts);
  table_set(&t, "X-CLIENT-KEY", "C1");
  CHECK(snapsign_signer_sign_token(signer, S("C1"), ts, n, sig, sizeof sig - 1, &n) == SNAPSIGN_RESULT_OK, "sign token"); sig[n] = 0;
  table_set(&t, "X-SIGNATURE", (const char *)sig);
  table_set(&t, "Content-Type", "application/json");
  CHECK(snapsign_memory_replay_guard_new(10, &g) == SNAPSIGN_RESULT_OK, "guard");
  CHECK(snapsign_request_verifier_new(S("generic"), pub, plen, 0, NULL, 0, S("C1"), NULL, 0, SNAPSIGN_DEFAULT_MAX_SKEW_SECONDS, &v) == SNAPSIGN_RESULT_OK, "rsa verifier");
  CHECK(snapsign_verify_request(v, S("POST"), S("/v1.0/access-token/b2b"), lookup, &t, S("{\"grantType\":\"client_credentials\"}"), now, 24, NULL, NULL, g, &out) == SNAPSIGN_RESULT_OK, "verify");
  CHECK(out.accepted && out.kind == SNAPSIGN_CALL_KIND_TOKEN_B2B && out.client_id_len == 2 && !memcmp(out.client_id, "C1", 2),
        "token call accepted=%d kind=%d %.*s", out.accepted, (int)out.kind, (int)out.body_len, out.body);
  CHECK(snapsign_request_verifier_new(S("generic"), pub, plen, 0, NULL, 0, S("C2"), NULL, 0, SNAPSIGN_DEFAULT_MAX_SKEW_SECONDS, &other) == SNAPSIGN_RESULT_OK, "other verifier");
  CHECK(snapsign_verify_request(other, S("POST"), S("/v1.0/access-token/b2b"), lookup, &t, S("{\"grantType\":\"client_credentials\"}"), now, 24, NULL, NULL, g, &out) == SNAPSIGN_RESULT_OK, "verify");
  EXPECT_REJECT(&out, 401, "4017300", "Unauthorized. Unknown Client");
  (void)buf;
  /* ifortepay answers a missing header with its own 400xx00 text. */
  snapsign_request_verifier_free(other); other = NULL;
  CHECK(snapsign_request_verifier_new(S("ifortepay"), pub, plen, 0, NULL, 0, S("C1"), NULL, 0, SNAPSIGN_DEFAULT_MAX_SKEW_SECONDS, &other) == SNAPSIGN_RESULT_OK, "ifortepay verifier");
  t.drop = "X-TIMESTAMP";
  CHECK(snapsign_verify_request(other, S("POST"), S("/api/v1.0/access-token/b2b"), lookup, &t, S("{\"grantType\":\"client_credentials\"}"), now, 24, NULL, NULL, g, &out) == SNAPSIGN_RESULT_OK, "verify");
  EXPECT_REJECT(&out, 400, "4007300", "Bad Request - X-TIMESTAMP is Required");
  CHECK(out.reason == SNAPSIGN_REASON_MISSING_HEADER, "ifortepay missing header reason");
  snapsign_request_verifier_free(other); snapsign_request_verifier_free(v); snapsign_replay_guard_free(g); snapsign_signer_free(signer);
  free(key); free(pub);
}

static void test_grant_and_codes(void) {
  size_t blen = 0, tlen = 0, slen = 0, blen2 = 0; uint8_t *body, tok[64], ts[64]; uint8_t sc = 99; char *b;
  CHECK(snapsign_token_grant_issue(S("generic"), 73, S("C1"), now, 900, NULL, 0, &blen, NULL, 0, &tlen, NULL, 0, &slen) == SNAPSIGN_RESULT_BUFFER_TOO_SMALL, "size query");
  CHECK(blen > 0 && tlen == SNAPSIGN_ISSUED_TOKEN_LEN && slen > 0, "sizes %zu %zu %zu", blen, tlen, slen);
  body = malloc(blen + 1);
  CHECK(snapsign_token_grant_issue(S("generic"), 73, S("C1"), now, 900, body, blen - 1, &blen2, tok, sizeof tok, &tlen, ts, sizeof ts, &slen) == SNAPSIGN_RESULT_BUFFER_TOO_SMALL, "short body");
  CHECK(blen2 == blen, "short body reports the size");
  CHECK(snapsign_token_grant_issue(S("generic"), 73, S("C1"), now, 900, body, blen, &blen2, tok, sizeof tok - 1, &tlen, ts, sizeof ts, &slen) == SNAPSIGN_RESULT_OK, "issue");
  body[blen2] = 0; tok[tlen] = 0; b = (char *)body;
  CHECK(blen2 == blen && tlen == SNAPSIGN_ISSUED_TOKEN_LEN, "lengths");
  CHECK(b[0] == '{' && b[blen2 - 1] == '}' && strstr(b, "\"responseCode\":\"2007300\"") && strstr(b, "\"tokenType\":\"Bearer\"") &&
        strstr(b, "\"expiresIn\":\"900\"") && strstr(b, (const char *)tok) && strstr(b, "\"accessToken\":\""), "grant body %s", b);
  free(body);
  CHECK(snapsign_service_code_for_path(S(TARGET), &sc) == SNAPSIGN_RESULT_OK && sc == 24, "service code %u", sc);
  CHECK(snapsign_service_code_for_path(S("/v1.0/no-such-thing"), &sc) == SNAPSIGN_RESULT_OK && sc == 0, "unknown service code %u", sc);
}

static void expect_null(snapsign_result r, const char *name) {
  char msg[256]; size_t n = 0;
  CHECK(r == SNAPSIGN_RESULT_NULL_POINTER, "%s: result %d", name, (int)r);
  CHECK(snapsign_last_error_message((uint8_t *)msg, sizeof msg - 1, &n) == SNAPSIGN_RESULT_OK, "last error");
  msg[n] = 0;
  CHECK(strstr(msg, name) != NULL, "last error names %s: %s", name, msg);
}
static void test_nulls(void) {
  snapsign_replay_guard *g = NULL; snapsign_verification out; table t = signed_table("P1", "5001");
  CHECK(snapsign_memory_replay_guard_new(10, &g) == SNAPSIGN_RESULT_OK, "guard");
  expect_null(snapsign_verify_request(NULL, S("POST"), S(TARGET), lookup, &t, S(BODY), now, 24, token_state, NULL, g, &out), "verifier");
  expect_null(snapsign_verify_request(verifier, NULL, 4, S(TARGET), lookup, &t, S(BODY), now, 24, token_state, NULL, g, &out), "method");
  expect_null(snapsign_verify_request(verifier, S("POST"), NULL, 5, lookup, &t, S(BODY), now, 24, token_state, NULL, g, &out), "target");
  expect_null(snapsign_verify_request(verifier, S("POST"), S(TARGET), NULL, &t, S(BODY), now, 24, token_state, NULL, g, &out), "headers");
  expect_null(snapsign_verify_request(verifier, S("POST"), S(TARGET), lookup, &t, NULL, 3, now, 24, token_state, NULL, g, &out), "body");
  expect_null(snapsign_verify_request(verifier, S("POST"), S(TARGET), lookup, &t, S(BODY), now, 24, token_state, NULL, NULL, &out), "guard");
  expect_null(snapsign_verify_request(verifier, S("POST"), S(TARGET), lookup, &t, S(BODY), now, 24, token_state, NULL, g, NULL), "out");
  snapsign_replay_guard_free(g);
}

int main(void) {
  now = (int64_t)time(NULL) * 1000;
  if (snapsign_request_verifier_new(S("generic"), NULL, 0, 0, S("secret"), NULL, 0, S("P1"), SNAPSIGN_DEFAULT_MAX_SKEW_SECONDS, &verifier) != SNAPSIGN_RESULT_OK) {
    printf("FAIL: verifier\n"); return 1;
  }
  test_headers();
  test_auth();
  test_threads();
  test_rsa_token();
  test_grant_and_codes();
  test_nulls();
  snapsign_request_verifier_free(verifier);
  printf("%s (%d failures)\n", fails ? "FAIL" : "verifier test ok", fails);
  return fails != 0;
}
