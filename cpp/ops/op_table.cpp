#include "ops/op_table.h"

#include "backends/backend.h"
#include "base/error.h"

namespace dl {

const char* op_name(OpId op) {
  static const char* const names[] = {
#define DL_OP_NAME(name, kind, grad) #name,
      DL_OP_TABLE(DL_OP_NAME)
#undef DL_OP_NAME
  };
  static_assert(sizeof(names) / sizeof(names[0]) == kOpCount, "op name table out of step");
  return names[static_cast<int>(op)];
}

OpKind op_kind(OpId op) {
  static const OpKind kinds[] = {
#define DL_OP_KIND(name, kind, grad) OpKind::kind,
      DL_OP_TABLE(DL_OP_KIND)
#undef DL_OP_KIND
  };
  return kinds[static_cast<int>(op)];
}

GradKind op_grad_kind(OpId op) {
  static const GradKind kinds[] = {
#define DL_OP_GRAD(name, kind, grad) GradKind::grad,
      DL_OP_TABLE(DL_OP_GRAD)
#undef DL_OP_GRAD
  };
  return kinds[static_cast<int>(op)];
}

void dispatch(const KernelCall& call) {
  const Tensor& first = *call.out[0];
  const Backend& be = backend_for(first.device());
  // The dtype a kernel computes in is its first input's (comparisons write bool).
  DType dtype = call.in[0] ? call.in[0]->dtype() : first.dtype();
  if (call.op == OpId::where) dtype = call.in[1]->dtype();
  Kernel k = be.kernels[static_cast<int>(call.op)];
  DL_CHECK(k && be.supports(call.op, dtype), Status::Unsupported, "op '", op_name(call.op),
           "' is not supported for dtype ", dtype_name(dtype), " on ", be.name);
  k(call);
}

}  // namespace dl
