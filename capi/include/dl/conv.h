/* libdl image layers, as torch.nn and torch.nn.functional: 2-d convolution,
 * max/average/adaptive pooling, dropout and batch normalization, as
 * functions on tensors and as modules (freed with dl_module_free).
 * Images are [N, C, H, W] float tensors, or [C, H, W] for one unbatched
 * image. A window larger than its (padded) input is DL_ERR_SHAPE with a
 * message giving the input's shape and the kernel. */
#ifndef DL_CONV_H
#define DL_CONV_H

#include "dl/nn.h"

#ifdef __cplusplus
extern "C" {
#endif

/* conv2d padding: explicit sizes (pad_h, pad_w zeros on each side), "same"
 * (the output as large as the input, stride 1 only; an odd total pads one
 * more after) or "valid" (no padding). */
typedef enum { DL_PADDING_EXPLICIT = 0, DL_PADDING_SAME = 1, DL_PADDING_VALID = 2 } dl_padding_mode;

/* Field order is part of the ABI. bias is read by dl_conv2d_new only. */
typedef struct {
  int64_t stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w, groups;
  int padding_mode; /* dl_padding_mode */
  int bias;
} dl_conv2d_options;
/* PyTorch's defaults: stride 1, padding 0 (explicit), dilation 1, groups 1, bias. */
DL_API dl_conv2d_options dl_conv2d_defaults(void);

/* Field order is part of the ABI. stride 0 means the kernel size (PyTorch's
 * default); dilation is read by max pooling, count_include_pad and
 * divisor_override (0: none) by average pooling. */
typedef struct {
  int64_t stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w;
  int ceil_mode, count_include_pad;
  int64_t divisor_override;
} dl_pool2d_options;
/* stride = kernel, padding 0, dilation 1, floor mode, count_include_pad 1, no divisor override. */
DL_API dl_pool2d_options dl_pool2d_defaults(void);

/* ---- Functional forms. */

/* x [N, C, H, W], weight [O, C / groups, kh, kw], bias [O] or NULL -> [N, O, Ho, Wo]. */
DL_API dl_status dl_conv2d(const dl_tensor* x, const dl_tensor* weight, const dl_tensor* bias /*nullable*/,
                           int64_t stride_h, int64_t stride_w, int64_t pad_h, int64_t pad_w, int64_t dilation_h,
                           int64_t dilation_w, int64_t groups, dl_tensor** out);
/* stride 0: the kernel size. */
DL_API dl_status dl_max_pool2d(const dl_tensor* x, int64_t kernel_h, int64_t kernel_w, int64_t stride_h,
                               int64_t stride_w, int64_t pad_h, int64_t pad_w, int ceil_mode, dl_tensor** out);
DL_API dl_status dl_avg_pool2d(const dl_tensor* x, int64_t kernel_h, int64_t kernel_w, int64_t stride_h,
                               int64_t stride_w, int64_t pad_h, int64_t pad_w, int ceil_mode, int count_include_pad,
                               dl_tensor** out);
/* F.dropout: in training, elements zeroed with probability p (from the
 * dl_manual_seed generator), the rest scaled by 1 / (1 - p); else x itself. */
DL_API dl_status dl_dropout(const dl_tensor* x, double p, int training, dl_tensor** out);
/* dl_conv2d with the options (NULL: defaults), for "same"/"valid" padding. */
DL_API dl_status dl_conv2d_with(const dl_tensor* x, const dl_tensor* weight, const dl_tensor* bias /*nullable*/,
                                const dl_conv2d_options* o /*nullable*/, dl_tensor** out);
/* Max pooling with the index of each maximum in its flattened H*W plane (int64), for max_unpool. */
DL_API dl_status dl_max_pool2d_with_indices(const dl_tensor* x, int64_t kernel_h, int64_t kernel_w,
                                            const dl_pool2d_options* o /*nullable*/, dl_tensor** values,
                                            dl_tensor** indices);
/* Average pooling with every option (dl_avg_pool2d in core has no divisor_override). */
DL_API dl_status dl_avg_pool2d_with(const dl_tensor* x, int64_t kernel_h, int64_t kernel_w,
                                    const dl_pool2d_options* o /*nullable*/, dl_tensor** out);
/* -> [N, C, out_h, out_w]; window i spans [floor(i H / out_h), ceil((i + 1) H / out_h)). */
DL_API dl_status dl_adaptive_avg_pool2d(const dl_tensor* x, int64_t out_h, int64_t out_w, dl_tensor** out);
/* F.dropout2d: in training, whole channels zeroed with probability p, the rest scaled by 1 / (1 - p). */
DL_API dl_status dl_dropout2d(const dl_tensor* x, double p, int training, dl_tensor** out);
/* F.batch_norm over dim 1 of [N, C, *]: weight, bias, running_mean, running_var are [C] or NULL.
 * In training (or without running statistics) the batch's statistics are
 * used, and running_mean/running_var (when given) are updated in place by momentum. */
DL_API dl_status dl_batch_norm(const dl_tensor* x, dl_tensor* running_mean /*nullable*/,
                               dl_tensor* running_var /*nullable*/, const dl_tensor* weight /*nullable*/,
                               const dl_tensor* bias /*nullable*/, int training, double momentum, double eps,
                               dl_tensor** out);

/* ---- Modules. */

/* nn.Conv2d(in, out, (kernel_h, kernel_w), ...): parameters "weight"
 * [out, in / groups, kh, kw] (Kaiming-uniform, a = sqrt(5)) and "bias" [out]
 * (uniform in +-1/sqrt(fan_in)), as PyTorch. o NULL: defaults. */
DL_API dl_status dl_conv2d_new(int64_t in_channels, int64_t out_channels, int64_t kernel_h, int64_t kernel_w,
                               const dl_conv2d_options* o /*nullable*/, dl_module** out);
/* nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d: no parameters. */
DL_API dl_status dl_max_pool2d_new(int64_t kernel_h, int64_t kernel_w, const dl_pool2d_options* o /*nullable*/,
                                   dl_module** out);
DL_API dl_status dl_avg_pool2d_new(int64_t kernel_h, int64_t kernel_w, const dl_pool2d_options* o /*nullable*/,
                                   dl_module** out);
DL_API dl_status dl_adaptive_avg_pool2d_new(int64_t out_h, int64_t out_w, dl_module** out);
/* nn.Dropout(p) and nn.Dropout2d(p): active in train mode (dl_module_train), the identity in eval. */
DL_API dl_status dl_dropout_new(double p, dl_module** out);
DL_API dl_status dl_dropout2d_new(double p, dl_module** out);

/* Field order is part of the ABI. cumulative_average: PyTorch's momentum=None. */
typedef struct {
  double eps, momentum;
  int affine, track_running_stats, cumulative_average;
} dl_batch_norm_options;
/* eps 1e-5, momentum 0.1, affine, tracking running statistics. */
DL_API dl_batch_norm_options dl_batch_norm_defaults(void);
/* nn.BatchNorm1d ([N, C] or [N, C, L]) and nn.BatchNorm2d ([N, C, H, W]):
 * parameters "weight" (ones) and "bias" (zeros) when affine, buffers
 * "running_mean", "running_var", "num_batches_tracked" when tracking (saved
 * with the model, as PyTorch's state_dict). o NULL: defaults. */
DL_API dl_status dl_batch_norm1d_new(int64_t num_features, const dl_batch_norm_options* o /*nullable*/,
                                     dl_module** out);
DL_API dl_status dl_batch_norm2d_new(int64_t num_features, const dl_batch_norm_options* o /*nullable*/,
                                     dl_module** out);

#ifdef __cplusplus
}
#endif

#endif /* DL_CONV_H */
