/* Every header of a transaction call, for a provider (the README's "Sign a call for a provider" example).
 * Build: cc -std=c99 -Iinclude request_example.c target/debug/libsnapsign.a -lpthread -ldl -lm */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "snapsign.h"

#define TEXT(s) (const uint8_t *)(s), strlen(s)
#define FIELD(f, s) (call.f = (const uint8_t *)(s), call.f##_len = strlen(s))

int main(void) {
  snapsign_request_signer *signer = NULL, *wrong = NULL;
  snapsign_request_headers *headers = NULL;
  snapsign_call call = {0}; /* NULL fields are absent */
  snapsign_response_code_info info;
  uint8_t name[32], value[2100];
  size_t i, name_len, value_len;
  snapsign_result rc;

  /* 1. BCA signs transaction calls with the client secret (HMAC-SHA512), over its canonical query. */
  rc = snapsign_request_signer_new_hmac(TEXT("bca"), TEXT("client-secret"), &signer);
  if (rc != SNAPSIGN_RESULT_OK) return fprintf(stderr, "signer: %s\n", snapsign_result_str(rc)), 1;

  /* 2. The call; X-TIMESTAMP is written once from this clock reading, in BCA's style, and signed. */
  FIELD(method, "POST");
  FIELD(target, "/openapi/v1.0/transfer-va/inquiry?b=2&a=1");
  FIELD(body, "{\"partnerServiceId\":\"  088899\"}");
  FIELD(access_token, "eyJhbGciOiJSUzI1NiJ9.token");
  FIELD(partner_id, "PARTNER01");
  rc = snapsign_request_signer_sign(signer, &call, (int64_t)time(NULL) * 1000, NULL, 0, &headers);
  if (rc != SNAPSIGN_RESULT_OK) return fprintf(stderr, "sign: %s\n", snapsign_result_str(rc)), 1;

  /* 3. Every header, in the standard's order (X-EXTERNAL-ID generated, CHANNEL-ID the profile's). */
  for (i = 0; i < snapsign_request_headers_count(headers); i++) {
    if (snapsign_request_headers_name(headers, i, name, sizeof name, &name_len) != SNAPSIGN_RESULT_OK ||
        snapsign_request_headers_value(headers, i, value, sizeof value, &value_len) != SNAPSIGN_RESULT_OK)
      return 1;
    printf("%.*s: %.*s\n", (int)name_len, (const char *)name, (int)value_len, (const char *)value);
  }
  snapsign_request_headers_free(headers);
  snapsign_request_signer_free(signer);

  /* 4. DANA signs with the private key: the client secret is refused, and the message says so. */
  rc = snapsign_request_signer_new_hmac(TEXT("dana"), TEXT("client-secret"), &wrong);
  if (rc == SNAPSIGN_RESULT_MISSING_CREDENTIAL &&
      snapsign_last_error_message(value, sizeof value, &value_len) == SNAPSIGN_RESULT_OK)
    printf("dana: %.*s\n", (int)value_len, (const char *)value);

  /* 5. What a provider's responseCode means. */
  if (snapsign_describe_response_code(TEXT("4017300"), &info) == SNAPSIGN_RESULT_OK)
    printf("4017300: %.*s: %.*s (%zu likely causes)\n", (int)info.service_name.len,
           (const char *)info.service_name.ptr, (int)info.message.len, (const char *)info.message.ptr,
           info.likely_causes_count);
  return 0;
}
