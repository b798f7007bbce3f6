/* Prints what the library says its version is, and checks it against the one its header was
 * packed with when given: version_check [EXPECTED]. */
#include <stdio.h>
#include <string.h>

#include "snapsign.h"

int main(int argc, char **argv) {
  const char *v = snapsign_version();
  printf("%s\n", v);
  if (argc > 1 && strcmp(v, argv[1]) != 0) {
    fprintf(stderr, "FAIL: snapsign_version() is \"%s\", want \"%s\"\n", v, argv[1]);
    return 1;
  }
  return 0;
}
