package org.libdl;

import java.util.ArrayList;

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
 * also closes the Tensor objects themselves (they then report "closed"), so their
 * finalizers have nothing left to do, and no finalizer thread frees a handle while
 * the scope that registered it is still open.
 */
public final class Scope implements AutoCloseable {
  private static final ThreadLocal<Scope> current = new ThreadLocal<>();

  private final Scope parent;
  private final Thread thread = Thread.currentThread();
  private ArrayList<Tensor> tensors = new ArrayList<>();

  public Scope() {
    Native.dl_scope_begin();
    parent = current.get();
    current.set(this);
  }

  /** The tensor survives this scope (it moves to the enclosing one, if any). */
  public Tensor keep(Tensor t) {
    Native.dl_scope_keep(t.handle());
    if (tensors.remove(t) && parent != null) parent.tensors.add(t);
    return t;
  }

  @Override public void close() {
    if (tensors == null) return;
    if (Thread.currentThread() != thread) throw new IllegalStateException("a Scope must be closed on the thread that opened it");
    if (current.get() != this) throw new IllegalStateException("scopes must be closed innermost first");
    for (Tensor t : tensors) t.close();
    tensors = null;
    current.set(parent);
    Native.dl_scope_end();
  }

  /** Records a tensor made on this thread in the innermost open scope. */
  static void track(Tensor t) {
    Scope s = current.get();
    if (s != null) s.tensors.add(t);
  }
}
