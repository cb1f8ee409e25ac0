using System;
using System.Collections.Generic;
using System.Threading;

namespace LibDl {

/// <summary>
/// Releases every tensor made on this thread while it is open (a training step's activations,
/// gradients, losses), as C's dl_scope_begin/dl_scope_end:
/// <code>
/// using (new Scope()) {
///   Tensor loss = F.CrossEntropy(net.Forward(x), y);
///   loss.Backward();
///   opt.Step();
/// }   // every tensor of the step is released here
/// </code>
/// Scopes nest; <see cref="Keep"/> moves a tensor out to the enclosing scope. The scope also
/// disposes the Tensor objects themselves (they then report "used after Dispose()"), so their
/// finalizers have nothing left to do, and no finalizer thread frees a handle while the scope
/// that registered it is still open (the scope holds them).
/// </summary>
public sealed class Scope : IDisposable {
  [ThreadStatic] static Scope current;

  readonly Scope parent;
  readonly Thread thread = Thread.CurrentThread;
  List<Tensor> tensors = new List<Tensor>();

  public Scope() {
    Native.dl_scope_begin();
    parent = current;
    current = this;
  }

  /// <summary>The tensor survives this scope (it moves to the enclosing one, if any).</summary>
  public Tensor Keep(Tensor t) {
    Native.dl_scope_keep(Tensor.H(t)); GC.KeepAlive(t);
    if (tensors.Remove(t) && parent != null) parent.tensors.Add(t);
    return t;
  }

  public void Dispose() {
    if (tensors == null) return;
    if (Thread.CurrentThread != thread) throw new InvalidOperationException("a Scope must be disposed on the thread that opened it");
    if (current != this) throw new InvalidOperationException("scopes must be disposed innermost first");
    // One native call frees every handle the scope owns (as in Java's Scope).
    var handles = new long[tensors.Count];
    int n = 0;
    foreach (Tensor t in tensors) {
      long h = t.Take();
      if (h != 0) handles[n++] = h;
    }
    tensors = null;
    current = parent;
    Native.dl_binding_scope_end(handles, n);
  }

  /// <summary>Records a tensor made on this thread in the innermost open scope.</summary>
  internal static void Track(Tensor t) {
    Scope s = current;
    if (s != null) s.tensors.Add(t);
  }
}

}
