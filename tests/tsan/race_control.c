/* A deliberate data race: tests/tsan/run.sh checks that ThreadSanitizer reports it, so that a
 * clean run of stress.c means something. */
#include <pthread.h>
#include <stdio.h>

static long counter; /* unsynchronised on purpose */

static void *bump(void *arg) {
  (void)arg;
  for (int i = 0; i < 1000; i++) counter++;
  return NULL;
}

int main(void) {
  pthread_t a, b;
  pthread_create(&a, NULL, bump, NULL);
  pthread_create(&b, NULL, bump, NULL);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  printf("%ld\n", counter);
  return 0;
}
