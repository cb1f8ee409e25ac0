// Seed 000's MLP on Fashion-MNIST, in C#: the recipe of examples/c/mnist_mlp.c
// (Net: view(-1, 784) -> Linear(784, 128) -> ReLU -> Linear(128, 10);
// CrossEntropyLoss, SGD(lr 0.01, momentum 0.9), batch 64 shuffled with seed 1,
// Normalize(0.1307, 0.3081), one loader worker), with the same flags and the same
// --fingerprint lines (NOTE [run fingerprint] in examples/c/image_training.h).
// Run: mono MnistMlp.exe --epochs 1   (LibDl.dll and libdl_csharp.so beside it)
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using LibDl;

sealed class Net : Module {
  readonly Module fc1, fc2;

  public Net() : base("Net") {
    fc1 = Register("fc1", new Nn.Linear(28 * 28, 128));
    fc2 = Register("fc2", new Nn.Linear(128, 10));
  }

  public override Tensor Forward(Tensor x) {
    using (Tensor v = x.Reshape(-1, 28 * 28))
    using (Tensor h = fc1.Forward(v))
    using (Tensor r = h.Relu())
      return fc2.Forward(r);
  }
}

static class MnistMlp {
  static Dataset NormalizedMnist(string dir, bool train) {
    using (Dataset raw = Dataset.Mnist(dir, train)) return raw.Normalize(new[] { 0.1307f }, new[] { 0.3081f });
  }

  static double TestAccuracy(Module net, Dataset test) {
    long correct = 0, total = 0;
    net.Eval();
    using (Dl.NoGrad())
    using (var loader = new DataLoader(test, 1000)) {
      foreach (DataLoader.Batch b in loader) {
        using (b)
        using (new Scope()) {
          correct += (long)net.Forward(b.X).Argmax(1).Eq(b.Y).Sum().Item();
          total += b.Y.Numel;
        }
      }
    }
    net.Train();
    return (double)correct / total;
  }

  /// <summary>FNV-1a 64 over the parameters' float32 bytes, little-endian, in parameter order.</summary>
  static ulong ParametersFnv1a(Module net) {
    ulong h = 0xcbf29ce484222325UL;
    foreach (Tensor p in net.Parameters()) {
      using (p) {
        foreach (float f in p.ToFloatArray()) {
          uint bits = BitConverter.ToUInt32(BitConverter.GetBytes(f), 0);
          for (int b = 0; b < 4; ++b) h = (h ^ ((bits >> (8 * b)) & 0xff)) * 0x100000001b3UL;
        }
      }
    }
    return h;
  }

  static int Main(string[] args) {
    int epochs = 10, threads = 0, workers = 1;
    long batchSize = 64;
    ulong seed = 1;
    double lr = 0.01, momentum = 0.9;
    string data = null;
    bool fingerprint = false, json = false;
    var invariant = CultureInfo.InvariantCulture;
    for (int i = 0; i < args.Length; ++i) {
      string a = args[i];
      if (a == "--fingerprint") { fingerprint = true; continue; }
      if (a == "--json") { json = true; continue; }
      if (i + 1 >= args.Length) return Usage();
      string v = args[++i];
      switch (a) {
        case "--epochs": epochs = int.Parse(v); break;
        case "--threads": threads = int.Parse(v); break;
        case "--workers": workers = int.Parse(v); break;
        case "--batch-size": batchSize = long.Parse(v); break;
        case "--seed": seed = ulong.Parse(v); break;
        case "--lr": lr = double.Parse(v, invariant); break;
        case "--momentum": momentum = double.Parse(v, invariant); break;
        case "--data": data = v; break;
        default: return Usage();
      }
    }
    if (threads > 0) Dl.NumThreads = threads;
    Dl.ManualSeed(seed);
    var losses = new List<double>();
    using (Dataset train = NormalizedMnist(data, true))
    using (Dataset test = NormalizedMnist(data, false))
    using (var net = new Net())
    using (Optimizer opt = new Optimizer.SGD(net, lr, momentum))
    using (var loader = new DataLoader(train, batchSize, shuffle: true, seed: seed, numWorkers: workers)) {
      if (!json)
        Console.WriteLine("Fashion-MNIST MLP (C#): {0} training images, {1} batches of {2} per epoch, {3}", train.Size,
                          loader.NumBatches, batchSize, Dl.BlasInfo);
      for (int epoch = 1; epoch <= epochs; ++epoch) {
        var clock = Stopwatch.StartNew();
        long steps = 0;
        double lossSum = 0;
        foreach (DataLoader.Batch b in loader) {
          using (b)
          using (new Scope()) {
            opt.ZeroGrad();
            Tensor loss = F.CrossEntropy(net.Forward(b.X), b.Y);
            loss.Backward();
            opt.Step();
            lossSum += loss.Item();
            ++steps;
          }
        }
        double seconds = clock.Elapsed.TotalSeconds, meanLoss = lossSum / steps;
        losses.Add(meanLoss);
        double accuracy = TestAccuracy(net, test);
        if (json)
          Console.WriteLine("{\"case\": \"epoch " + epoch + " time\", \"metric\": \"s\", \"higher_is_better\": false, \"value\": " +
                            seconds.ToString("F4", invariant) + "}");
        else
          Console.WriteLine(string.Format(invariant, "epoch {0}/{1}  loss {2:F4}  test accuracy {3:F4}  {4:F2} s", epoch, epochs, meanLoss,
                                          accuracy, seconds));
        if (epoch == epochs && !json)
          Console.WriteLine(string.Format(invariant, "Accuracy of the network on the {0} test images: {1:F2} %", test.Size, 100 * accuracy));
      }
      if (fingerprint) {
        for (int e = 0; e < losses.Count; ++e) Console.WriteLine("fingerprint epoch " + (e + 1) + " loss " + FormatG17(losses[e]));
        Console.WriteLine("fingerprint weights " + ParametersFnv1a(net).ToString("x16"));
      }
    }
    return 0;
  }

  /// <summary>x as C's printf("%.17g") writes it: 17 significant digits of x's exact value (rounded
  /// half to even), fixed or exponent form by the exponent, no trailing zeros.</summary>
  static string FormatG17(double x) {
    if (double.IsNaN(x)) return "nan";
    if (double.IsInfinity(x)) return x > 0 ? "inf" : "-inf";
    string sign = x < 0 || (x == 0 && 1 / x < 0) ? "-" : "";
    if (x == 0) return sign + "0";
    // x = mantissa * 2^binary exactly, = digits * 10^-scale exactly
    long bits = BitConverter.DoubleToInt64Bits(Math.Abs(x));
    int binary = (int)(bits >> 52);
    long mantissa = bits & ((1L << 52) - 1);
    if (binary == 0) binary = 1; else mantissa |= 1L << 52;
    binary -= 1075;
    BigInteger digits = binary >= 0 ? new BigInteger(mantissa) << binary : mantissa * BigInteger.Pow(5, -binary);
    int scale = Math.Max(-binary, 0);
    string s = digits.ToString(invariantDigits);
    int exponent = s.Length - 1 - scale;  // of the leading digit
    if (s.Length > 17) {
      BigInteger unit = BigInteger.Pow(10, s.Length - 17), rest;
      BigInteger kept = BigInteger.DivRem(digits, unit, out rest);
      int versusHalf = (2 * rest).CompareTo(unit);
      if (versusHalf > 0 || (versusHalf == 0 && !kept.IsEven)) kept += 1;
      s = kept.ToString(invariantDigits);
      if (s.Length > 17) {  // rounded up to a power of ten
        s = s.Substring(0, 17);
        ++exponent;
      }
    }
    s = s.PadRight(17, '0');
    if (exponent >= -4 && exponent < 17) {
      string fixedForm = exponent >= 0 ? s.Substring(0, exponent + 1) + "." + s.Substring(exponent + 1)
                                       : "0." + new string('0', -exponent - 1) + s;
      return sign + fixedForm.TrimEnd('0').TrimEnd('.');
    }
    string mantissaDigits = (s.Substring(0, 1) + "." + s.Substring(1)).TrimEnd('0').TrimEnd('.');
    return sign + mantissaDigits + (exponent < 0 ? "e-" : "e+") + Math.Abs(exponent).ToString("00", invariantDigits);
  }

  static readonly NumberFormatInfo invariantDigits = CultureInfo.InvariantCulture.NumberFormat;

  static int Usage() {
    Console.Error.WriteLine("usage: MnistMlp [--epochs N] [--batch-size N] [--lr F] [--momentum F] [--seed N]\n" +
                            "                [--data DIR] [--threads N] [--workers N] [--json] [--fingerprint]");
    return 2;
  }
}
