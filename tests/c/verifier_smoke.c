/* Smoke test of the receiving side: a call signed by the C request signer verifies; a replay is 409. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "snapsign.h"
#define S(lit) (const uint8_t *)(lit), (sizeof(lit) - 1)
static int lookup(void *ud, const uint8_t *name, size_t name_len, const uint8_t **value, size_t *value_len) {
  const snapsign_request_headers *h = ud;
  static uint8_t buf[16][1024];
  static int slot;
  size_t n = 0;
  uint8_t *b = buf[slot++ % 16];
  if (snapsign_request_headers_get(h, name, name_len, b, 1024, &n) != SNAPSIGN_RESULT_OK || n == 0) return 0;
  *value = b; *value_len = n; return 1;
}
static uint32_t live(void *ud, const uint8_t *t, size_t n, int64_t now) { (void)ud; (void)now; return n == 3 && !memcmp(t, "tok", 3) ? SNAPSIGN_TOKEN_STATE_LIVE : SNAPSIGN_TOKEN_STATE_UNKNOWN; }
int main(void) {
  snapsign_request_signer *signer = NULL; snapsign_request_headers *h = NULL; snapsign_request_verifier *v = NULL;
  snapsign_replay_guard *g = NULL; snapsign_verification out; int fails = 0;
  int64_t now = (int64_t)time(NULL) * 1000;
  snapsign_call call; memset(&call, 0, sizeof call);
  call.method = (const uint8_t *)"POST"; call.method_len = 4;
  call.target = (const uint8_t *)"/v1.0/transfer-va/inquiry"; call.target_len = 25;
  call.body = (const uint8_t *)"{\"a\":1}"; call.body_len = 7;
  call.partner_id = (const uint8_t *)"P1"; call.partner_id_len = 2;
  call.access_token = (const uint8_t *)"tok"; call.access_token_len = 3;
  call.external_id = (const uint8_t *)"42"; call.external_id_len = 2;
  call.channel_id = (const uint8_t *)"95221"; call.channel_id_len = 5;
  fails += snapsign_request_signer_new_hmac(S("generic"), S("secret"), &signer) != 0;
  fails += snapsign_request_signer_sign(signer, &call, now, NULL, 0, &h) != 0;
  fails += snapsign_request_verifier_new(S("generic"), NULL, 0, 0, S("secret"), NULL, 0, S("P1"), SNAPSIGN_DEFAULT_MAX_SKEW_SECONDS, &v) != 0;
  fails += snapsign_memory_replay_guard_new(100, &g) != 0;
  fails += snapsign_verify_request(v, S("POST"), S("/v1.0/transfer-va/inquiry"), lookup, h, S("{\"a\":1}"), now, 24, live, NULL, g, &out) != 0;
  if (!out.accepted || out.external_id_len != 2) { fails++; printf("not accepted: %.*s\n", (int)out.body_len, out.body); }
  fails += snapsign_verify_request(v, S("POST"), S("/v1.0/transfer-va/inquiry"), lookup, h, S("{\"a\":1}"), now, 24, live, NULL, g, &out) != 0;
  if (out.accepted || out.http_status != 409 || memcmp(out.response_code, "4092400", 7)) fails++;
  printf("%.*s\n", (int)out.body_len, out.body);
  fails += snapsign_verify_request(v, S("POST"), S("/v1.0/transfer-va/inquiry"), lookup, h, S("{\"a\":2}"), now, 24, live, NULL, g, &out) != 0;
  if (out.reason != SNAPSIGN_REASON_WRONG_SIGNATURE || memcmp(out.response_code, "4012400", 7)) fails++;
  fails += snapsign_verify_request(NULL, S("POST"), S("/x"), lookup, h, NULL, 0, now, 24, NULL, NULL, g, &out) != SNAPSIGN_RESULT_NULL_POINTER;
  snapsign_replay_guard_free(g); snapsign_request_verifier_free(v); snapsign_request_headers_free(h); snapsign_request_signer_free(signer);
  printf("%s (%d failures)\n", fails ? "FAIL" : "ok", fails);
  return fails != 0;
}
