/* Secrets, from the outside (issue #15): what would a memory dump of this process show?
 *
 * Through the C ABI of the shipped libsnapsign.a this process loads the RSA test key
 * (tests/vectors/keys/rsa2048-pkcs8.pem) and an HMAC client secret, signs and verifies with
 * them, frees them, and then reads every readable mapping of its own memory (/proc/self/maps,
 * /proc/self/mem) looking for d, p, q, dP, dQ (big-endian and little-endian limb bytes) and the
 * client secret. Any 16-byte piece of a secret that starts at a multiple of 16 counts, so a
 * partial copy of 31 or more contiguous bytes is found too.
 *
 * The key's PEM text and the secret's bytes are this process's own input buffers: the library
 * never owns them, so this program wipes them itself (explicit_bzero) before the final scan.
 * The needles are kept XOR-masked (gen_needles.py) and compared byte by byte after unmasking
 * the memory, never the needle, so the scanner holds no plain copy of what it looks for.
 *
 * Control: the same scan while the signer is alive and before the caller's secret buffer is
 * wiped must find d, p, q and the secret; otherwise the scan is blind and the program fails.
 * Exit status: 0 when the control finds them and the final scan finds nothing.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "needles.h"
#include "snapsign.h"

#define FRAG 16
#define CHUNK (1 << 20)
#define MAX_FRAGS 512

static const char *TOKEN_CLIENT = "MCPD00000006";
static const char *TOKEN_TS = "2020-10-04T17:55:58+07:00";
static const char *TOKEN_SIG =
    "2JlCK1mKDbeEMX1wtG6jJvRBn+6tvbhqVjaD+FfsGo2Db0ISlRiUbhZGpfHlhhdkAzpGyRkPf+gcq2pPHYqMXDLRyuv9anGNJXcUaWk8e1aw"
    "FCGnDITdx8SJDWBaM206CuxTgexzixKHRfXNz27nOIYdDruEgyDAPjo4cm+tMOJg+o6s/s4hShnEZ6JySgxgGsunI3p1KS2qd7VZ5futmIun"
    "3awYVM+TPJA0HRKDyF1Ciczp4PYxYX5Gno4hsuuA4nVTxhvJuasLrgFfMU9+bllkqwK2KjX/vt93COeaIVEQ0ZPblasAZ7WCSyzfdj6cuzUT"
    "l3HbdJ8TBIlNO2SF8w==";

struct frag {
  int needle;
  size_t off;
};
static struct frag frags[MAX_FRAGS];
static int nfrags;
/* bucket[b]: the fragments whose plain first byte is b (one byte of a secret says nothing). */
static int bucket_start[257];
static int bucket_list[MAX_FRAGS];

static unsigned char *chunk; /* mmap'd; its own mapping is skipped */

static void build_fragments(void) {
  for (int n = 0; n < NEEDLES_LEN; n++)
    for (size_t off = 0; off + FRAG <= NEEDLES[n].len && nfrags < MAX_FRAGS; off += FRAG)
      frags[nfrags++] = (struct frag){n, off};
  int count[256] = {0};
  for (int i = 0; i < nfrags; i++) count[NEEDLES[frags[i].needle].masked[frags[i].off] ^ NEEDLE_MASK]++;
  bucket_start[0] = 0;
  for (int b = 0; b < 256; b++) bucket_start[b + 1] = bucket_start[b] + count[b];
  int fill[256];
  for (int b = 0; b < 256; b++) fill[b] = bucket_start[b];
  for (int i = 0; i < nfrags; i++) bucket_list[fill[NEEDLES[frags[i].needle].masked[frags[i].off] ^ NEEDLE_MASK]++] = i;
}

static int matches(const unsigned char *mem, const struct frag *f) {
  const unsigned char *m = NEEDLES[f->needle].masked + f->off;
  for (int j = 0; j < FRAG; j++)
    if ((unsigned char)(mem[j] ^ NEEDLE_MASK) != m[j]) return 0;
  return 1;
}

struct scan {
  long regions, bytes, unreadable;
  long found[NEEDLES_LEN];
};

/* Scans every readable mapping; prints each hit (needle, address, mapping) of the needles whose
 * name starts with `show` (NULL: none, "": all). */
static void scan_memory(struct scan *s, const char *show) {
  memset(s, 0, sizeof *s);
  FILE *maps = fopen("/proc/self/maps", "r");
  int mem = open("/proc/self/mem", O_RDONLY);
  if (!maps || mem < 0) {
    perror("open /proc/self/maps or /proc/self/mem");
    exit(2);
  }
  char line[512];
  while (fgets(line, sizeof line, maps)) {
    unsigned long start, end;
    char perms[8], path[256] = "";
    if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255[^\n]", &start, &end, perms, path) < 3) continue;
    if (perms[0] != 'r') continue;
    if (strstr(path, "[vvar") || strstr(path, "[vsyscall]")) continue;
    if ((uintptr_t)chunk >= start && (uintptr_t)chunk < end) continue;
    s->regions++;
    /* Chunks overlap by FRAG - 1 bytes, so a piece across a chunk boundary is still seen. */
    for (unsigned long at = start; at < end;) {
      size_t want = end - at < CHUNK ? end - at : CHUNK;
      ssize_t got = pread(mem, chunk, want, (off_t)at);
      if (got <= 0) {
        s->unreadable += (long)want;
        at += want;
        continue;
      }
      s->bytes += got;
      for (ssize_t i = 0; i + FRAG <= got; i++) {
        unsigned char b = chunk[i];
        for (int k = bucket_start[b]; k < bucket_start[b + 1]; k++) {
          const struct frag *f = &frags[bucket_list[k]];
          if (matches(chunk + i, f)) {
            s->found[f->needle]++;
            if (show && strncmp(NEEDLES[f->needle].name, show, strlen(show)) == 0)
              fprintf(stderr, "  found %s bytes %zu..%zu at %#lx in %s\n", NEEDLES[f->needle].name, f->off,
                      f->off + FRAG, at + (unsigned long)i, path[0] ? path : "[anonymous]");
          }
        }
      }
      at += (size_t)got > FRAG ? (size_t)got - (FRAG - 1) : (size_t)got;
    }
  }
  fclose(maps);
  close(mem);
}

static void report(const char *title, const struct scan *s) {
  printf("%s: %ld mappings, %ld bytes read (%ld unreadable)\n", title, s->regions, s->bytes, s->unreadable);
  for (int n = 0; n < NEEDLES_LEN; n++) printf("  %-28s %ld piece(s)\n", NEEDLES[n].name, s->found[n]);
}

static long found_named(const struct scan *s, const char *prefix) {
  long total = 0;
  for (int n = 0; n < NEEDLES_LEN; n++)
    if (strncmp(NEEDLES[n].name, prefix, strlen(prefix)) == 0) total += s->found[n];
  return total;
}

/* The whole file through read(2) into one malloc'd buffer (no stdio buffer keeps a copy). */
static unsigned char *read_key(const char *path, size_t *len) {
  int fd = open(path, O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) return NULL;
  unsigned char *buf = malloc((size_t)st.st_size);
  size_t have = 0;
  while (buf && have < (size_t)st.st_size) {
    ssize_t got = read(fd, buf + have, (size_t)st.st_size - have);
    if (got <= 0) break;
    have += (size_t)got;
  }
  close(fd);
  *len = have;
  return buf;
}

#define REQUIRE(cond, what)                          \
  do {                                               \
    if (!(cond)) {                                   \
      fprintf(stderr, "FAIL: %s\n", (what));         \
      return 1;                                      \
    }                                                \
  } while (0)

int main(void) {
  chunk = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(chunk != MAP_FAILED, "mmap");
  build_fragments();

  /* The key: loaded, then the caller's PEM copy wiped and freed. */
  size_t pem_len = 0;
  unsigned char *pem = read_key("tests/vectors/keys/rsa2048-pkcs8.pem", &pem_len);
  REQUIRE(pem && pem_len > 0, "read the test key (run from the repository root)");
  snapsign_signer *signer = NULL;
  REQUIRE(snapsign_signer_new(pem, pem_len, NULL, 0, 0, &signer) == SNAPSIGN_RESULT_OK, "load the signer");
  explicit_bzero(pem, pem_len);
  free(pem);

  unsigned char out[512];
  size_t n = 0;
  REQUIRE(snapsign_signer_sign_token(signer, (const uint8_t *)TOKEN_CLIENT, strlen(TOKEN_CLIENT),
                                     (const uint8_t *)TOKEN_TS, strlen(TOKEN_TS), out, sizeof out,
                                     &n) == SNAPSIGN_RESULT_OK &&
              n == strlen(TOKEN_SIG) && memcmp(out, TOKEN_SIG, n) == 0,
          "the signer's token signature is the vector's");
  snapsign_verifier *verifier = NULL;
  REQUIRE(snapsign_signer_verifier(signer, &verifier) == SNAPSIGN_RESULT_OK, "make the verifier");
  REQUIRE(snapsign_verifier_verify_token(verifier, (const uint8_t *)TOKEN_CLIENT, strlen(TOKEN_CLIENT),
                                         (const uint8_t *)TOKEN_TS, strlen(TOKEN_TS),
                                         (const uint8_t *)TOKEN_SIG, strlen(TOKEN_SIG)) == SNAPSIGN_RESULT_OK,
          "the vector verifies");

  /* The client secret: unmasked into the caller's buffer, keyed, used. */
  const struct needle *secret_needle = &NEEDLES[NEEDLES_LEN - 1];
  size_t secret_len = secret_needle->len;
  unsigned char *secret = malloc(secret_len);
  REQUIRE(secret, "malloc");
  for (size_t i = 0; i < secret_len; i++) secret[i] = secret_needle->masked[i] ^ NEEDLE_MASK;
  snapsign_hmac *hmac = NULL;
  REQUIRE(snapsign_hmac_new(secret, secret_len, &hmac) == SNAPSIGN_RESULT_OK, "make the HMAC handle");
  REQUIRE(snapsign_hmac_sign_transaction(hmac, v_method, v_method_len, v_path, v_path_len, v_access_token,
                                         v_access_token_len, v_body, v_body_len, v_timestamp, v_timestamp_len, out,
                                         sizeof out, &n) == SNAPSIGN_RESULT_OK &&
              n == v_signature_len && memcmp(out, v_signature, n) == 0,
          "the HMAC signature is the vector's");
  REQUIRE(snapsign_hmac_verify_transaction(hmac, v_method, v_method_len, v_path, v_path_len, v_access_token,
                                           v_access_token_len, v_body, v_body_len, v_timestamp, v_timestamp_len,
                                           v_signature, v_signature_len) == SNAPSIGN_RESULT_OK,
          "the HMAC vector verifies");

  /* Control: the signer is alive, and so is the caller's copy of the secret. */
  struct scan s;
  scan_memory(&s, NULL);
  report("control (signer alive, caller's secret not yet wiped)", &s);
  REQUIRE(found_named(&s, "d ") > 0 && found_named(&s, "p ") > 0 && found_named(&s, "q ") > 0,
          "control: the live key's d, p and q are not found: the scan is blind");
  REQUIRE(found_named(&s, "client secret") > 0, "control: the live secret is not found: the scan is blind");

  /* The caller wipes its secret; the handle alone must not hold it. */
  explicit_bzero(secret, secret_len);
  free(secret);
  scan_memory(&s, "client secret");
  report("HMAC handle alive, caller's copy wiped", &s);
  REQUIRE(found_named(&s, "client secret") == 0, "the HMAC handle keeps the client secret");

  snapsign_verifier_free(verifier);
  snapsign_signer_free(signer);
  snapsign_hmac_free(hmac);

  scan_memory(&s, "");
  report("after freeing the signer, the verifier and the HMAC handle", &s);
  long total = 0;
  for (int k = 0; k < NEEDLES_LEN; k++) total += s.found[k];
  REQUIRE(total == 0, "a secret is still in memory after the handles were freed");
  printf("ok: %d pieces of %d secrets searched; none left after free\n", nfrags, NEEDLES_LEN);
  return 0;
}
