/* libdl data: datasets and the data loader, as torch.utils.data and
 * torchvision's datasets and transforms. A dataset hands out examples;
 * image datasets keep pixels as uint8 and produce float32 in [0, 1], shape
 * (C, H, W), labels DL_INT64. A loader batches a dataset: x [B, ...], y [B]. */
#ifndef DL_DATA_H
#define DL_DATA_H

#include "dl/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dl_dataset dl_dataset;
typedef struct dl_loader dl_loader;

/* Where Debian's dataset-fashion-mnist package puts Fashion-MNIST. */
#define DL_FASHION_MNIST_DIR "/usr/share/datasets/fashion-mnist"

/* MNIST-format IDX files in dir (NULL: DL_FASHION_MNIST_DIR):
 * train-images-idx3-ubyte, train-labels-idx1-ubyte (train 1) or t10k-...
 * (train 0), each raw or with .gz. Images (1, 28, 28). Caller frees *out.
 * Errors: DL_ERR_IO (missing directory or file: the message names the path),
 * DL_ERR_FORMAT (wrong magic number, truncated data, image and label counts
 * that differ, a label outside [0, 10), a corrupt gzip stream: the message
 * names the file), DL_ERR_INVALID_ARGUMENT (out NULL). */
DL_API dl_status dl_dataset_mnist(const char* dir, int train, dl_dataset** out);

/* CIFAR-10 binary files in dir: data_batch_1.bin ... data_batch_5.bin (train
 * 1) or test_batch.bin (train 0). Images (3, 32, 32). Errors as
 * dl_dataset_mnist (DL_ERR_FORMAT for a size that is not whole records or a
 * label outside [0, 10)). */
DL_API dl_status dl_dataset_cifar10(const char* dir, int train, dl_dataset** out);

/* Examples are the rows of x and y (TensorDataset): x [N, ...], y [N, ...];
 * the dataset holds the tensors (borrowed here, shared after). Errors:
 * DL_ERR_SHAPE (different N, or 0-dim), DL_ERR_INVALID_ARGUMENT. */
DL_API dl_status dl_dataset_from_tensors(const dl_tensor* x, const dl_tensor* y, dl_dataset** out);

/* A user's dataset: get_item sets *x and *y to new tensor handles for
 * example index (libdl takes and frees them) and returns DL_OK, or returns
 * an error status that the loader or dl_dataset_get reports with the message
 * of that moment. Examples of one batch must have equal shapes. With
 * num_workers > 0 a loader calls get_item from its worker threads, several at
 * once: it must be thread-safe. free_user_data (nullable) is called with
 * user_data when the dataset is destroyed. Errors: DL_ERR_INVALID_ARGUMENT
 * (size < 0, get_item NULL, out NULL). */
typedef dl_status (*dl_get_item_fn)(int64_t index, dl_tensor** x, dl_tensor** y, void* user_data);
DL_API dl_status dl_dataset_from_callback(int64_t size, dl_get_item_fn get_item, void* user_data,
                                          void (*free_user_data)(void* user_data), dl_dataset** out);

/* transforms.Normalize(mean, std) over ds's inputs: per channel (dim 0 of
 * an example) (x - mean[c]) / std[c]; channels 1 applies one value to all.
 * A new dataset sharing ds. Errors: DL_ERR_INVALID_ARGUMENT (NULL arrays,
 * channels < 1, a zero std); a channel count that does not match the images
 * shows as DL_ERR_SHAPE when examples are read. */
DL_API dl_status dl_dataset_normalize(const dl_dataset* ds, const float* mean, const float* std, int channels,
                                      dl_dataset** out);

/* Number of examples. Errors: DL_ERR_INVALID_ARGUMENT. */
DL_API dl_status dl_dataset_size(const dl_dataset* ds, int64_t* out);

/* Example index: new handles *x (e.g. float32 (1, 28, 28)) and *y (e.g. a
 * 0-dim DL_INT64 label), caller frees both. Errors: DL_ERR_INVALID_ARGUMENT
 * (index out of range, bad handle), a callback dataset's status. */
DL_API dl_status dl_dataset_get(const dl_dataset* ds, int64_t index, dl_tensor** x, dl_tensor** y);

/* Releases this handle; loaders and derived datasets keep what they use. NULL is a no-op. */
DL_API void dl_dataset_free(dl_dataset* ds);

/* Loader options (field order is part of the ABI); dl_loader_defaults():
 * batch 1, no shuffle, seed 0, keep the last partial batch, no workers. */
typedef struct {
  int64_t batch_size;
  int shuffle;     /* a new seeded order each epoch */
  uint64_t seed;   /* same seed, same batches in the same order, whatever num_workers */
  int drop_last;   /* drop the last partial batch */
  int num_workers; /* threads preparing batches ahead; 0: on the calling thread */
} dl_loader_options;
DL_API dl_loader_options dl_loader_defaults(void);

/* A loader over ds (shared). Caller frees *out. Errors:
 * DL_ERR_INVALID_ARGUMENT (batch_size < 1, num_workers < 0, NULL). */
DL_API dl_status dl_loader_new(const dl_dataset* ds, const dl_loader_options* o, dl_loader** out);

/* The next batch of this epoch: new handles *x [B, ...] and *y [B, ...],
 * caller frees both. At the end of an epoch both are NULL and DL_OK is
 * returned; the next call starts a new epoch (reshuffled). Errors: the
 * dataset's (a callback's status, DL_ERR_SHAPE for unequal examples). */
DL_API dl_status dl_loader_next(dl_loader* l, dl_tensor** x, dl_tensor** y);

/* Batches per epoch (ceil or floor of size / batch_size by drop_last).
 * Errors: DL_ERR_INVALID_ARGUMENT. */
DL_API dl_status dl_loader_num_batches(const dl_loader* l, int64_t* out);

/* Stops the workers and releases the loader. NULL is a no-op. */
DL_API void dl_loader_free(dl_loader* l);

#ifdef __cplusplus
}
#endif

#endif /* DL_DATA_H */
