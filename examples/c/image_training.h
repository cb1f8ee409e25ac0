/* The training program shared by the image-classification examples
 * (mnist_mlp.c, convnet.c, fashion_bn_cnn.c, lstm_fashion.c on
 * Fashion-MNIST; lenet_cifar.c on CIFAR-10): a normalized data set in
 * shuffled batches, SGD with momentum and weight decay or Adam (the
 * recipe's choice; optionally cosine-annealed over the epochs),
 * cross-entropy on the model's output, and reporting. After each epoch it
 * prints the test accuracy (the model in eval mode). On a terminal a live
 * progress bar shows loss, samples/s and ETA; otherwise one line per epoch.
 * Flags:
 *   [--epochs N] [--batch-size N] [--lr F] [--momentum F] [--seed N]
 *   [--data DIR] [--threads N] [--workers N] [--csv PATH] [--json] [--fingerprint]
 * --data defaults to the recipe's directory (Debian's dataset-fashion-mnist
 * for Fashion-MNIST); --csv writes per-epoch metrics; --json prints
 * machine-readable lines for bench/run. --fingerprint prints, after
 * training, the run's fingerprint that the cross-language test compares
 * (NOTE [run fingerprint]). */
#ifndef IMAGE_TRAINING_H
#define IMAGE_TRAINING_H

#include <dl/dl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static const char* program_name = "example";

static void check(dl_status s) {
  if (s != DL_OK) {
    fprintf(stderr, "%s: %s\n", program_name, dl_last_error_message());
    exit(1);
  }
}

/* Registers child under name in net and drops our handle (net keeps it). */
static void register_child(dl_module* net, const char* name, dl_module* child) {
  check(dl_module_register(net, name, child));
  dl_module_free(child);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The optimizer of a recipe: SGD (lr, momentum, weight_decay) or Adam (lr,
 * weight_decay; betas and eps PyTorch's defaults). */
typedef enum { OPTIMIZER_SGD = 0, OPTIMIZER_ADAM = 1 } optimizer_kind;

typedef struct {
  int epochs, threads, workers, json, fingerprint;
  int64_t batch_size;
  optimizer_kind optimizer;
  double lr, momentum, weight_decay;
  int cosine; /* CosineAnnealingLR(T_max = epochs), stepped after each epoch */
  uint64_t seed;
  const char *data, *csv;
} options;

/* A normalized train (1) or test (0) split from dir; exits on failure. */
typedef dl_dataset* (*load_split_fn)(const char* dir, int train);

static void usage(void) {
  fprintf(stderr,
          "usage: %s [--epochs N] [--batch-size N] [--lr F] [--momentum F] [--seed N]\n"
          "          [--data DIR] [--threads N] [--workers N] [--csv PATH] [--json] [--fingerprint]\n",
          program_name);
  exit(2);
}

static options parse_args(int argc, char** argv, options o) {
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--json")) { o.json = 1; continue; }
    if (!strcmp(a, "--fingerprint")) { o.fingerprint = 1; continue; }
    if (!v) usage();
    if (!strcmp(a, "--epochs")) o.epochs = atoi(v);
    else if (!strcmp(a, "--batch-size")) o.batch_size = atoll(v);
    else if (!strcmp(a, "--lr")) o.lr = atof(v);
    else if (!strcmp(a, "--momentum")) o.momentum = atof(v);
    else if (!strcmp(a, "--seed")) o.seed = strtoull(v, NULL, 10);
    else if (!strcmp(a, "--data")) o.data = v;
    else if (!strcmp(a, "--threads")) o.threads = atoi(v);
    else if (!strcmp(a, "--workers")) o.workers = atoi(v);
    else if (!strcmp(a, "--csv")) o.csv = v;
    else usage();
    ++i;
  }
  if (o.epochs < 1 || o.batch_size < 1 || o.workers < 0 || o.threads < 0) usage();
  if (!o.data) {
    fprintf(stderr, "%s: --data DIR is required (the directory of the data set's files)\n", program_name);
    exit(2);
  }
  return o;
}

/* Fashion-MNIST (IDX files), ToTensor + Normalize(0.1307, 0.3081). */
static dl_dataset* normalized_mnist(const char* dir, int train) {
  const float mean = 0.1307f, std = 0.3081f;
  dl_dataset *raw, *ds;
  check(dl_dataset_mnist(dir, train, &raw));
  check(dl_dataset_normalize(raw, &mean, &std, 1, &ds));
  dl_dataset_free(raw);
  return ds;
}

/* CIFAR-10 (binary files), ToTensor + Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)). */
static dl_dataset* normalized_cifar10(const char* dir, int train) {
  const float mean[3] = {0.5f, 0.5f, 0.5f}, std[3] = {0.5f, 0.5f, 0.5f};
  dl_dataset *raw, *ds;
  check(dl_dataset_cifar10(dir, train, &raw));
  check(dl_dataset_normalize(raw, mean, std, 3, &ds));
  dl_dataset_free(raw);
  return ds;
}

static void progress(int epoch, int epochs, int64_t done, int64_t total, double loss, double rate, double elapsed) {
  const int width = 30;
  int filled = (int)(width * done / total);
  double eta = rate > 0 ? (double)(total - done) / rate : 0;
  (void)elapsed;
  fprintf(stdout, "\repoch %d/%d [%.*s%*s] %3d%%  loss %.4f  %6.0f samples/s  ETA %4.1f s", epoch, epochs, filled,
          "##############################", width - filled, "", (int)(100 * done / total), loss, rate, eta);
  fflush(stdout);
}

/* Fraction of test images whose argmax matches the label, in eval mode, without recording. */
static double test_accuracy(dl_module* net, dl_dataset* test) {
  dl_loader_options lo = dl_loader_defaults();
  lo.batch_size = 1000;
  dl_loader* loader;
  check(dl_loader_new(test, &lo, &loader));
  int previous;
  check(dl_set_grad_enabled(0, &previous));
  check(dl_module_train(net, 0));
  int64_t correct = 0, total = 0;
  for (;;) {
    dl_tensor *x, *y, *logits, *pred, *hits, *count;
    check(dl_loader_next(loader, &x, &y));
    if (!x) break;
    check(dl_module_forward(net, x, &logits));
    check(dl_argmax(logits, 1, 0, &pred));
    check(dl_eq(pred, y, &hits));
    check(dl_sum(hits, NULL, 0, 0, &count));
    double c;
    int64_t n;
    check(dl_tensor_item(count, &c));
    check(dl_tensor_numel(y, &n));
    correct += (int64_t)c, total += n;
    dl_tensor_free(x), dl_tensor_free(y), dl_tensor_free(logits), dl_tensor_free(pred), dl_tensor_free(hits),
        dl_tensor_free(count);
  }
  check(dl_set_grad_enabled(previous, NULL));
  check(dl_module_train(net, 1));
  dl_loader_free(loader);
  return (double)correct / (double)total;
}

/* NOTE [run fingerprint]
 * What the examples of every language print with --fingerprint, so that a
 * test can check that the same seed, data and thread count give the same
 * run, bit for bit, whichever language drove it:
 *   fingerprint epoch <n> loss <mean training loss, %.17g>    (one line per epoch)
 *   fingerprint weights <FNV-1a 64 of the parameters, 16 hex digits>
 * The mean loss is the sum of the steps' losses in step order (in double)
 * divided by the number of steps. The hash runs over the float32 bytes
 * (little-endian) of every parameter, in dl_module_parameter order, each
 * copied out contiguous; FNV-1a 64: h = 0xcbf29ce484222325, then per byte
 * h = (h ^ byte) * 0x100000001b3. */
static uint64_t parameters_fnv1a(const dl_module* net) {
  uint64_t h = 0xcbf29ce484222325ull;
  size_t count;
  check(dl_module_num_parameters(net, &count));
  for (size_t i = 0; i < count; ++i) {
    dl_tensor* p;
    int64_t n;
    check(dl_module_parameter(net, i, &p));
    check(dl_tensor_numel(p, &n));
    float* values = malloc((size_t)n * sizeof *values);
    if (!values) {
      fprintf(stderr, "%s: out of memory\n", program_name);
      exit(1);
    }
    check(dl_tensor_copy_to(p, values, (size_t)n * sizeof *values));
    const unsigned char* bytes = (const unsigned char*)values;
    for (size_t b = 0; b < (size_t)n * sizeof *values; ++b) h = (h ^ bytes[b]) * 0x100000001b3ull;
    free(values);
    dl_tensor_free(p);
  }
  return h;
}

/* Trains the model new_net() makes on the data set load_split reads, with
 * the recipe in defaults (changed by the command line), reporting as
 * described at the top of this file. */
static int train_image_classifier(const char* program, const char* title, dl_module* (*new_net)(void),
                                  load_split_fn load_split, options defaults, int argc, char** argv) {
  program_name = program;
  options o = parse_args(argc, argv, defaults);
  if (o.threads) check(dl_set_num_threads(o.threads));
  check(dl_manual_seed(o.seed));
  int tty = isatty(STDOUT_FILENO) && !o.json;

  dl_dataset *train = load_split(o.data, 1), *test = load_split(o.data, 0);
  dl_module* net = new_net();
  dl_optimizer* opt;
  if (o.optimizer == OPTIMIZER_ADAM) {
    dl_adam_options ao = dl_adam_defaults();
    ao.lr = o.lr, ao.weight_decay = o.weight_decay;
    check(dl_adam_new(net, &ao, &opt));
  } else {
    dl_sgd_options so = dl_sgd_defaults();
    so.lr = o.lr, so.momentum = o.momentum, so.weight_decay = o.weight_decay;
    check(dl_sgd_new(net, &so, &opt));
  }
  dl_scheduler* scheduler = NULL;
  if (o.cosine) check(dl_cosine_annealing_lr_new(opt, o.epochs, 0.0, &scheduler));
  dl_loader_options lo = dl_loader_defaults();
  lo.batch_size = o.batch_size, lo.shuffle = 1, lo.seed = o.seed, lo.num_workers = o.workers;
  dl_loader* loader;
  check(dl_loader_new(train, &lo, &loader));
  int64_t train_size, test_size, batches;
  check(dl_dataset_size(train, &train_size));
  check(dl_dataset_size(test, &test_size));
  check(dl_loader_num_batches(loader, &batches));

  FILE* csv = NULL;
  if (o.csv) {
    csv = fopen(o.csv, "w");
    if (!csv) {
      perror(o.csv);
      return 1;
    }
    fprintf(csv, "epoch,train_loss,test_accuracy,seconds,samples_per_second\n");
  }
  if (!o.json)
    printf("%s: %lld training images, %lld batches of %lld per epoch, %s\n", title, (long long)train_size,
           (long long)batches, (long long)o.batch_size, dl_blas_info());

  double accuracy = 0;
  double* epoch_losses = calloc((size_t)o.epochs, sizeof *epoch_losses);
  if (!epoch_losses) {
    fprintf(stderr, "%s: out of memory\n", program_name);
    return 1;
  }
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    double start = now(), last_draw = 0, loss_sum = 0;
    int64_t seen = 0, steps = 0;
    for (;;) {
      dl_tensor *x, *y, *logits, *loss;
      check(dl_loader_next(loader, &x, &y));
      if (!x) break;
      check(dl_optimizer_zero_grad(opt));
      check(dl_module_forward(net, x, &logits));
      check(dl_cross_entropy(logits, y, DL_REDUCTION_MEAN, &loss));
      check(dl_tensor_backward(loss, NULL));
      check(dl_optimizer_step(opt));
      double l;
      int64_t n;
      check(dl_tensor_item(loss, &l));
      check(dl_tensor_numel(y, &n));
      loss_sum += l, seen += n, ++steps;
      dl_tensor_free(x), dl_tensor_free(y), dl_tensor_free(logits), dl_tensor_free(loss);
      double t = now() - start;
      if (tty && (t - last_draw > 0.1 || steps == batches)) {
        progress(epoch, o.epochs, seen, train_size, loss_sum / (double)steps, (double)seen / t, t);
        last_draw = t;
      }
    }
    double seconds = now() - start, rate = (double)seen / seconds, loss = loss_sum / (double)steps;
    epoch_losses[epoch - 1] = loss;
    if (scheduler) check(dl_scheduler_step(scheduler));
    accuracy = test_accuracy(net, test);
    if (o.json) {
      printf("{\"case\": \"epoch %d time\", \"metric\": \"s\", \"higher_is_better\": false, \"value\": %.4f}\n", epoch,
             seconds);
      printf("{\"case\": \"epoch %d test accuracy\", \"metric\": \"accuracy\", \"higher_is_better\": true, "
             "\"value\": %.4f}\n", epoch, accuracy);
    } else {
      printf("%sepoch %d/%d  loss %.4f  test accuracy %.4f  %.2f s  %.0f samples/s\n", tty ? "\n" : "", epoch,
             o.epochs, loss, accuracy, seconds, rate);
    }
    fflush(stdout);
    if (csv) fprintf(csv, "%d,%.6f,%.6f,%.4f,%.1f\n", epoch, loss, accuracy, seconds, rate);
  }
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  if (o.json)
    printf("{\"case\": \"peak RSS\", \"metric\": \"MiB\", \"higher_is_better\": false, \"value\": %.1f}\n",
           (double)usage.ru_maxrss / 1024.0);
  else
    printf("Accuracy of the network on the %lld test images: %.2f %%\n", (long long)test_size, 100 * accuracy);
  if (o.fingerprint) {
    for (int epoch = 1; epoch <= o.epochs; ++epoch)
      printf("fingerprint epoch %d loss %.17g\n", epoch, epoch_losses[epoch - 1]);
    printf("fingerprint weights %016llx\n", (unsigned long long)parameters_fnv1a(net));
  }
  free(epoch_losses);
  if (csv) fclose(csv);
  dl_loader_free(loader);
  dl_scheduler_free(scheduler);
  dl_optimizer_free(opt);
  dl_module_free(net);
  dl_dataset_free(train), dl_dataset_free(test);
  return 0;
}

#endif /* IMAGE_TRAINING_H */
