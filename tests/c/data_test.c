/* C ABI: datasets (IDX files the test writes, raw and gzip; CIFAR-10 binary
 * records; tensors; a user callback), Normalize, the loader (batching, seeded
 * shuffling independent of worker count, drop_last) and bad files. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "test_util.h"

#define FOREIGN_DATASET ((dl_dataset*)(void*)foreign_words)

static char g_dir[64];

static void write_file(const char* name, const unsigned char* bytes, size_t n) {
  char path[128];
  snprintf(path, sizeof path, "%s/%s", g_dir, name);
  FILE* f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(bytes, 1, n, f), n);
  fclose(f);
}

static void remove_file(const char* name) {
  char path[128];
  snprintf(path, sizeof path, "%s/%s", g_dir, name);
  unlink(path);
}

/* 3 images of 2x2 with pixel values 10*i + j, and labels {7, 0, 9}. */
static void write_idx(const char* prefix, int count_labels, int bad_label) {
  unsigned char images[16 + 12] = {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j) images[16 + 4 * i + j] = (unsigned char)(10 * i + j);
  unsigned char labels[8 + 3] = {0, 0, 8, 1, 0, 0, 0, (unsigned char)count_labels, 7, 0, (unsigned char)bad_label};
  char name[64];
  snprintf(name, sizeof name, "%s-images-idx3-ubyte", prefix);
  write_file(name, images, sizeof images);
  snprintf(name, sizeof name, "%s-labels-idx1-ubyte", prefix);
  write_file(name, labels, 8 + (size_t)count_labels);
}

static int setup(void** state) {
  (void)state;
  snprintf(g_dir, sizeof g_dir, "/tmp/dl_data_test_XXXXXX");
  return mkdtemp(g_dir) ? 0 : -1;
}

static int teardown(void** state) {
  (void)state;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
  return system(cmd);
}

static void mnist_files_raw_and_gzip(void** state) {
  (void)state;
  write_idx("train", 3, 9);
  for (int gz = 0; gz < 2; ++gz) {
    if (gz) {
      char cmd[160];
      snprintf(cmd, sizeof cmd, "gzip -f %s/train-images-idx3-ubyte %s/train-labels-idx1-ubyte", g_dir, g_dir);
      assert_int_equal(system(cmd), 0);
    }
    dl_dataset* ds = NULL;
    assert_int_equal(dl_dataset_mnist(g_dir, 1, &ds), DL_OK);
    int64_t n = 0;
    assert_int_equal(dl_dataset_size(ds, &n), DL_OK);
    assert_int_equal(n, 3);
    dl_tensor *x = NULL, *y = NULL;
    assert_int_equal(dl_dataset_get(ds, 2, &x, &y), DL_OK);
    const int64_t shape[] = {1, 2, 2};
    expect_shape(x, shape, 3);
    const double pixels[] = {20 / 255.0, 21 / 255.0, 22 / 255.0, 23 / 255.0}, label[] = {9};
    expect_values(x, pixels, 4, 1e-6);
    expect_values(y, label, 1, 0);
    dl_dtype dt;
    assert_int_equal(dl_tensor_dtype(y, &dt), DL_OK);
    assert_int_equal(dt, DL_INT64);
    dl_tensor_free(x), dl_tensor_free(y);
    /* Normalize((0.5), (0.25)) */
    const float mean = 0.5f, std = 0.25f;
    dl_dataset* norm = NULL;
    assert_int_equal(dl_dataset_normalize(ds, &mean, &std, 1, &norm), DL_OK);
    assert_int_equal(dl_dataset_get(norm, 0, &x, &y), DL_OK);
    const double want[] = {(0 - 0.5) / 0.25, (1 / 255.0 - 0.5) / 0.25, (2 / 255.0 - 0.5) / 0.25,
                           (3 / 255.0 - 0.5) / 0.25};
    expect_values(x, want, 4, 1e-5);
    dl_tensor_free(x), dl_tensor_free(y);
    EXPECT_ERROR(dl_dataset_get(ds, 3, &x, &y), DL_ERR_INVALID_ARGUMENT, "dl_dataset_get", "3");
    assert_null(x), assert_null(y);
    dl_dataset_free(norm), dl_dataset_free(ds);
  }
  remove_file("train-images-idx3-ubyte.gz"), remove_file("train-labels-idx1-ubyte.gz");
}

static void bad_mnist_files(void** state) {
  (void)state;
  dl_dataset* ds = FOREIGN_DATASET;
  EXPECT_ERROR(dl_dataset_mnist("/nonexistent/mnist", 1, &ds), DL_ERR_IO, "dl_dataset_mnist", "/nonexistent/mnist");
  assert_null(ds);
  write_idx("t10k", 2, 9); /* 3 images, 2 labels */
  EXPECT_ERROR(dl_dataset_mnist(g_dir, 0, &ds), DL_ERR_FORMAT, "dl_dataset_mnist", "t10k");
  write_idx("t10k", 3, 10); /* label 10 of 10 classes */
  EXPECT_ERROR(dl_dataset_mnist(g_dir, 0, &ds), DL_ERR_FORMAT, "dl_dataset_mnist", "10");
  const unsigned char bad_magic[] = {0, 0, 9, 1, 0, 0, 0, 1, 5};
  write_idx("t10k", 3, 9);
  write_file("t10k-labels-idx1-ubyte", bad_magic, sizeof bad_magic);
  EXPECT_ERROR(dl_dataset_mnist(g_dir, 0, &ds), DL_ERR_FORMAT, "dl_dataset_mnist", "magic");
  const unsigned char truncated[] = {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2};
  write_idx("t10k", 3, 9);
  write_file("t10k-images-idx3-ubyte", truncated, sizeof truncated);
  EXPECT_ERROR(dl_dataset_mnist(g_dir, 0, &ds), DL_ERR_FORMAT, "dl_dataset_mnist", "t10k-images-idx3-ubyte");
  const unsigned char corrupt_gzip[] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xde, 0xad, 0xbe, 0xef};
  remove_file("t10k-images-idx3-ubyte");
  write_file("t10k-images-idx3-ubyte.gz", corrupt_gzip, sizeof corrupt_gzip);
  EXPECT_ERROR(dl_dataset_mnist(g_dir, 0, &ds), DL_ERR_FORMAT, "dl_dataset_mnist", "gzip");
  remove_file("t10k-images-idx3-ubyte.gz");
  EXPECT_ERROR(dl_dataset_mnist(g_dir, 0, &ds), DL_ERR_IO, "dl_dataset_mnist", "t10k-images-idx3-ubyte");
  EXPECT_ERROR(dl_dataset_mnist(g_dir, 0, NULL), DL_ERR_INVALID_ARGUMENT, "dl_dataset_mnist", "'out'");
  remove_file("t10k-labels-idx1-ubyte");
}

static void cifar_records(void** state) {
  (void)state;
  enum { kRecord = 1 + 3 * 32 * 32 };
  static unsigned char records[2 * kRecord];
  for (int r = 0; r < 2; ++r) {
    records[r * kRecord] = (unsigned char)(3 + r);
    for (int p = 0; p < 3 * 32 * 32; ++p) records[r * kRecord + 1 + p] = (unsigned char)((p / 1024) * 100 + r);
  }
  write_file("test_batch.bin", records, sizeof records);
  dl_dataset* ds = NULL;
  assert_int_equal(dl_dataset_cifar10(g_dir, 0, &ds), DL_OK);
  dl_tensor *x = NULL, *y = NULL;
  assert_int_equal(dl_dataset_get(ds, 1, &x, &y), DL_OK);
  const int64_t shape[] = {3, 32, 32};
  expect_shape(x, shape, 3);
  double* v = malloc(3 * 1024 * sizeof(double));
  values_of(x, v, 3 * 1024);
  assert_float_equal(v[0], 1 / 255.0, 1e-6);             /* red plane */
  assert_float_equal(v[1024 + 5], 101 / 255.0, 1e-6);    /* green */
  assert_float_equal(v[2048 + 1023], 201 / 255.0, 1e-6); /* blue */
  free(v);
  const double label[] = {4};
  expect_values(y, label, 1, 0);
  dl_tensor_free(x), dl_tensor_free(y), dl_dataset_free(ds);
  write_file("test_batch.bin", records, kRecord + 7);
  EXPECT_ERROR(dl_dataset_cifar10(g_dir, 0, &ds), DL_ERR_FORMAT, "dl_dataset_cifar10", "test_batch.bin");
  records[0] = 10;
  write_file("test_batch.bin", records, sizeof records);
  EXPECT_ERROR(dl_dataset_cifar10(g_dir, 0, &ds), DL_ERR_FORMAT, "dl_dataset_cifar10", "label");
  EXPECT_ERROR(dl_dataset_cifar10(g_dir, 1, &ds), DL_ERR_IO, "dl_dataset_cifar10", "data_batch_1.bin");
  EXPECT_ERROR(dl_dataset_cifar10(NULL, 1, &ds), DL_ERR_INVALID_ARGUMENT, "dl_dataset_cifar10", "'dir'");
  remove_file("test_batch.bin");
}

/* x [10, 2] with rows (i, -i), y [10] = i. */
static dl_dataset* counting_dataset(void) {
  float xv[20];
  int64_t yv[10];
  for (int i = 0; i < 10; ++i) xv[2 * i] = (float)i, xv[2 * i + 1] = (float)-i, yv[i] = i;
  const int64_t xs[] = {10, 2}, ys[] = {10};
  dl_tensor *x = tf(xv, xs, 2), *y = NULL;
  assert_int_equal(dl_tensor_from_data(yv, DL_INT64, ys, 1, &y), DL_OK);
  dl_dataset* ds = NULL;
  assert_int_equal(dl_dataset_from_tensors(x, y, &ds), DL_OK);
  dl_tensor_free(x), dl_tensor_free(y);
  return ds;
}

/* One epoch's labels in order; returns the number of batches. */
static int epoch_labels(dl_loader* l, int64_t* labels, int64_t* sizes) {
  int batches = 0, k = 0;
  for (;;) {
    dl_tensor *x = NULL, *y = NULL;
    assert_int_equal(dl_loader_next(l, &x, &y), DL_OK);
    if (!x) {
      assert_null(y);
      return batches;
    }
    int64_t n = 0;
    assert_int_equal(dl_tensor_numel(y, &n), DL_OK);
    assert_int_equal(dl_tensor_copy_to(y, labels + k, (size_t)n * sizeof(int64_t)), DL_OK);
    sizes[batches++] = n;
    k += (int)n;
    dl_tensor_free(x), dl_tensor_free(y);
  }
}

static void loader_batches_in_order_and_drop_last(void** state) {
  (void)state;
  dl_dataset* ds = counting_dataset();
  dl_loader_options o = dl_loader_defaults();
  assert_int_equal(o.batch_size, 1);
  assert_int_equal(o.shuffle, 0);
  o.batch_size = 4;
  dl_loader* l = NULL;
  assert_int_equal(dl_loader_new(ds, &o, &l), DL_OK);
  int64_t labels[10], sizes[10], batches = 0;
  assert_int_equal(dl_loader_num_batches(l, &batches), DL_OK);
  assert_int_equal(batches, 3);
  assert_int_equal(epoch_labels(l, labels, sizes), 3);
  for (int i = 0; i < 10; ++i) assert_int_equal(labels[i], i);
  assert_int_equal(sizes[2], 2);
  dl_loader_free(l);
  o.drop_last = 1;
  assert_int_equal(dl_loader_new(ds, &o, &l), DL_OK);
  assert_int_equal(epoch_labels(l, labels, sizes), 2);
  dl_tensor *x = NULL, *y = NULL;
  assert_int_equal(dl_loader_next(l, &x, &y), DL_OK); /* a new epoch starts */
  const int64_t xshape[] = {4, 2};
  expect_shape(x, xshape, 2);
  dl_tensor_free(x), dl_tensor_free(y);
  dl_loader_free(l);
  dl_dataset_free(ds);
}

static void shuffling_is_seeded_and_independent_of_workers(void** state) {
  (void)state;
  dl_dataset* ds = counting_dataset();
  int64_t first[2][10], second[10], sizes[10];
  for (int workers = 0; workers < 2; ++workers) {
    dl_loader_options o = dl_loader_defaults();
    o.batch_size = 3, o.shuffle = 1, o.seed = 42, o.num_workers = workers * 2;
    dl_loader* l = NULL;
    assert_int_equal(dl_loader_new(ds, &o, &l), DL_OK);
    assert_int_equal(epoch_labels(l, first[workers], sizes), 4);
    assert_int_equal(epoch_labels(l, second, sizes), 4);
    assert_memory_not_equal(first[workers], second, sizeof second); /* a new order each epoch */
    int seen[10] = {0};
    for (int i = 0; i < 10; ++i) ++seen[second[i]];
    for (int i = 0; i < 10; ++i) assert_int_equal(seen[i], 1);
    dl_loader_free(l);
  }
  assert_memory_equal(first[0], first[1], sizeof first[0]);
  dl_dataset_free(ds);
}

static int g_user_data_freed;
static void free_flag_counter(void* p) { ++*(int*)p; }

static dl_status square_item(int64_t index, dl_tensor** x, dl_tensor** y, void* user_data) {
  (void)user_data;
  if (index == 5) return dl_tensor_full(NULL, -1, 0, DL_FLOAT32, x); /* fails with a message */
  const int64_t shape[] = {2};
  dl_status st = dl_tensor_full(shape, 1, (double)(index * index), DL_FLOAT32, x);
  if (st == DL_OK) st = dl_tensor_full(NULL, 0, (double)index, DL_INT64, y);
  return st;
}

static void callback_dataset(void** state) {
  (void)state;
  g_user_data_freed = 0;
  dl_dataset* ds = NULL;
  assert_int_equal(dl_dataset_from_callback(8, square_item, &g_user_data_freed, free_flag_counter, &ds), DL_OK);
  dl_tensor *x = NULL, *y = NULL;
  assert_int_equal(dl_dataset_get(ds, 3, &x, &y), DL_OK);
  const double nine[] = {9, 9}, three[] = {3};
  expect_values(x, nine, 2, 0);
  expect_values(y, three, 1, 0);
  dl_tensor_free(x), dl_tensor_free(y);
  dl_loader_options o = dl_loader_defaults();
  o.batch_size = 4, o.num_workers = 1;
  dl_loader* l = NULL;
  assert_int_equal(dl_loader_new(ds, &o, &l), DL_OK);
  assert_int_equal(dl_loader_next(l, &x, &y), DL_OK);
  const double squares[] = {0, 0, 1, 1, 4, 4, 9, 9};
  expect_values(x, squares, 8, 0);
  dl_tensor_free(x), dl_tensor_free(y);
  EXPECT_ERROR(dl_loader_next(l, &x, &y), DL_ERR_INVALID_ARGUMENT, "get_item returned DL_ERR_INVALID_ARGUMENT",
               "index 5");
  assert_null(x), assert_null(y);
  dl_loader_free(l);
  assert_int_equal(g_user_data_freed, 0); /* the loader had a share */
  dl_dataset_free(ds);
  assert_int_equal(g_user_data_freed, 1);
  EXPECT_ERROR(dl_dataset_from_callback(-1, square_item, NULL, NULL, &ds), DL_ERR_INVALID_ARGUMENT,
               "dl_dataset_from_callback", "'size'");
  EXPECT_ERROR(dl_dataset_from_callback(3, NULL, NULL, NULL, &ds), DL_ERR_INVALID_ARGUMENT,
               "dl_dataset_from_callback", "'get_item'");
}

/* Fails for odd indices with a message of its own (dl_set_error). */
static dl_status even_item(int64_t index, dl_tensor** x, dl_tensor** y, void* user_data) {
  (void)user_data;
  if (index % 2) return dl_set_error(DL_ERR_STATE, "odd indices are not allowed");
  dl_status st = dl_tensor_full(NULL, 0, (double)index, DL_FLOAT32, x);
  if (st == DL_OK) st = dl_tensor_full(NULL, 0, (double)index, DL_INT64, y);
  return st;
}

/* A callback's own message reaches the loader's caller, also from a worker thread. */
static void callback_dataset_own_message(void** state) {
  (void)state;
  dl_dataset* ds = NULL;
  assert_int_equal(dl_dataset_from_callback(4, even_item, NULL, NULL, &ds), DL_OK);
  dl_tensor *x = NULL, *y = NULL;
  EXPECT_ERROR(dl_dataset_get(ds, 1, &x, &y), DL_ERR_STATE, "dl_dataset_get: get_item returned DL_ERR_STATE",
               "index 1: odd indices are not allowed");
  for (int workers = 0; workers <= 2; workers += 2) {
    dl_loader_options o = dl_loader_defaults();
    o.batch_size = 2, o.num_workers = workers;
    dl_loader* l = NULL;
    assert_int_equal(dl_loader_new(ds, &o, &l), DL_OK);
    EXPECT_ERROR(dl_loader_next(l, &x, &y), DL_ERR_STATE, "dl_loader_next", "index 1: odd indices are not allowed");
    assert_null(x), assert_null(y);
    dl_loader_free(l);
  }
  dl_dataset_free(ds);
}

static void bad_arguments(void** state) {
  (void)state;
  dl_dataset* ds = counting_dataset();
  dl_dataset* freed = counting_dataset();
  dl_dataset_free(freed);
  dl_dataset* out = FOREIGN_DATASET;
  dl_loader* l = (dl_loader*)FOREIGN;
  dl_loader_options o = dl_loader_defaults();
  int64_t n;
  dl_tensor *x, *y;
  const float one = 1, zero = 0;
  EXPECT_ERROR(dl_dataset_size(freed, &n), DL_ERR_INVALID_ARGUMENT, "dl_dataset_size", "freed");
  EXPECT_ERROR(dl_dataset_size(ds, NULL), DL_ERR_INVALID_ARGUMENT, "dl_dataset_size", "'out'");
  EXPECT_ERROR(dl_dataset_get(FOREIGN_DATASET, 0, &x, &y), DL_ERR_INVALID_ARGUMENT, "dl_dataset_get",
               "not a dl_dataset");
  EXPECT_ERROR(dl_dataset_normalize(ds, NULL, &one, 1, &out), DL_ERR_INVALID_ARGUMENT, "dl_dataset_normalize",
               "'mean'");
  assert_null(out);
  EXPECT_ERROR(dl_dataset_normalize(ds, &one, &zero, 1, &out), DL_ERR_INVALID_ARGUMENT, "dl_dataset_normalize",
               "nonzero");
  EXPECT_ERROR(dl_dataset_normalize(ds, &one, &one, 0, &out), DL_ERR_INVALID_ARGUMENT, "dl_dataset_normalize",
               "'channels'");
  EXPECT_ERROR(dl_dataset_from_tensors(NULL, NULL, &out), DL_ERR_INVALID_ARGUMENT, "dl_dataset_from_tensors", "'x'");
  o.batch_size = 0;
  EXPECT_ERROR(dl_loader_new(ds, &o, &l), DL_ERR_INVALID_ARGUMENT, "dl_loader_new", "batch_size");
  assert_null(l);
  o = dl_loader_defaults();
  o.num_workers = -1;
  EXPECT_ERROR(dl_loader_new(ds, &o, &l), DL_ERR_INVALID_ARGUMENT, "dl_loader_new", "num_workers");
  EXPECT_ERROR(dl_loader_new(ds, NULL, &l), DL_ERR_INVALID_ARGUMENT, "dl_loader_new", "options");
  EXPECT_ERROR(dl_loader_new(freed, &o, &l), DL_ERR_INVALID_ARGUMENT, "dl_loader_new", "freed");
  EXPECT_ERROR(dl_loader_next(NULL, &x, &y), DL_ERR_INVALID_ARGUMENT, "dl_loader_next", "'l'");
  EXPECT_ERROR(dl_loader_num_batches((dl_loader*)FOREIGN, &n), DL_ERR_INVALID_ARGUMENT, "dl_loader_num_batches",
               "not a dl_loader");
  dl_loader_free(NULL), dl_dataset_free(NULL), dl_dataset_free(freed);
  dl_dataset_free(ds);
}

static void installed_fashion_mnist(void** state) {
  (void)state;
  if (access(DL_FASHION_MNIST_DIR, R_OK) != 0) {
    skip(); /* dataset-fashion-mnist is not installed here */
  }
  dl_dataset *train = NULL, *test = NULL;
  int64_t n = 0;
  assert_int_equal(dl_dataset_mnist(NULL, 1, &train), DL_OK);
  assert_int_equal(dl_dataset_size(train, &n), DL_OK);
  assert_int_equal(n, 60000);
  assert_int_equal(dl_dataset_mnist(DL_FASHION_MNIST_DIR, 0, &test), DL_OK);
  assert_int_equal(dl_dataset_size(test, &n), DL_OK);
  assert_int_equal(n, 10000);
  dl_tensor *x = NULL, *y = NULL;
  assert_int_equal(dl_dataset_get(test, 0, &x, &y), DL_OK);
  const int64_t shape[] = {1, 28, 28};
  expect_shape(x, shape, 3);
  const double ankle_boot[] = {9}; /* the first test image of Fashion-MNIST */
  expect_values(y, ankle_boot, 1, 0);
  dl_tensor_free(x), dl_tensor_free(y);
  dl_dataset_free(train), dl_dataset_free(test);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(mnist_files_raw_and_gzip),
      cmocka_unit_test(bad_mnist_files),
      cmocka_unit_test(cifar_records),
      cmocka_unit_test(loader_batches_in_order_and_drop_last),
      cmocka_unit_test(shuffling_is_seeded_and_independent_of_workers),
      cmocka_unit_test(callback_dataset),
      cmocka_unit_test(callback_dataset_own_message),
      cmocka_unit_test(bad_arguments),
      cmocka_unit_test(installed_fashion_mnist),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
