/* libdl core: status codes, element types, devices, versions, errors,
 * seeding, threads and scopes. Included by dl/dl.h. */
#ifndef DL_CORE_H
#define DL_CORE_H

#include <stddef.h>
#include <stdint.h>

#if defined(SWIG)
#define DL_API
#elif defined(_WIN32)
#define DL_API __declspec(dllexport)
#else
#define DL_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define DL_VERSION_MAJOR 0
#define DL_VERSION_MINOR 1
#define DL_VERSION_PATCH 0

/* Every function returns a dl_status; DL_OK is 0. */
typedef enum {
  DL_OK = 0,
  DL_ERR_INVALID_ARGUMENT = 1, /* NULL, wrong, released handle; bad option   */
  DL_ERR_SHAPE = 2,            /* shapes do not match or broadcast           */
  DL_ERR_DTYPE = 3,
  DL_ERR_DEVICE = 4,           /* mixed devices; device absent               */
  DL_ERR_OUT_OF_MEMORY = 5,
  DL_ERR_IO = 6,               /* file missing, unreadable, unwritable       */
  DL_ERR_FORMAT = 7,           /* corrupt or unsupported file content        */
  DL_ERR_STATE = 8,            /* not valid now (backward twice, ...)        */
  DL_ERR_UNSUPPORTED = 9,      /* not built in (CUDA, MPI) or not implemented*/
  DL_ERR_INTERNAL = 10
} dl_status;

typedef enum {
  DL_FLOAT32 = 0,
  DL_FLOAT64 = 1,
  DL_INT64 = 2,
  DL_INT32 = 3,
  DL_UINT8 = 4,
  DL_BOOL = 5,
  DL_FLOAT16 = 6,
  DL_BFLOAT16 = 7
} dl_dtype;

typedef enum { DL_CPU = 0, DL_CUDA = 1 } dl_device_type;
typedef struct {
  dl_device_type type;
  int index;
} dl_device;

typedef enum { DL_REDUCTION_NONE = 0, DL_REDUCTION_MEAN = 1, DL_REDUCTION_SUM = 2 } dl_reduction;

/* The library's version, "0.1.0". Static storage; never free it. */
DL_API const char* dl_version(void);

/* The ABI version: the major version, bumped only by incompatible changes. */
DL_API int dl_abi_version(void);

/* The message of the last failed call on this thread, naming the function and
 * the offending argument ("dl_matmul: shapes [64, 784] and [128, 10] cannot be
 * multiplied"); "" after a successful call. Thread-local storage owned by
 * libdl, valid until the next dl_ call on the same thread. Never NULL. */
DL_API const char* dl_last_error_message(void);

/* For callbacks (a custom module's forward, a LambdaLR factor, a dataset's
 * get_item) that fail for a reason of their own, such as a binding's
 * exception or panic: sets this thread's last error message to a copy of
 * message (NULL: "") and returns status, so a callback can end with
 * `return dl_set_error(DL_ERR_STATE, "what went wrong");`. The dl_ function
 * that ran the callback then fails with that status and a message that adds
 * its own context before this one. Never fails. */
DL_API dl_status dl_set_error(dl_status status, const char* message);

/* The name of a status code ("DL_ERR_SHAPE"); "DL_UNKNOWN_STATUS" for values
 * outside the enum. Static storage. */
DL_API const char* dl_status_name(dl_status s);

/* Seeds the global random generator (rand, randn, randint, initialization,
 * dropout, shuffling): the same seed gives the same numbers on every platform
 * and thread count. Returns DL_OK. */
DL_API dl_status dl_manual_seed(uint64_t seed);

/* Sets the number of threads CPU kernels and large matrix products use.
 * n: >= 1. Errors: DL_ERR_INVALID_ARGUMENT for n < 1. */
DL_API dl_status dl_set_num_threads(int n);

/* The thread count in use (out: not NULL). Errors: DL_ERR_INVALID_ARGUMENT for NULL. */
DL_API dl_status dl_get_num_threads(int* out);

/* A description of what computes matrix products on the CPU, e.g. "OpenBLAS
 * core SkylakeX (chosen from cpuid); threaded float32 on oneDNN".
 * Static storage, valid for the process. */
DL_API const char* dl_blas_info(void);

/* Frees the memory blocks the CPU allocator keeps for reuse. Returns DL_OK. */
DL_API dl_status dl_empty_cache(void);

/* Scopes, per thread: every tensor handle created on this thread between
 * dl_scope_begin and the matching dl_scope_end is released at dl_scope_end
 * (its memory is freed), except handles passed to dl_scope_keep, which move
 * to the enclosing scope (or to no scope). A released handle reports
 * DL_ERR_INVALID_ARGUMENT ("released by scope") when used; dl_tensor_free on
 * it is still correct and needed to recycle the handle itself. Scopes nest.
 * dl_scope_end without a begin: DL_ERR_STATE. */
DL_API dl_status dl_scope_begin(void);
DL_API dl_status dl_scope_end(void);

#ifdef __cplusplus
}
#endif

#endif /* DL_CORE_H */
