package org.libdl;

import java.util.ArrayList;
import java.util.Arrays;

/**
 * Releases every tensor made on this thread while it is open (a training step's
 * activations, gradients views, losses), as C's dl_scope_begin/dl_scope_end:
 * <pre>{@code
 * try (Scope step = new Scope()) {
 *   Tensor loss = F.crossEntropy(net.forward(x), y);
 *   loss.backward();
 *   opt.step();
 * }   // every tensor of the step is released here
 * }</pre>
 * Scopes nest; {@link #keep} moves a tensor out to the enclosing scope. The scope
 * also closes the Tensor objects themselves (they then report "closed").
 *
 * NOTE [scoped tensors]: a tensor made while a scope is open belongs to that scope
 * alone: it has no cleaner (a cleaner per tensor of every step would be most of the
 * binding's work in a training loop), and close() frees all their handles in one
 * native call. A tensor that leaves the scope by {@link #keep} with no enclosing
 * scope gets its cleaner then. No cleaner thread ever frees a handle while the scope
 * that owns it is open. The per-tensor path (find the scope, record the tensor) is
 * what the JIT compiles while the first epoch runs, so it stays small: the scope is
 * found without a ThreadLocal lookup (lastInnermost), and a loader's batch, made
 * before its step's scope opens, shares one cleaner between x and y
 * (Tensor.together) instead of taking the cleaner branch per tensor.
 */
public final class Scope implements AutoCloseable {
  private static final ThreadLocal<Scope> current = new ThreadLocal<>();
  /** The innermost open scope of the thread that last opened or closed one: a cache in front of `current` that
   *  spares a training thread the ThreadLocal lookup per tensor. Racy on purpose: a thread takes it only when it
   *  is its own scope (`thread` is final), and a thread never reads its own writes out of order, so what it
   *  finds is its latest. */
  private static Scope lastInnermost;

  private final Scope parent;
  private final Thread thread = Thread.currentThread();
  private ArrayList<Tensor> tensors = new ArrayList<>();

  public Scope() {
    Native.dl_scope_begin();
    parent = current.get();
    current.set(this);
    lastInnermost = this;
  }

  /** The tensor survives this scope (it moves to the enclosing one, if any). */
  public Tensor keep(Tensor t) {
    Native.dl_scope_keep(t.handle());
    if (tensors.remove(t)) {
      if (parent != null) parent.tensors.add(t);
      else t.unscoped();
    }
    return t;
  }

  @Override public void close() {
    if (tensors == null) return;
    if (Thread.currentThread() != thread) throw new IllegalStateException("a Scope must be closed on the thread that opened it");
    if (current.get() != this) throw new IllegalStateException("scopes must be closed innermost first");
    long[] handles = new long[tensors.size()];
    int n = 0;
    for (Tensor t : tensors) {
      long h = t.take();
      if (h != 0) handles[n++] = h;
    }
    tensors = null;
    current.set(parent);
    lastInnermost = parent;
    Native.dl_binding_scope_end(n == handles.length ? handles : Arrays.copyOf(handles, n));
  }

  /** This thread's innermost open scope, or null. */
  static Scope innermost() {
    Scope s = lastInnermost;
    return s != null && s.thread == Thread.currentThread() ? s : current.get();
  }

  /** Records a tensor made on this thread: the scope frees it. */
  void own(Tensor t) { tensors.add(t); }
}
