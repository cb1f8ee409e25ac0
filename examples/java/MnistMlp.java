// Seed 000's MLP on Fashion-MNIST, in Java: the recipe of examples/c/mnist_mlp.c
// (Net: view(-1, 784) -> Linear(784, 128) -> ReLU -> Linear(128, 10);
// CrossEntropyLoss, SGD(lr 0.01, momentum 0.9), batch 64 shuffled with seed 1,
// Normalize(0.1307, 0.3081), one loader worker), with the same flags and the same
// --fingerprint lines (NOTE [run fingerprint] in examples/c/image_training.h).
// Run: java -Djava.library.path=<dir of libdl_java.so> -cp libdl.jar:. MnistMlp --epochs 1
import java.util.ArrayList;
import java.util.List;
import org.libdl.DataLoader;
import org.libdl.Dataset;
import org.libdl.Dl;
import org.libdl.F;
import org.libdl.Module;
import org.libdl.Nn;
import org.libdl.Optimizer;
import org.libdl.Scope;
import org.libdl.Tensor;

public final class MnistMlp {
  /** The seeds' class Net(nn.Module). */
  static final class Net extends Module {
    final Module fc1 = register("fc1", new Nn.Linear(28 * 28, 128));
    final Module fc2 = register("fc2", new Nn.Linear(128, 10));

    Net() { super("Net"); }

    @Override public Tensor forward(Tensor x) {
      try (Tensor v = x.reshape(-1, 28 * 28); Tensor h = fc1.forward(v); Tensor r = h.relu()) {
        return fc2.forward(r);
      }
    }
  }

  static Dataset normalizedMnist(String dir, boolean train) {
    try (Dataset raw = Dataset.mnist(dir, train)) {
      return raw.normalize(new float[] {0.1307f}, new float[] {0.3081f});
    }
  }

  static double testAccuracy(Module net, Dataset test) {
    long correct = 0, total = 0;
    net.eval();
    try (AutoCloseable noGrad = Dl.noGrad(); DataLoader loader = new DataLoader(test, 1000, false, 0, 0)) {
      for (DataLoader.Batch b : loader) {
        try (b; Scope s = new Scope()) {
          correct += (long) net.forward(b.x).argmax(1, false).eq(b.y).sum().item();
          total += b.y.numel();
        }
      }
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
    net.train();
    return (double) correct / total;
  }

  /** FNV-1a 64 over the parameters' float32 bytes, little-endian, in parameter order. */
  static long parametersFnv1a(Module net) {
    long h = 0xcbf29ce484222325L;
    for (Tensor p : net.parameters()) {
      try (p) {
        for (float f : p.toFloatArray()) {
          int bits = Float.floatToRawIntBits(f);
          for (int b = 0; b < 4; ++b) h = (h ^ ((bits >>> (8 * b)) & 0xff)) * 0x100000001b3L;
        }
      }
    }
    return h;
  }

  public static void main(String[] args) {
    int epochs = 10, threads = 0, workers = 1;
    long batchSize = 64, seed = 1;
    double lr = 0.01, momentum = 0.9;
    String data = null;
    boolean fingerprint = false, json = false;
    for (int i = 0; i < args.length; ++i) {
      String a = args[i];
      if (a.equals("--fingerprint")) { fingerprint = true; continue; }
      if (a.equals("--json")) { json = true; continue; }
      if (i + 1 >= args.length) usage();
      String v = args[++i];
      switch (a) {
        case "--epochs": epochs = Integer.parseInt(v); break;
        case "--threads": threads = Integer.parseInt(v); break;
        case "--workers": workers = Integer.parseInt(v); break;
        case "--batch-size": batchSize = Long.parseLong(v); break;
        case "--seed": seed = Long.parseLong(v); break;
        case "--lr": lr = Double.parseDouble(v); break;
        case "--momentum": momentum = Double.parseDouble(v); break;
        case "--data": data = v; break;
        default: usage();
      }
    }
    if (threads > 0) Dl.setNumThreads(threads);
    Dl.manualSeed(seed);
    List<Double> losses = new ArrayList<>();
    try (Dataset train = normalizedMnist(data, true); Dataset test = normalizedMnist(data, false); Net net = new Net();
         Optimizer opt = new Optimizer.SGD(net, lr, momentum);
         DataLoader loader = new DataLoader(train, batchSize, true, seed, workers)) {
      if (!json) System.out.printf("Fashion-MNIST MLP (Java): %d training images, %d batches of %d per epoch, %s%n",
                                   train.size(), loader.numBatches(), batchSize, Dl.blasInfo());
      for (int epoch = 1; epoch <= epochs; ++epoch) {
        long start = System.nanoTime(), steps = 0;
        double lossSum = 0;
        for (DataLoader.Batch b : loader) {
          try (b; Scope step = new Scope()) {
            opt.zeroGrad();
            Tensor loss = F.crossEntropy(net.forward(b.x), b.y);
            loss.backward();
            opt.step();
            lossSum += loss.item();
            ++steps;
          }
        }
        double seconds = (System.nanoTime() - start) * 1e-9, loss = lossSum / steps;
        losses.add(loss);
        double accuracy = testAccuracy(net, test);
        if (json) {
          System.out.printf("{\"case\": \"epoch %d time\", \"metric\": \"s\", \"higher_is_better\": false, \"value\": %.4f}%n", epoch, seconds);
        } else {
          System.out.printf("epoch %d/%d  loss %.4f  test accuracy %.4f  %.2f s%n", epoch, epochs, loss, accuracy, seconds);
        }
        if (epoch == epochs && !json)
          System.out.printf("Accuracy of the network on the %d test images: %.2f %%%n", test.size(), 100 * accuracy);
      }
      if (fingerprint) {
        for (int e = 0; e < losses.size(); ++e) System.out.println("fingerprint epoch " + (e + 1) + " loss " + formatG17(losses.get(e)));
        System.out.printf("fingerprint weights %016x%n", parametersFnv1a(net));
      }
    }
  }

  /** x as C's printf("%.17g") writes it: 17 significant digits of x's exact value
   *  (rounded half to even), fixed or exponent form by the exponent, no trailing zeros. */
  static String formatG17(double x) {
    if (Double.isNaN(x) || Double.isInfinite(x)) return Double.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
    if (x == 0) return (1 / x < 0) ? "-0" : "0";
    java.math.BigDecimal d = new java.math.BigDecimal(x).round(new java.math.MathContext(17, java.math.RoundingMode.HALF_EVEN));
    int exponent = d.precision() - d.scale() - 1;
    if (exponent >= -4 && exponent < 17) {
      String s = d.setScale(Math.max(16 - exponent, 0), java.math.RoundingMode.UNNECESSARY).toPlainString();
      return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
    String digits = d.unscaledValue().abs().toString().replaceAll("0+$", "");
    String mantissa = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
    return (x < 0 ? "-" : "") + mantissa + (exponent < 0 ? "e-" : "e+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
  }

  static void usage() {
    System.err.println("usage: MnistMlp [--epochs N] [--batch-size N] [--lr F] [--momentum F] [--seed N]\n"
                       + "                [--data DIR] [--threads N] [--workers N] [--json] [--fingerprint]");
    System.exit(2);
  }
}
