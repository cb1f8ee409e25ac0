// The overhead workload's tiny add (bench/overhead.c) driven from Java: the cost
// per call of a 4-element add, the result closed in the loop. Prints a bench/run
// JSON line (median of 5 batches after a warm-up, us per call).
import java.util.Arrays;
import org.libdl.Tensor;

public final class Overhead {
  public static void main(String[] args) {
    final int calls = 100000;
    try (Tensor a = Tensor.randn(4); Tensor b = Tensor.randn(4)) {
      for (int i = 0; i < 10 * calls; ++i) a.add(b).close();  // warm-up, JIT included
      double[] batches = new double[5];
      for (int r = 0; r < batches.length; ++r) {
        long start = System.nanoTime();
        for (int i = 0; i < calls; ++i) a.add(b).close();
        batches[r] = (System.nanoTime() - start) / 1e3 / calls;
      }
      Arrays.sort(batches);
      System.out.println("{\"info\": \"libdl, from Java\"}");
      System.out.printf("{\"case\": \"tiny add\", \"metric\": \"us/call\", \"higher_is_better\": false, \"value\": %.4f}%n", batches[2]);
    }
  }
}
