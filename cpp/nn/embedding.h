// nn.Embedding and F.embedding: the rows of a weight table picked by
// integer indices, with PyTorch's padding_idx and max_norm.
#pragma once

#include <optional>

#include "nn/module.h"

namespace dl {

struct EmbeddingOptions {
  // In [-num_embeddings, num_embeddings): its row gets no gradient (and
  // Embedding starts it at zeros).
  std::optional<int64_t> padding_idx;
  // Each row looked up whose norm_type-norm exceeds max_norm is first scaled
  // in place by max_norm / (norm + 1e-7), as PyTorch's embedding_renorm_.
  std::optional<double> max_norm;
  double norm_type = 2.0;  // p > 0, or infinity
};

// indices int64 or int32 of any shape, each in [0, num_embeddings);
// weight [num_embeddings, dim] -> [*indices.shape, dim]. With max_norm,
// weight is changed in place (not recorded by autograd).
Tensor embedding(const Tensor& indices, const Tensor& weight, const EmbeddingOptions& o = {});

class Embedding : public Module {
 public:
  // Parameter "weight" [num_embeddings, embedding_dim] from N(0, 1), as PyTorch.
  Embedding(int64_t num_embeddings, int64_t embedding_dim, const EmbeddingOptions& o = {},
            DType dtype = DType::Float32);
  Tensor forward(const Tensor& indices) override;

 private:
  EmbeddingOptions o_;
};

}  // namespace dl
