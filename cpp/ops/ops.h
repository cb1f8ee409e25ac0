// Everything the engine offers on tensors, in one include.
#pragma once

#include "ops/conv.h"
#include "ops/creation.h"
#include "ops/elementwise.h"
#include "ops/index.h"
#include "ops/linalg.h"
#include "ops/reduce.h"
#include "ops/rnn.h"
#include "ops/softmax.h"
#include "ops/view.h"
