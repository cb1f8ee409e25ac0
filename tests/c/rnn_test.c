/* C ABI: recurrent layers, cells and embeddings (dl/rnn.h), checked against
 * closed forms computed here with one hidden unit, shapes and parameter
 * names of the multi-layer bidirectional and projected forms, padded
 * batches against each sequence alone, and the error path of every
 * function. */
#include <math.h>

#include "test_util.h"

static double sigmoid(double v) { return 1 / (1 + exp(-v)); }

static dl_tensor* tensor3(const float* v, int64_t a, int64_t b, int64_t c) {
  const int64_t shape[] = {a, b, c};
  return tf(v, shape, 3);
}

/* x [T = 3, B = 2, 1], the same for every test below. */
static const float kX[6] = {0.5f, -1.0f, 1.5f, 0.25f, -0.75f, 2.0f};

/* RNN(1, 1), w_ih 1.2, w_hh 0.5, b_ih 0.1, b_hh -0.3: h_t = tanh (or relu)
 * of 1.2 x_t - 0.2 + 0.5 h_{t-1}. */
static void rnn_closed_form(void** state) {
  (void)state;
  for (int relu = 0; relu <= 1; ++relu) {
    dl_rnn_options o = dl_rnn_defaults();
    o.nonlinearity = relu ? DL_RNN_RELU : DL_RNN_TANH;
    dl_module* m = NULL;
    assert_int_equal(dl_rnn_new(1, 1, &o, &m), DL_OK);
    set_parameter(m, "weight_ih_l0", (const float[]){1.2f}, 1);
    set_parameter(m, "weight_hh_l0", (const float[]){0.5f}, 1);
    set_parameter(m, "bias_ih_l0", (const float[]){0.1f}, 1);
    set_parameter(m, "bias_hh_l0", (const float[]){-0.3f}, 1);
    dl_tensor *x = tensor3(kX, 3, 2, 1), *h0 = tensor3((const float[]){0.4f, -0.2f}, 1, 2, 1);
    dl_tensor *out = NULL, *h_n = NULL;
    assert_int_equal(dl_rnn_forward(m, x, h0, &out, &h_n), DL_OK);
    double want[6], h[2] = {0.4, -0.2};
    for (int t = 0; t < 3; ++t)
      for (int b = 0; b < 2; ++b) {
        double pre = 1.2 * kX[t * 2 + b] - 0.2 + 0.5 * h[b];
        h[b] = relu ? (pre > 0 ? pre : 0) : tanh(pre);
        want[t * 2 + b] = h[b];
      }
    const int64_t out_shape[] = {3, 2, 1}, h_shape[] = {1, 2, 1};
    expect_shape(out, out_shape, 3);
    expect_shape(h_n, h_shape, 3);
    expect_values(out, want, 6, 1e-5);
    expect_values(h_n, h, 2, 1e-5);
    dl_tensor_free(out), dl_tensor_free(h_n);
    /* dl_module_forward: the output from zero states; h_n may be left out. */
    assert_int_equal(dl_rnn_forward(m, x, NULL, &out, NULL), DL_OK);
    dl_tensor* y = NULL;
    assert_int_equal(dl_module_forward(m, x, &y), DL_OK);
    double a[6], b[6];
    values_of(out, a, 6);
    values_of(y, b, 6);
    for (int i = 0; i < 6; ++i) assert_true(a[i] == b[i]);
    assert_true(fabs(a[0] - (relu ? 0.4 : tanh(0.4))) < 1e-6);
    dl_tensor_free(out), dl_tensor_free(y), dl_tensor_free(x), dl_tensor_free(h0);
    dl_module_free(m);
  }
}

/* LSTM(1, 1) with gates i, f, g, o: w_ih {0.5, -0.3, 0.8, 0.2}, w_hh {0.1,
 * 0.4, -0.6, 0.7}, biases (b_ih + b_hh) {0.1, 0.2, 0, -0.1}. */
static void lstm_closed_form(void** state) {
  (void)state;
  const double w_ih[4] = {0.5, -0.3, 0.8, 0.2}, w_hh[4] = {0.1, 0.4, -0.6, 0.7}, b[4] = {0.1, 0.2, 0, -0.1};
  dl_module* m = NULL;
  assert_int_equal(dl_lstm_new(1, 1, NULL, &m), DL_OK);
  set_parameter(m, "weight_ih_l0", (const float[]){0.5f, -0.3f, 0.8f, 0.2f}, 4);
  set_parameter(m, "weight_hh_l0", (const float[]){0.1f, 0.4f, -0.6f, 0.7f}, 4);
  set_parameter(m, "bias_ih_l0", (const float[]){0.05f, 0.1f, 0.5f, 0}, 4);
  set_parameter(m, "bias_hh_l0", (const float[]){0.05f, 0.1f, -0.5f, -0.1f}, 4);
  dl_tensor *x = tensor3(kX, 3, 2, 1), *c0 = tensor3((const float[]){1.0f, -0.5f}, 1, 2, 1);
  dl_tensor *out = NULL, *h_n = NULL, *c_n = NULL;
  assert_int_equal(dl_lstm_forward(m, x, NULL, c0, &out, &h_n, &c_n), DL_OK);
  double want[6], h[2] = {0, 0}, c[2] = {1.0, -0.5};
  for (int t = 0; t < 3; ++t)
    for (int k = 0; k < 2; ++k) {
      double g[4];
      for (int j = 0; j < 4; ++j) g[j] = w_ih[j] * kX[t * 2 + k] + w_hh[j] * h[k] + b[j];
      c[k] = sigmoid(g[1]) * c[k] + sigmoid(g[0]) * tanh(g[2]);
      h[k] = sigmoid(g[3]) * tanh(c[k]);
      want[t * 2 + k] = h[k];
    }
  expect_values(out, want, 6, 1e-5);
  expect_values(h_n, h, 2, 1e-5);
  expect_values(c_n, c, 2, 1e-5);
  /* Gradients reach every parameter through the ABI's autograd. */
  dl_tensor* loss = NULL;
  assert_int_equal(dl_sum(out, NULL, 0, 0, &loss), DL_OK);
  assert_int_equal(dl_tensor_backward(loss, NULL), DL_OK);
  size_t count = 0;
  assert_int_equal(dl_module_num_parameters(m, &count), DL_OK);
  assert_int_equal(count, 4);
  for (size_t i = 0; i < count; ++i) {
    dl_tensor *p = NULL, *g = NULL;
    assert_int_equal(dl_module_parameter(m, i, &p), DL_OK);
    assert_int_equal(dl_tensor_grad(p, &g), DL_OK);
    assert_non_null(g);
    dl_tensor_free(g), dl_tensor_free(p);
  }
  dl_tensor_free(loss), dl_tensor_free(out), dl_tensor_free(h_n), dl_tensor_free(c_n);
  /* The cell with the same weights gives the first step. */
  dl_module* cell = NULL;
  assert_int_equal(dl_lstm_cell_new(1, 1, 1, &cell), DL_OK);
  set_parameter(cell, "weight_ih", (const float[]){0.5f, -0.3f, 0.8f, 0.2f}, 4);
  set_parameter(cell, "weight_hh", (const float[]){0.1f, 0.4f, -0.6f, 0.7f}, 4);
  set_parameter(cell, "bias_ih", (const float[]){0.1f, 0.2f, 0, -0.1f}, 4);
  set_parameter(cell, "bias_hh", (const float[]){0, 0, 0, 0}, 4);
  const int64_t step_shape[] = {2, 1};
  dl_tensor *x0 = tf(kX, step_shape, 2), *c_prev = tf((const float[]){1.0f, -0.5f}, step_shape, 2);
  dl_tensor *h1 = NULL, *c1 = NULL;
  assert_int_equal(dl_lstm_cell_forward(cell, x0, NULL, c_prev, &h1, &c1), DL_OK);
  double first_h[2], first_c[2];
  for (int k = 0; k < 2; ++k) {
    double g[4];
    for (int j = 0; j < 4; ++j) g[j] = w_ih[j] * kX[k] + b[j];
    first_c[k] = sigmoid(g[1]) * (k ? -0.5 : 1.0) + sigmoid(g[0]) * tanh(g[2]);
    first_h[k] = sigmoid(g[3]) * tanh(first_c[k]);
  }
  expect_values(h1, first_h, 2, 1e-5);
  expect_values(c1, first_c, 2, 1e-5);
  dl_tensor_free(h1), dl_tensor_free(c1), dl_tensor_free(x0), dl_tensor_free(c_prev);
  dl_tensor_free(x), dl_tensor_free(c0);
  dl_module_free(m), dl_module_free(cell);
}

/* GRUCell(1, 1), gates r, z, n: r = sigmoid(x_r + h_r), z = sigmoid(x_z +
 * h_z), n = tanh(x_n + r h_n), h' = (1 - z) n + z h; and RNNCell. */
static void cells_closed_form(void** state) {
  (void)state;
  dl_module* gru = NULL;
  assert_int_equal(dl_gru_cell_new(1, 1, 1, &gru), DL_OK);
  set_parameter(gru, "weight_ih", (const float[]){0.5f, -0.4f, 0.9f}, 3);
  set_parameter(gru, "weight_hh", (const float[]){0.3f, 0.2f, -0.7f}, 3);
  set_parameter(gru, "bias_ih", (const float[]){0.1f, 0, 0.2f}, 3);
  set_parameter(gru, "bias_hh", (const float[]){0, 0.3f, -0.1f}, 3);
  const int64_t shape[] = {2, 1};
  dl_tensor *x = tf(kX, shape, 2), *h = tf((const float[]){0.6f, -0.3f}, shape, 2), *h1 = NULL;
  assert_int_equal(dl_rnn_cell_forward(gru, x, h, &h1), DL_OK);
  double want[2];
  const double hv[2] = {0.6, -0.3};
  for (int k = 0; k < 2; ++k) {
    double r = sigmoid(0.5 * kX[k] + 0.1 + 0.3 * hv[k]), z = sigmoid(-0.4 * kX[k] + 0.2 * hv[k] + 0.3);
    double n = tanh(0.9 * kX[k] + 0.2 + r * (-0.7 * hv[k] - 0.1));
    want[k] = (1 - z) * n + z * hv[k];
  }
  expect_values(h1, want, 2, 1e-5);
  dl_tensor_free(h1);
  dl_module* rnn = NULL;
  assert_int_equal(dl_rnn_cell_new(1, 1, 0, DL_RNN_RELU, &rnn), DL_OK);
  size_t count = 0;
  assert_int_equal(dl_module_num_parameters(rnn, &count), DL_OK);
  assert_int_equal(count, 2); /* no biases */
  set_parameter(rnn, "weight_ih", (const float[]){2.0f}, 1);
  set_parameter(rnn, "weight_hh", (const float[]){-1.0f}, 1);
  assert_int_equal(dl_rnn_cell_forward(rnn, x, h, &h1), DL_OK);
  expect_values(h1, (const double[]){2 * 0.5 - 0.6 > 0 ? 2 * 0.5 - 0.6 : 0, 0}, 2, 1e-6);
  dl_tensor_free(h1);
  assert_int_equal(dl_module_forward(rnn, x, &h1), DL_OK); /* zero state */
  expect_values(h1, (const double[]){1.0, 0}, 2, 1e-6);
  dl_tensor_free(h1), dl_tensor_free(x), dl_tensor_free(h);
  dl_module_free(gru), dl_module_free(rnn);
}

/* Two layers, bidirectional, batch_first, proj_size: PyTorch's shapes and names. */
static void shapes_and_names(void** state) {
  (void)state;
  dl_rnn_options o = dl_rnn_defaults();
  o.num_layers = 2, o.bidirectional = 1, o.batch_first = 1, o.proj_size = 3;
  dl_module* m = NULL;
  assert_int_equal(dl_lstm_new(5, 4, &o, &m), DL_OK);
  size_t count = 0;
  assert_int_equal(dl_module_num_parameters(m, &count), DL_OK);
  assert_int_equal(count, 20);
  char name[64];
  assert_int_equal(dl_module_parameter_name(m, 4, name, sizeof name), DL_OK);
  assert_string_equal(name, "weight_hr_l0");
  assert_int_equal(dl_module_parameter_name(m, 19, name, sizeof name), DL_OK);
  assert_string_equal(name, "weight_hr_l1_reverse");
  dl_tensor* p = NULL;
  assert_int_equal(dl_module_named_parameter(m, "weight_ih_l1_reverse", &p), DL_OK);
  const int64_t w_shape[] = {16, 6}; /* 4 gates x 4 hidden, 2 directions x proj 3 */
  expect_shape(p, w_shape, 2);
  dl_tensor_free(p);
  const int64_t x_shape[] = {2, 7, 5};
  dl_tensor *x = NULL, *out = NULL, *h_n = NULL, *c_n = NULL;
  assert_int_equal(dl_tensor_randn(x_shape, 3, DL_FLOAT32, &x), DL_OK);
  assert_int_equal(dl_lstm_forward(m, x, NULL, NULL, &out, &h_n, &c_n), DL_OK);
  const int64_t out_shape[] = {2, 7, 6}, h_shape[] = {4, 2, 3}, c_shape[] = {4, 2, 4};
  expect_shape(out, out_shape, 3);
  expect_shape(h_n, h_shape, 3);
  expect_shape(c_n, c_shape, 3);
  dl_tensor_free(out), dl_tensor_free(h_n), dl_tensor_free(c_n);
  /* A checkpoint round trip gives the same module. */
  char path[] = "/tmp/dl_lstm_XXXXXX";
  make_temp_file(path);
  assert_int_equal(dl_module_save(m, path), DL_OK);
  dl_module* fresh = NULL;
  assert_int_equal(dl_lstm_new(5, 4, &o, &fresh), DL_OK);
  assert_int_equal(dl_module_load(fresh, path), DL_OK);
  dl_tensor *a = NULL, *b = NULL;
  assert_int_equal(dl_module_forward(m, x, &a), DL_OK);
  assert_int_equal(dl_module_forward(fresh, x, &b), DL_OK);
  double av[84], bv[84];
  values_of(a, av, 84);
  values_of(b, bv, 84);
  for (int i = 0; i < 84; ++i) assert_true(av[i] == bv[i]);
  unlink(path);
  dl_tensor_free(a), dl_tensor_free(b), dl_tensor_free(x);
  dl_module_free(m), dl_module_free(fresh);
}

/* A padded batch: entry 0 has 2 real steps of 3, entry 1 all 3. */
static void padded_batch(void** state) {
  (void)state;
  assert_int_equal(dl_manual_seed(4), DL_OK);
  dl_rnn_options o = dl_rnn_defaults();
  o.bidirectional = 1;
  dl_module *lstm = NULL, *gru = NULL;
  assert_int_equal(dl_lstm_new(1, 2, &o, &lstm), DL_OK);
  assert_int_equal(dl_gru_new(1, 2, &o, &gru), DL_OK);
  dl_tensor* x = tensor3(kX, 3, 2, 1);
  const int64_t lengths[] = {2, 3};
  const float first[] = {kX[0], kX[2]};
  dl_tensor* alone_x = tensor3(first, 2, 1, 1);
  for (int is_lstm = 0; is_lstm <= 1; ++is_lstm) {
    dl_tensor *out = NULL, *h_n = NULL, *c_n = NULL, *alone = NULL, *alone_h = NULL;
    if (is_lstm) {
      assert_int_equal(dl_lstm_forward_padded(lstm, x, lengths, 2, NULL, NULL, &out, &h_n, &c_n), DL_OK);
      assert_int_equal(dl_lstm_forward(lstm, alone_x, NULL, NULL, &alone, &alone_h, NULL), DL_OK);
    } else {
      assert_int_equal(dl_rnn_forward_padded(gru, x, lengths, 2, NULL, &out, &h_n), DL_OK);
      assert_int_equal(dl_rnn_forward(gru, alone_x, NULL, &alone, &alone_h), DL_OK);
    }
    double o_batch[24], o_alone[8], h_batch[8], h_alone[4];
    values_of(out, o_batch, 24);    /* [3, 2, 4]: [step][entry][direction * 2 + unit] */
    values_of(alone, o_alone, 8);   /* [2, 1, 4] */
    values_of(h_n, h_batch, 8);     /* [2, 2, 2]: [direction][entry][unit] */
    values_of(alone_h, h_alone, 4); /* [2, 1, 2] */
    for (int t = 0; t < 2; ++t)
      for (int k = 0; k < 4; ++k) assert_true(fabs(o_batch[t * 8 + k] - o_alone[t * 4 + k]) < 1e-6);
    for (int k = 0; k < 4; ++k) assert_true(o_batch[2 * 8 + k] == 0); /* past entry 0's end */
    for (int d = 0; d < 2; ++d)
      for (int k = 0; k < 2; ++k) assert_true(fabs(h_batch[d * 4 + k] - h_alone[d * 2 + k]) < 1e-6);
    dl_tensor_free(out), dl_tensor_free(h_n), dl_tensor_free(c_n);
    dl_tensor_free(alone), dl_tensor_free(alone_h);
  }
  dl_tensor_free(x), dl_tensor_free(alone_x);
  dl_module_free(lstm), dl_module_free(gru);
}

static void embeddings(void** state) {
  (void)state;
  assert_int_equal(dl_manual_seed(2), DL_OK);
  dl_embedding_options o = dl_embedding_defaults();
  o.has_padding_idx = 1, o.padding_idx = 0;
  dl_module* m = NULL;
  assert_int_equal(dl_embedding_new(6, 3, &o, &m), DL_OK);
  dl_tensor* w = NULL;
  assert_int_equal(dl_module_named_parameter(m, "weight", &w), DL_OK);
  double wv[18];
  values_of(w, wv, 18);
  assert_true(wv[0] == 0 && wv[1] == 0 && wv[2] == 0); /* the padding row */
  const int64_t idx_shape[] = {2, 2};
  const int64_t idx[] = {5, 0, 2, 5};
  dl_tensor *indices = NULL, *out = NULL;
  assert_int_equal(dl_tensor_from_data(idx, DL_INT64, idx_shape, 2, &indices), DL_OK);
  assert_int_equal(dl_module_forward(m, indices, &out), DL_OK);
  const int64_t out_shape[] = {2, 2, 3};
  expect_shape(out, out_shape, 3);
  double ov[12];
  values_of(out, ov, 12);
  for (int i = 0; i < 4; ++i)
    for (int k = 0; k < 3; ++k) assert_true(ov[i * 3 + k] == wv[idx[i] * 3 + k]);
  dl_tensor_free(out);
  /* max_norm: the rows looked up are scaled to norm 1 at most, in place. */
  dl_embedding_options renorm = dl_embedding_defaults();
  renorm.max_norm = 1.0;
  assert_int_equal(dl_embedding(indices, w, &renorm, &out), DL_OK);
  double after[18];
  values_of(w, after, 18);
  int scaled = 0;
  for (int row = 0; row < 6; ++row) {
    double norm = 0, before = 0;
    for (int k = 0; k < 3; ++k)
      norm += after[row * 3 + k] * after[row * 3 + k], before += wv[row * 3 + k] * wv[row * 3 + k];
    norm = sqrt(norm), before = sqrt(before);
    const int looked_up = row == 0 || row == 2 || row == 5;
    if (looked_up && before > 1.0) {
      assert_true(fabs(norm - 1.0) < 1e-5); /* max_norm / (norm + 1e-7) times the row */
      ++scaled;
    } else {
      for (int k = 0; k < 3; ++k) assert_true(after[row * 3 + k] == wv[row * 3 + k]);
    }
  }
  assert_true(scaled > 0);
  dl_tensor_free(out), dl_tensor_free(w), dl_tensor_free(indices);
  dl_module_free(m);
}

static void error_paths(void** state) {
  (void)state;
  dl_module *m = NULL, *lstm = NULL, *gru = NULL, *linear = NULL, *lstm_cell = NULL, *rnn_cell = NULL;
  dl_rnn_options o = dl_rnn_defaults();
  EXPECT_ERROR(dl_rnn_new(0, 4, NULL, &m), DL_ERR_INVALID_ARGUMENT, "dl_rnn_new", "input_size");
  assert_null(m);
  o.nonlinearity = 7;
  EXPECT_ERROR(dl_rnn_new(3, 4, &o, &m), DL_ERR_INVALID_ARGUMENT, "dl_rnn_new", "nonlinearity");
  o = dl_rnn_defaults();
  o.num_layers = 0;
  EXPECT_ERROR(dl_rnn_new(3, 4, &o, &m), DL_ERR_INVALID_ARGUMENT, "dl_rnn_new", "num_layers");
  EXPECT_ERROR(dl_rnn_new(3, 4, NULL, NULL), DL_ERR_INVALID_ARGUMENT, "dl_rnn_new", "'out'");
  o = dl_rnn_defaults();
  o.proj_size = 4;
  EXPECT_ERROR(dl_lstm_new(3, 4, &o, &m), DL_ERR_INVALID_ARGUMENT, "dl_lstm_new", "proj_size");
  o.proj_size = 0, o.dropout = -0.5;
  EXPECT_ERROR(dl_lstm_new(3, 4, &o, &m), DL_ERR_INVALID_ARGUMENT, "dl_lstm_new", "dropout");
  o = dl_rnn_defaults();
  o.proj_size = 2;
  EXPECT_ERROR(dl_gru_new(3, 4, &o, &m), DL_ERR_INVALID_ARGUMENT, "dl_gru_new", "proj_size");
  EXPECT_ERROR(dl_gru_new(3, -1, NULL, &m), DL_ERR_INVALID_ARGUMENT, "dl_gru_new", "hidden_size");
  assert_null(m);

  assert_int_equal(dl_lstm_new(1, 2, NULL, &lstm), DL_OK);
  assert_int_equal(dl_gru_new(1, 2, NULL, &gru), DL_OK);
  assert_int_equal(dl_linear_new(1, 2, 1, &linear), DL_OK);
  dl_tensor *x = tensor3(kX, 3, 2, 1), *out = NULL, *h_n = NULL, *c_n = NULL;
  dl_tensor* bad_h = tensor3((const float[]){0, 0, 0, 0, 0, 0}, 1, 3, 2);
  EXPECT_ERROR(dl_rnn_forward(lstm, x, NULL, &out, &h_n), DL_ERR_INVALID_ARGUMENT, "dl_rnn_forward", "dl_lstm_forward");
  EXPECT_ERROR(dl_rnn_forward(linear, x, NULL, &out, &h_n), DL_ERR_INVALID_ARGUMENT, "dl_rnn_forward", "Linear");
  EXPECT_ERROR(dl_rnn_forward((dl_module*)FOREIGN, x, NULL, &out, &h_n), DL_ERR_INVALID_ARGUMENT, "dl_rnn_forward",
               "'m'");
  EXPECT_ERROR(dl_rnn_forward(gru, FOREIGN, NULL, &out, &h_n), DL_ERR_INVALID_ARGUMENT, "dl_rnn_forward", "'x'");
  EXPECT_ERROR(dl_rnn_forward(gru, x, bad_h, &out, &h_n), DL_ERR_SHAPE, "dl_rnn_forward",
               "'h0' must have shape [1, 2, 2]");
  EXPECT_ERROR(dl_rnn_forward(gru, x, NULL, NULL, &h_n), DL_ERR_INVALID_ARGUMENT, "dl_rnn_forward", "'out'");
  assert_null(out);
  assert_null(h_n);
  EXPECT_ERROR(dl_lstm_forward(gru, x, NULL, NULL, &out, &h_n, &c_n), DL_ERR_INVALID_ARGUMENT, "dl_lstm_forward",
               "dl_rnn_forward");
  EXPECT_ERROR(dl_lstm_forward(lstm, x, NULL, bad_h, &out, &h_n, &c_n), DL_ERR_SHAPE, "dl_lstm_forward", "'c0'");
  assert_null(out);
  assert_null(h_n);
  assert_null(c_n);
  dl_tensor* wide = tensor3((const float[]){0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 3, 2, 2);
  EXPECT_ERROR(dl_lstm_forward(lstm, wide, NULL, NULL, &out, NULL, NULL), DL_ERR_SHAPE, "dl_lstm_forward",
               "input_size");
  dl_tensor* doubles = NULL;
  assert_int_equal(dl_tensor_to_dtype(x, DL_FLOAT64, &doubles), DL_OK);
  EXPECT_ERROR(dl_lstm_forward(lstm, doubles, NULL, NULL, &out, NULL, NULL), DL_ERR_DTYPE, "dl_lstm_forward", "dtype");
  const int64_t lengths[] = {3, 4}, zero_length[] = {0, 3};
  EXPECT_ERROR(dl_rnn_forward_padded(gru, x, NULL, 2, NULL, &out, &h_n), DL_ERR_INVALID_ARGUMENT,
               "dl_rnn_forward_padded", "'lengths'");
  EXPECT_ERROR(dl_rnn_forward_padded(gru, x, lengths, 1, NULL, &out, &h_n), DL_ERR_SHAPE, "dl_rnn_forward_padded",
               "1 lengths for a batch of 2");
  EXPECT_ERROR(dl_rnn_forward_padded(gru, x, lengths, 0, NULL, &out, &h_n), DL_ERR_SHAPE, "dl_rnn_forward_padded",
               "'num_lengths' is 0");
  EXPECT_ERROR(dl_rnn_forward_padded(gru, x, zero_length, 2, NULL, &out, &h_n), DL_ERR_INVALID_ARGUMENT,
               "dl_rnn_forward_padded", "length 0");
  EXPECT_ERROR(dl_rnn_forward_padded(lstm, x, lengths, 2, NULL, &out, &h_n), DL_ERR_INVALID_ARGUMENT,
               "dl_rnn_forward_padded", "dl_lstm_forward_padded");
  EXPECT_ERROR(dl_lstm_forward_padded(lstm, x, lengths, 2, NULL, NULL, &out, &h_n, &c_n), DL_ERR_INVALID_ARGUMENT,
               "dl_lstm_forward_padded", "length 4");
  EXPECT_ERROR(dl_lstm_forward_padded(gru, x, lengths, 2, NULL, NULL, &out, &h_n, &c_n), DL_ERR_INVALID_ARGUMENT,
               "dl_lstm_forward_padded", "dl_rnn_forward_padded");
  EXPECT_ERROR(dl_lstm_forward_padded(lstm, x, lengths, -1, NULL, NULL, &out, &h_n, &c_n), DL_ERR_INVALID_ARGUMENT,
               "dl_lstm_forward_padded", "num_lengths");
  EXPECT_ERROR(dl_lstm_forward_padded(lstm, x, lengths, 2, NULL, NULL, NULL, &h_n, &c_n), DL_ERR_INVALID_ARGUMENT,
               "dl_lstm_forward_padded", "'out'");
  assert_null(h_n);
  assert_null(c_n);

  EXPECT_ERROR(dl_rnn_cell_new(1, 2, 1, 3, &m), DL_ERR_INVALID_ARGUMENT, "dl_rnn_cell_new", "nonlinearity");
  EXPECT_ERROR(dl_lstm_cell_new(1, 0, 1, &m), DL_ERR_INVALID_ARGUMENT, "dl_lstm_cell_new", "hidden_size");
  EXPECT_ERROR(dl_gru_cell_new(0, 2, 1, &m), DL_ERR_INVALID_ARGUMENT, "dl_gru_cell_new", "input_size");
  EXPECT_ERROR(dl_gru_cell_new(1, 2, 1, NULL), DL_ERR_INVALID_ARGUMENT, "dl_gru_cell_new", "'out'");
  assert_null(m);
  assert_int_equal(dl_lstm_cell_new(1, 2, 1, &lstm_cell), DL_OK);
  assert_int_equal(dl_rnn_cell_new(1, 2, 1, DL_RNN_TANH, &rnn_cell), DL_OK);
  const int64_t step_shape[] = {2, 1}, h_shape[] = {3, 2};
  dl_tensor *step = tf(kX, step_shape, 2), *h_bad = tf((const float[]){0, 0, 0, 0, 0, 0}, h_shape, 2);
  dl_tensor *h1 = NULL, *c1 = NULL;
  EXPECT_ERROR(dl_rnn_cell_forward(lstm_cell, step, NULL, &h1), DL_ERR_INVALID_ARGUMENT, "dl_rnn_cell_forward",
               "dl_lstm_cell_forward");
  EXPECT_ERROR(dl_rnn_cell_forward(lstm, step, NULL, &h1), DL_ERR_INVALID_ARGUMENT, "dl_rnn_cell_forward", "LSTM");
  EXPECT_ERROR(dl_rnn_cell_forward(rnn_cell, step, h_bad, &h1), DL_ERR_SHAPE, "dl_rnn_cell_forward", "'h'");
  EXPECT_ERROR(dl_rnn_cell_forward(rnn_cell, x, NULL, &h1), DL_ERR_SHAPE, "dl_rnn_cell_forward", "'x'");
  EXPECT_ERROR(dl_rnn_cell_forward(rnn_cell, step, NULL, NULL), DL_ERR_INVALID_ARGUMENT, "dl_rnn_cell_forward",
               "'h_out'");
  EXPECT_ERROR(dl_lstm_cell_forward(rnn_cell, step, NULL, NULL, &h1, &c1), DL_ERR_INVALID_ARGUMENT,
               "dl_lstm_cell_forward", "dl_rnn_cell_forward");
  EXPECT_ERROR(dl_lstm_cell_forward(lstm_cell, step, NULL, h_bad, &h1, &c1), DL_ERR_SHAPE, "dl_lstm_cell_forward",
               "'c'");
  EXPECT_ERROR(dl_lstm_cell_forward(lstm_cell, step, NULL, NULL, &h1, NULL), DL_ERR_INVALID_ARGUMENT,
               "dl_lstm_cell_forward", "'c_out'");
  assert_null(h1);
  assert_null(c1);

  dl_embedding_options eo = dl_embedding_defaults();
  EXPECT_ERROR(dl_embedding_new(0, 3, NULL, &m), DL_ERR_INVALID_ARGUMENT, "dl_embedding_new", "num_embeddings");
  eo.has_padding_idx = 1, eo.padding_idx = 4;
  EXPECT_ERROR(dl_embedding_new(4, 3, &eo, &m), DL_ERR_INVALID_ARGUMENT, "dl_embedding_new", "padding_idx");
  eo = dl_embedding_defaults();
  eo.max_norm = -1;
  EXPECT_ERROR(dl_embedding_new(4, 3, &eo, &m), DL_ERR_INVALID_ARGUMENT, "dl_embedding_new", "max_norm");
  EXPECT_ERROR(dl_embedding_new(4, 3, NULL, NULL), DL_ERR_INVALID_ARGUMENT, "dl_embedding_new", "'out'");
  assert_null(m);
  const int64_t weight_shape[] = {4, 2}, one[] = {1};
  const int64_t too_big[] = {4};
  dl_tensor *weight = tf((const float[]){1, 2, 3, 4, 5, 6, 7, 8}, weight_shape, 2), *indices = NULL, *e = NULL;
  assert_int_equal(dl_tensor_from_data(too_big, DL_INT64, one, 1, &indices), DL_OK);
  EXPECT_ERROR(dl_embedding(indices, weight, NULL, &e), DL_ERR_INVALID_ARGUMENT, "dl_embedding", "index 4");
  EXPECT_ERROR(dl_embedding(x, weight, NULL, &e), DL_ERR_DTYPE, "dl_embedding", "'indices'");
  EXPECT_ERROR(dl_embedding(indices, x, NULL, &e), DL_ERR_SHAPE, "dl_embedding", "'weight'");
  EXPECT_ERROR(dl_embedding(indices, FOREIGN, NULL, &e), DL_ERR_INVALID_ARGUMENT, "dl_embedding", "'weight'");
  EXPECT_ERROR(dl_embedding(indices, weight, NULL, NULL), DL_ERR_INVALID_ARGUMENT, "dl_embedding", "'out'");
  assert_null(e);

  dl_tensor_free(x), dl_tensor_free(bad_h), dl_tensor_free(wide), dl_tensor_free(doubles);
  dl_tensor_free(step), dl_tensor_free(h_bad), dl_tensor_free(weight), dl_tensor_free(indices);
  dl_module_free(lstm), dl_module_free(gru), dl_module_free(linear), dl_module_free(lstm_cell);
  dl_module_free(rnn_cell);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(rnn_closed_form),  cmocka_unit_test(lstm_closed_form), cmocka_unit_test(cells_closed_form),
      cmocka_unit_test(shapes_and_names), cmocka_unit_test(padded_batch),     cmocka_unit_test(embeddings),
      cmocka_unit_test(error_paths),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
