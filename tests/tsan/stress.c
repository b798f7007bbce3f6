/* Thread stress of the C ABI's shared handles, built with -fsanitize=thread (tests/tsan/run.sh).
 *
 * 16 threads share one RSA signer, one verifier and one HMAC handle. Each thread, every round:
 *   - signs the RSA-2048 access-token vectors and compares with the openssl signatures;
 *   - verifies them with the shared verifier, and a tampered one (SIGNATURE_MISMATCH);
 *   - signs and verifies the HMAC transaction vectors of the shared secret, and a tampered one;
 *   - provokes an error of its own (a '|' at byte `thread index` of a client id), lets
 *     the other threads run, then checks that its last-error offset and message are its own.
 * Usage: stress [ROUNDS] (default 4). Prints the counts; exit 0 only when every check passed.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snap_vectors.h"
#include "snapsign.h"

#define THREADS 16
#define SECRET "a-secret"

static snapsign_signer *signer;
static snapsign_verifier *verifier;
static snapsign_hmac *hmac;
static int rounds = 4;

struct counts {
  int index;
  long signatures, verifications, rejections, own_errors, failures;
};

#define CHECK(c, cond, what)                                                              \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      (c)->failures++;                                                                    \
      fprintf(stderr, "thread %d: %s (%s:%d)\n", (c)->index, (what), __FILE__, __LINE__); \
    }                                                                                     \
  } while (0)

static int same(const uint8_t *a, size_t a_len, struct bytes b) {
  return a_len == b.len && memcmp(a, b.ptr, a_len) == 0;
}

static void rsa_round(struct counts *c) {
  uint8_t out[1024];
  size_t n = 0;
  for (size_t i = 0; i < TOKEN_VECTORS_LEN; i++) {
    const struct token_vector *v = &TOKEN_VECTORS[i];
    if (strcmp(v->key, "rsa2048") != 0) continue;
    snapsign_result rc = snapsign_signer_sign_token(signer, v->client_id.ptr, v->client_id.len, v->timestamp.ptr,
                                                    v->timestamp.len, out, sizeof out, &n);
    CHECK(c, rc == SNAPSIGN_RESULT_OK && same(out, n, v->signature), "RSA token signature differs from the vector");
    c->signatures++;
    rc = snapsign_verifier_verify_token(verifier, v->client_id.ptr, v->client_id.len, v->timestamp.ptr,
                                        v->timestamp.len, v->signature.ptr, v->signature.len);
    CHECK(c, rc == SNAPSIGN_RESULT_OK, "RSA token vector does not verify");
    c->verifications++;
    /* Another client id under the same signature. */
    rc = snapsign_verifier_verify_token(verifier, (const uint8_t *)"SOMEONE-ELSE", 12, v->timestamp.ptr,
                                        v->timestamp.len, v->signature.ptr, v->signature.len);
    CHECK(c, rc == SNAPSIGN_RESULT_SIGNATURE_MISMATCH, "RSA: another client id verifies");
    c->rejections++;
  }
}

static void hmac_round(struct counts *c) {
  uint8_t out[128];
  size_t n = 0;
  for (size_t i = 0; i < TRANSACTION_VECTORS_LEN; i++) {
    const struct transaction_vector *v = &TRANSACTION_VECTORS[i];
    if (v->client_secret.len != strlen(SECRET) || memcmp(v->client_secret.ptr, SECRET, v->client_secret.len) != 0)
      continue;
    snapsign_result rc = snapsign_hmac_sign_transaction(hmac, v->method.ptr, v->method.len, v->path.ptr, v->path.len,
                                                        v->access_token.ptr, v->access_token.len, v->body.ptr,
                                                        v->body.len, v->timestamp.ptr, v->timestamp.len, out,
                                                        sizeof out, &n);
    CHECK(c, rc == SNAPSIGN_RESULT_OK && same(out, n, v->signature), "HMAC signature differs from the vector");
    c->signatures++;
    rc = snapsign_hmac_verify_transaction(hmac, v->method.ptr, v->method.len, v->path.ptr, v->path.len,
                                          v->access_token.ptr, v->access_token.len, v->body.ptr, v->body.len,
                                          v->timestamp.ptr, v->timestamp.len, v->signature.ptr, v->signature.len);
    CHECK(c, rc == SNAPSIGN_RESULT_OK, "HMAC vector does not verify");
    c->verifications++;
    /* The signature with its first character changed ('A' <-> 'B'). */
    uint8_t bad[128];
    memcpy(bad, v->signature.ptr, v->signature.len);
    bad[0] = bad[0] == 'A' ? 'B' : 'A';
    rc = snapsign_hmac_verify_transaction(hmac, v->method.ptr, v->method.len, v->path.ptr, v->path.len,
                                          v->access_token.ptr, v->access_token.len, v->body.ptr, v->body.len,
                                          v->timestamp.ptr, v->timestamp.len, bad, v->signature.len);
    CHECK(c, rc == SNAPSIGN_RESULT_SIGNATURE_MISMATCH, "HMAC: a tampered signature verifies");
    c->rejections++;
  }
}

/* A '|' at byte `index` of the client id: the offset and the message name this thread's byte. */
static void own_error(struct counts *c) {
  uint8_t id[THREADS + 1];
  memset(id, 'M', sizeof id);
  id[c->index] = '|';
  uint8_t out[512];
  size_t n = 0;
  const char *ts = "2020-10-04T17:55:58+07:00";
  snapsign_result rc =
      snapsign_signer_sign_token(signer, id, (size_t)c->index + 1, (const uint8_t *)ts, strlen(ts), out, sizeof out, &n);
  CHECK(c, rc == SNAPSIGN_RESULT_PIPE_IN_CLIENT_ID, "the client id with '|' is not PIPE_IN_CLIENT_ID");
  sched_yield(); /* let the other threads record their own errors */
  CHECK(c, snapsign_last_error_offset() == (size_t)c->index, "last-error offset is not this thread's");
  char expected[128];
  snprintf(expected, sizeof expected,
           "client id contains '|' at byte %d, which the token string-to-sign uses as separator", c->index);
  rc = snapsign_last_error_message(out, sizeof out, &n);
  CHECK(c, rc == SNAPSIGN_RESULT_OK && n == strlen(expected) && memcmp(out, expected, n) == 0,
        "last-error message is not this thread's");
  c->own_errors++;
}

static void *worker(void *arg) {
  struct counts *c = arg;
  for (int r = 0; r < rounds; r++) {
    /* Start at a different task per thread, so that different calls overlap. */
    for (int k = 0; k < 3; k++) {
      switch ((c->index + r + k) % 3) {
        case 0: rsa_round(c); break;
        case 1: hmac_round(c); break;
        default: own_error(c); break;
      }
    }
  }
  return NULL;
}

static unsigned char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  static unsigned char buf[16384];
  *len = fread(buf, 1, sizeof buf, f);
  fclose(f);
  return buf;
}

int main(int argc, char **argv) {
  if (argc > 1) rounds = atoi(argv[1]);
  if (rounds < 1) rounds = 1;
  size_t len = 0;
  unsigned char *pem = read_file("tests/vectors/keys/rsa2048-pkcs8.pem", &len);
  if (!pem || snapsign_signer_new(pem, len, NULL, 0, 0, &signer) != SNAPSIGN_RESULT_OK) {
    fprintf(stderr, "cannot load the signer (run from the repository root)\n");
    return 1;
  }
  pem = read_file("tests/vectors/keys/rsa2048-public.pem", &len);
  if (!pem || snapsign_verifier_new(pem, len, 0, &verifier) != SNAPSIGN_RESULT_OK) {
    fprintf(stderr, "cannot load the verifier\n");
    return 1;
  }
  if (snapsign_hmac_new((const uint8_t *)SECRET, strlen(SECRET), &hmac) != SNAPSIGN_RESULT_OK) {
    fprintf(stderr, "cannot make the HMAC handle\n");
    return 1;
  }

  pthread_t threads[THREADS];
  struct counts counts[THREADS];
  for (int i = 0; i < THREADS; i++) {
    memset(&counts[i], 0, sizeof counts[i]);
    counts[i].index = i;
    if (pthread_create(&threads[i], NULL, worker, &counts[i]) != 0) {
      fprintf(stderr, "pthread_create failed\n");
      return 1;
    }
  }
  struct counts total = {0};
  for (int i = 0; i < THREADS; i++) {
    pthread_join(threads[i], NULL);
    total.signatures += counts[i].signatures;
    total.verifications += counts[i].verifications;
    total.rejections += counts[i].rejections;
    total.own_errors += counts[i].own_errors;
    total.failures += counts[i].failures;
  }
  snapsign_signer_free(signer);
  snapsign_verifier_free(verifier);
  snapsign_hmac_free(hmac);

  /* Each thread: 3 RSA + 3 HMAC vectors per round (the vector file's rsa2048 / "a-secret" rows). */
  long expected_own = (long)THREADS * rounds;
  printf("stress: %d threads x %d rounds: %ld signatures, %ld verifications, %ld rejections, "
         "%ld own-error checks, %ld failures\n",
         THREADS, rounds, total.signatures, total.verifications, total.rejections, total.own_errors, total.failures);
  if (total.failures != 0 || total.own_errors != expected_own || total.signatures == 0 ||
      total.signatures != total.verifications || total.signatures != total.rejections) {
    fprintf(stderr, "FAIL\n");
    return 1;
  }
  return 0;
}
