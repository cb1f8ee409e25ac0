// The overhead workload's tiny add (bench/overhead.c) driven from C#: the cost per call of a
// 4-element add, the result disposed in the loop. Prints a bench/run JSON line (median of 5
// batches after a warm-up, us per call).
using System;
using System.Diagnostics;
using System.Globalization;
using LibDl;

static class Overhead {
  static void Main() {
    const int calls = 100000;
    using (Tensor a = Tensor.Randn(4))
    using (Tensor b = Tensor.Randn(4)) {
      for (int i = 0; i < calls; ++i) a.Add(b).Dispose();  // warm-up
      var batches = new double[5];
      for (int r = 0; r < batches.Length; ++r) {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < calls; ++i) a.Add(b).Dispose();
        batches[r] = clock.Elapsed.TotalMilliseconds * 1e3 / calls;
      }
      Array.Sort(batches);
      Console.WriteLine("{\"info\": \"libdl " + Dl.Version + ", from C#\"}");
      Console.WriteLine("{\"case\": \"tiny add\", \"metric\": \"us/call\", \"higher_is_better\": false, \"value\": " +
                        batches[2].ToString("F4", CultureInfo.InvariantCulture) + "}");
    }
  }
}
