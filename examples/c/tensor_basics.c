#include <dl/dl.h>
#include <stdio.h>
int main(void) {
  const float a[] = {1, 2, 3, 4}, b[] = {5, 6, 7, 8};
  const int64_t shape[] = {2, 2};
  dl_tensor *x = NULL, *y = NULL, *z = NULL;
  float out[4];
  int failed = dl_tensor_from_data(a, DL_FLOAT32, shape, 2, &x) || dl_tensor_from_data(b, DL_FLOAT32, shape, 2, &y) ||
               dl_matmul(x, y, &z) || dl_tensor_copy_to(z, out, sizeof out);
  if (failed) fprintf(stderr, "error: %s\n", dl_last_error_message());
  else printf("[[%g, %g], [%g, %g]]\n", out[0], out[1], out[2], out[3]);
  dl_tensor_free(x), dl_tensor_free(y), dl_tensor_free(z);
  return failed;
}
