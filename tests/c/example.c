/* Signing a SNAP access-token request and a transaction from C (the "Use from C" example).
 * Build: cc -std=c99 -Iinclude example.c target/debug/libsnapsign.a -lpthread -ldl -lm
 * Run:   ./a.out tests/vectors/keys/rsa2048-pkcs8.pem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "snapsign.h"

#define TEXT(s) (const uint8_t *)(s), strlen(s)

static int fail(const char *what, snapsign_result rc) {
  fprintf(stderr, "%s: %s\n", what, snapsign_result_str(rc));
  return 1;
}

int main(int argc, char **argv) {
  static uint8_t key[16384];
  uint8_t ts[SNAPSIGN_TIMESTAMP_MAX_LEN], hmac_sig[SNAPSIGN_HMAC_SIGNATURE_LEN];
  size_t key_len, ts_len, sig_len, hmac_len;
  uint8_t *sig;
  snapsign_signer *signer = NULL;
  snapsign_result rc;
  FILE *f;
  const char *client_id = "MCPD00000006";
  const char *body = "{ \"partnerReferenceNo\": \"2020102900000000000001\" }";

  if (argc < 2 || !(f = fopen(argv[1], "rb"))) return fprintf(stderr, "usage: %s KEY.pem\n", argv[0]), 2;
  key_len = fread(key, 1, sizeof key, f);
  fclose(f);

  /* 1. Load the merchant's private key once; the signer is thread-safe and reusable. */
  rc = snapsign_signer_new(key, key_len, NULL, 0, 0, &signer);
  if (rc != SNAPSIGN_RESULT_OK) return fail("load key", rc);

  /* 2. X-TIMESTAMP from the terminal's clock (Unix ms), in WIB (+07:00 = 420 minutes). */
  rc = snapsign_timestamp_format((int64_t)time(NULL) * 1000, 420, 0, ts, sizeof ts, &ts_len);
  if (rc != SNAPSIGN_RESULT_OK) return fail("timestamp", rc);

  /* 3. X-SIGNATURE of the access-token request, with the two-call pattern:
   *    probe the length (out = NULL, out_cap = 0), allocate, sign. Outputs are not NUL-terminated. */
  rc = snapsign_signer_sign_token(signer, TEXT(client_id), ts, ts_len, NULL, 0, &sig_len);
  if (rc != SNAPSIGN_RESULT_BUFFER_TOO_SMALL) return fail("probe", rc);
  sig = malloc(sig_len);
  rc = snapsign_signer_sign_token(signer, TEXT(client_id), ts, ts_len, sig, sig_len, &sig_len);
  if (rc != SNAPSIGN_RESULT_OK) return fail("sign token", rc);
  printf("X-TIMESTAMP: %.*s\nX-CLIENT-KEY: %s\nX-SIGNATURE: %.*s\n", (int)ts_len, (const char *)ts, client_id,
         (int)sig_len, (const char *)sig);

  /* 4. A transaction: HMAC-SHA512 with the client secret over the exact body bytes sent. */
  rc = snapsign_hmac_sign_transaction_with_secret(TEXT("client-secret"), TEXT("POST"), TEXT("/v1.0/debit/payment"),
                                                  TEXT("eyJhbGciOiJSUzI1NiJ9.token"), TEXT(body), ts, ts_len,
                                                  hmac_sig, sizeof hmac_sig, &hmac_len);
  if (rc != SNAPSIGN_RESULT_OK) return fail("sign transaction", rc);
  printf("transaction X-SIGNATURE: %.*s\n", (int)hmac_len, (const char *)hmac_sig);

  /* 5. Errors say where: a bad body reports the byte offset. */
  rc = snapsign_body_digest(TEXT("{\"amount\": 10,}"), hmac_sig, sizeof hmac_sig, &hmac_len);
  printf("bad body: %s at byte %zu\n", snapsign_result_str(rc), snapsign_last_error_offset());

  free(sig);
  snapsign_signer_free(signer);
  return 0;
}
