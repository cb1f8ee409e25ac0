/* A user program built against the installed libdl (pkg-config and CMake). */
#include <dl/dl.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  const int64_t shape[1] = {3};
  dl_tensor* t = NULL;
  double total = 0;
  dl_tensor* s = NULL;
  if (dl_tensor_arange(1, 4, 1, DL_FLOAT32, &t) || dl_sum(t, NULL, 0, 0, &s) || dl_tensor_item(s, &total)) {
    fprintf(stderr, "consumer: %s\n", dl_last_error_message());
    return 1;
  }
  (void)shape;
  printf("libdl %s sum %g\n", dl_version(), total);
  dl_tensor_free(t);
  dl_tensor_free(s);
  return strcmp(dl_version(), "0.1.0") != 0 || total != 6.0;
}
