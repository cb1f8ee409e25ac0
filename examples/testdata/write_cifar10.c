/* Writes a small CIFAR-10 data set in the binary format (records of 1 label
 * byte and 3 planes of 32x32 pixel bytes) for the lenet_cifar example's
 * test: DIR/data_batch_1.bin ... data_batch_5.bin with RECORDS records each
 * and DIR/test_batch.bin with RECORDS records. Class k is an 8x8 bright
 * square in cell k of a 4x4 grid, tinted by k, on uniform noise: a pattern a
 * LeNet learns in a few epochs. Deterministic (a fixed LCG).
 * Usage: write_cifar10 DIR RECORDS */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t lcg_state = 12345u;

static unsigned next_byte(void) {
  lcg_state = lcg_state * 1664525u + 1013904223u;
  return lcg_state >> 24;
}

static int write_file(const char* dir, const char* name, long records) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE* f = fopen(path, "wb");
  if (!f) {
    perror(path);
    return 1;
  }
  unsigned char record[1 + 3 * 32 * 32];
  for (long r = 0; r < records; ++r) {
    int label = (int)(next_byte() % 10);
    int top = 8 * (label / 4), left = 8 * (label % 4);
    record[0] = (unsigned char)label;
    for (int c = 0; c < 3; ++c)
      for (int y = 0; y < 32; ++y)
        for (int x = 0; x < 32; ++x) {
          int inside = y >= top && y < top + 8 && x >= left && x < left + 8;
          unsigned noise = next_byte() / 2; /* 0 .. 127 */
          unsigned tint = (unsigned)((label + c) % 3) * 20;
          record[1 + (c * 32 + y) * 32 + x] = (unsigned char)(inside ? 128 + noise / 2 + tint / 2 : noise);
        }
    if (fwrite(record, sizeof record, 1, f) != 1) {
      perror(path);
      fclose(f);
      return 1;
    }
  }
  return fclose(f) != 0;
}

int main(int argc, char** argv) {
  if (argc != 3 || atol(argv[2]) < 1) {
    fprintf(stderr, "usage: write_cifar10 DIR RECORDS\n");
    return 2;
  }
  long records = atol(argv[2]);
  static const char* const names[] = {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                                      "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"};
  for (int i = 0; i < 6; ++i)
    if (write_file(argv[1], names[i], records)) return 1;
  return 0;
}
