/* libdl nn: modules (layers and models, as torch.nn), functional
 * activations and losses. A dl_module handle shares its module: handles from
 * dl_module_child, and modules appended to several containers, are the same
 * module, alive while any handle or parent holds it. Parameters are named
 * as PyTorch names them ("0.weight", "fc1.bias"). */
#ifndef DL_NN_H
#define DL_NN_H

#include "dl/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dl_module dl_module;

/* ---- Layers. Each returns a new module the caller frees with dl_module_free.
 * Initialization draws from the generator seeded by dl_manual_seed. */

/* nn.Linear: [*, in] -> [*, out], y = x W^T + b; W [out, in] Kaiming-uniform
 * (a = sqrt(5)), b [out] uniform in +-1/sqrt(in), as PyTorch. bias: 0 for none.
 * Errors: DL_ERR_INVALID_ARGUMENT (features < 1, out NULL). */
DL_API dl_status dl_linear_new(int64_t in_features, int64_t out_features, int bias, dl_module** out);

/* nn.Sequential: an empty container; children appended with
 * dl_module_append are named "0", "1", ... and applied in order.
 * Errors: DL_ERR_INVALID_ARGUMENT (out NULL). */
DL_API dl_status dl_sequential_new(dl_module** out);

/* Activation and shape modules, as nn.ReLU(), nn.LeakyReLU(negative_slope),
 * nn.ELU(alpha), nn.GELU(approximate: 0 "none", 1 "tanh"), nn.Sigmoid(),
 * nn.Tanh(), nn.Softmax(dim), nn.LogSoftmax(dim), nn.Flatten(start_dim,
 * end_dim) (PyTorch's defaults are 1, -1), nn.Identity(). No parameters.
 * Errors: DL_ERR_INVALID_ARGUMENT (out NULL). */
DL_API dl_status dl_relu_new(dl_module** out);
DL_API dl_status dl_leaky_relu_new(double negative_slope, dl_module** out);
DL_API dl_status dl_elu_new(double alpha, dl_module** out);
DL_API dl_status dl_gelu_new(int approximate_tanh, dl_module** out);
DL_API dl_status dl_sigmoid_new(dl_module** out);
DL_API dl_status dl_tanh_new(dl_module** out);
DL_API dl_status dl_softmax_new(int64_t dim, dl_module** out);
DL_API dl_status dl_log_softmax_new(int64_t dim, dl_module** out);
DL_API dl_status dl_flatten_new(int64_t start_dim, int64_t end_dim, dl_module** out);
DL_API dl_status dl_identity_new(dl_module** out);

/* ---- Your own model, the seeds' `class Net(nn.Module)` way. */

/* The forward of a custom module: compute *out from x with dl_ ops and the
 * module's children (dl_module_child) and parameters
 * (dl_module_named_parameter). self and x are borrowed for the call; *out
 * must be a new tensor handle, which libdl takes and frees. Return DL_OK, or
 * a dl_status (usually the one of the dl_ call that failed); the failure
 * reaches the caller of dl_module_forward with the message of that moment. */
typedef dl_status (*dl_forward_fn)(dl_module* self, const dl_tensor* x, dl_tensor** out, void* user_data);

/* A container module named type_name (for messages, as "Net") whose forward
 * is `forward`. Register its layers with dl_module_register and raw
 * parameters with dl_module_register_parameter, as __init__ does.
 * user_data is passed to forward; free_user_data (nullable) is called with it
 * once the module is destroyed. type_name is copied.
 * Errors: DL_ERR_INVALID_ARGUMENT (type_name or forward NULL, out NULL). */
DL_API dl_status dl_module_new(const char* type_name, dl_forward_fn forward, void* user_data,
                               void (*free_user_data)(void* user_data), dl_module** out);

/* ---- Building containers. Children are shared, not taken: the caller
 * still frees its own handle. */

/* Appends child to a Sequential under the next index name.
 * Errors: DL_ERR_INVALID_ARGUMENT (bad handles; seq is not a Sequential;
 * child is seq itself or contains it). */
DL_API dl_status dl_module_append(dl_module* seq, const dl_module* child);

/* Registers child under name ("fc1") in parent. name: non-empty, no '.',
 * unique within parent. Errors: DL_ERR_INVALID_ARGUMENT (bad handle, bad or
 * taken name, a cycle). */
DL_API dl_status dl_module_register(dl_module* parent, const char* name, const dl_module* child);

/* Registers t as a parameter of m under name: t becomes a leaf that requires
 * grad (a detached copy of its data if it had history); the module and the
 * caller's handle then refer to the same tensor.
 * Errors: DL_ERR_INVALID_ARGUMENT (bad handles, bad or taken name),
 * DL_ERR_DTYPE (t is not floating). */
DL_API dl_status dl_module_register_parameter(dl_module* m, const char* name, dl_tensor* t);

/* The child registered under name directly in m (no dots): a new handle to
 * the same module, caller frees. Errors: DL_ERR_INVALID_ARGUMENT (bad
 * handle, no such child: the message lists m's children). */
DL_API dl_status dl_module_child(const dl_module* m, const char* name, dl_module** out);

/* ---- Using modules. */

/* out = m(x), recorded by autograd. Errors: those of the layer's ops
 * (DL_ERR_SHAPE for an input of the wrong width ...), DL_ERR_INVALID_ARGUMENT
 * (bad handles), a custom forward's own status. */
DL_API dl_status dl_module_forward(dl_module* m, const dl_tensor* x, dl_tensor** out);

/* Train (1) or eval (0) mode, recursive (dropout, batch norm).
 * Errors: DL_ERR_INVALID_ARGUMENT. */
DL_API dl_status dl_module_train(dl_module* m, int training);
/* *out = 1 in train mode. Errors: DL_ERR_INVALID_ARGUMENT. */
DL_API dl_status dl_module_is_training(const dl_module* m, int* out);

/* Moves parameters and buffers to device, recursive; handles to them taken
 * before stay on the old device. Errors: DL_ERR_DEVICE (device absent or not
 * built in), DL_ERR_INVALID_ARGUMENT. */
DL_API dl_status dl_module_to(dl_module* m, dl_device device);

/* The module's type name ("Linear", "Sequential", the name given to
 * dl_module_new). Borrowed: valid while the module lives.
 * Errors: DL_ERR_INVALID_ARGUMENT. */
DL_API dl_status dl_module_type_name(const dl_module* m, const char** out);

/* Number of parameter tensors, recursive, each shared tensor once.
 * Errors: DL_ERR_INVALID_ARGUMENT. */
DL_API dl_status dl_module_num_parameters(const dl_module* m, size_t* out);

/* Parameter index (registration order, as model.parameters()): a new handle
 * to the same tensor, caller frees. Errors: DL_ERR_INVALID_ARGUMENT (bad
 * handle, index out of range). */
DL_API dl_status dl_module_parameter(const dl_module* m, size_t index, dl_tensor** out);

/* The dotted name of parameter index, copied into buffer (capacity bytes
 * including the terminating NUL). Errors: DL_ERR_INVALID_ARGUMENT (bad
 * handle, index out of range, buffer NULL or too small: the message gives
 * the length needed). */
DL_API dl_status dl_module_parameter_name(const dl_module* m, size_t index, char* buffer, size_t capacity);

/* The parameter with this dotted name ("0.weight", "fc1.bias"): a new handle
 * to the same tensor, caller frees. Errors: DL_ERR_INVALID_ARGUMENT (bad
 * handle, no such parameter). */
DL_API dl_status dl_module_named_parameter(const dl_module* m, const char* name, dl_tensor** out);

/* Saves parameters and buffers to path as safetensors with PyTorch's names.
 * Atomic: written to a temporary file, flushed, then renamed over path; on
 * failure path is unchanged. Errors: DL_ERR_IO (cannot write),
 * DL_ERR_INVALID_ARGUMENT. */
DL_API dl_status dl_module_save(const dl_module* m, const char* path);

/* Loads parameters and buffers from a safetensors file (from dl_module_save
 * or PyTorch's safetensors.torch.save_file(model.state_dict())). Strict: the
 * file must hold exactly m's names with m's shapes (dtypes convert). On any
 * error m is unchanged. Errors: DL_ERR_IO (missing or unreadable file),
 * DL_ERR_FORMAT (corrupt file, missing or unexpected names), DL_ERR_SHAPE. */
DL_API dl_status dl_module_load(dl_module* m, const char* path);

/* Releases this handle; the module lives on while other handles or parents
 * hold it. NULL is a no-op. */
DL_API void dl_module_free(dl_module* m);

/* ---- Functional activations (the others are in dl/ops.h). x: [*] -> [*]. */
DL_API dl_status dl_leaky_relu(const dl_tensor* x, double negative_slope, dl_tensor** out);
DL_API dl_status dl_elu(const dl_tensor* x, double alpha, dl_tensor** out);
DL_API dl_status dl_gelu(const dl_tensor* x, int approximate_tanh, dl_tensor** out);

/* ---- Losses. Each returns a new tensor: a 0-dim tensor for MEAN and SUM, the
 * unreduced losses for NONE. Recorded by autograd. Errors common to all:
 * DL_ERR_INVALID_ARGUMENT (bad handles, reduction not a dl_reduction),
 * DL_ERR_SHAPE (input and target do not match), DL_ERR_DTYPE. */

/* (input - target)^2 and |input - target|; input and target broadcast. */
DL_API dl_status dl_mse_loss(const dl_tensor* input, const dl_tensor* target, dl_reduction r, dl_tensor** out);
DL_API dl_status dl_l1_loss(const dl_tensor* input, const dl_tensor* target, dl_reduction r, dl_tensor** out);

/* Options of the class-index losses, PyTorch's defaults from
 * dl_class_loss_defaults(): no weight, ignore_index -100, no smoothing, MEAN. */
typedef struct {
  const dl_tensor* weight; /* [C] per-class weights, or NULL; borrowed */
  int64_t ignore_index;    /* targets equal to it count for nothing */
  double label_smoothing;  /* cross entropy only, in [0, 1] */
  dl_reduction reduction;
} dl_class_loss_options;
DL_API dl_class_loss_options dl_class_loss_defaults(void);

/* nn.CrossEntropyLoss: logits [N, C] (or [N, C, d1, ...], or [C]), target
 * DL_INT64 class indices [N] (or [N, d1, ...], or []) in [0, C).
 * Errors also: DL_ERR_DTYPE (target not DL_INT64), DL_ERR_INVALID_ARGUMENT
 * (a target out of range: the message gives it). */
DL_API dl_status dl_cross_entropy(const dl_tensor* logits, const dl_tensor* target, dl_reduction r, dl_tensor** out);
DL_API dl_status dl_cross_entropy_ex(const dl_tensor* logits, const dl_tensor* target,
                                     const dl_class_loss_options* options, dl_tensor** out);

/* nn.NLLLoss: log_probs as the logits above (from dl_log_softmax). */
DL_API dl_status dl_nll_loss(const dl_tensor* log_probs, const dl_tensor* target, dl_reduction r, dl_tensor** out);
DL_API dl_status dl_nll_loss_ex(const dl_tensor* log_probs, const dl_tensor* target,
                                const dl_class_loss_options* options, dl_tensor** out);

/* nn.BCELoss: input probabilities in [0, 1], target the same shape; weight
 * (nullable) broadcasts to it. Logs are clamped at -100 as in PyTorch. */
DL_API dl_status dl_bce_loss(const dl_tensor* input, const dl_tensor* target, const dl_tensor* weight, dl_reduction r,
                             dl_tensor** out);

/* nn.BCEWithLogitsLoss: input logits (numerically stable); weight and
 * pos_weight (per class, the last dim) nullable. */
DL_API dl_status dl_bce_with_logits_loss(const dl_tensor* input, const dl_tensor* target, const dl_tensor* weight,
                                         const dl_tensor* pos_weight, dl_reduction r, dl_tensor** out);

#ifdef __cplusplus
}
#endif

#endif /* DL_NN_H */
