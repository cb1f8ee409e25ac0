using System;
using System.Threading;

namespace LibDl {

/// <summary>
/// A libdl handle (a tensor, module, optimizer, scheduler, dataset or loader): Dispose releases
/// it at once; the finalizer releases what was not disposed once it is unreachable.
///
/// NOTE [finalizers at exit]: Mono finalizes every object at exit, reachable or not, in no
/// order, so the delegates of a director (NOTE [binding callbacks] in Callbacks.cs) may be gone
/// before the finalizer of the module whose release would call its released(). The finalizers
/// free nothing once shutdown has started: the process's memory goes with it.
/// </summary>
public abstract class NativeObject : IDisposable {
  long handle;  // 0 once released

  internal NativeObject(long handle) { this.handle = handle; }

  /// <summary>Sets the handle of an object whose constructor makes it late (a custom module or dataset).</summary>
  internal void Adopt(long h) { handle = h; }

  /// <summary>Frees h with its kind's dl_*_free.</summary>
  internal abstract void Free(long h);

  internal long Handle {
    get {
      long h = handle;
      if (h == 0) throw new ObjectDisposedException(GetType().Name, GetType().Name + ": used after Dispose()");
      return h;
    }
  }

  internal bool IsDisposed { get { return handle == 0; } }

  /// <summary>o's handle, 0 for null (libdl then names the NULL argument).</summary>
  internal static long H(NativeObject o) { return o == null ? 0 : o.Handle; }

  /// <summary>
  /// NOTE [handles in flight]: the finalizer frees a handle once its object is unreachable, and the
  /// JIT may find an object unreachable while a native call still uses its handle (a temporary's last
  /// use is the Handle that read it), so a collection during the call would free the handle under it.
  /// Every native call that takes handles is therefore followed by GC.KeepAlive of their objects:
  /// Alive(result, used...) for an expression's, GC.KeepAlive(x) after a statement.
  /// </summary>
  internal static T Alive<T>(T result, object a) {
    GC.KeepAlive(a);
    return result;
  }
  internal static T Alive<T>(T result, object a, object b) {
    GC.KeepAlive(a);
    GC.KeepAlive(b);
    return result;
  }
  internal static T Alive<T>(T result, object a, object b, object c) {
    GC.KeepAlive(a);
    GC.KeepAlive(b);
    GC.KeepAlive(c);
    return result;
  }
  internal static T Alive<T>(T result, object a, object b, object c, object d) {
    Alive(result, a, b);
    GC.KeepAlive(c);
    GC.KeepAlive(d);
    return result;
  }

  /// <summary>make(options), the options disposed after: a new handle made with an options struct.</summary>
  internal static long WithOptions<O>(O options, Func<O, long> make) where O : IDisposable {
    using (options) return make(options);
  }

  /// <summary>The handle, now the caller's to free (0 once taken); the object then reports disposed and its
  /// finalizer has nothing left to do.</summary>
  internal long Take() {
    long h = Interlocked.Exchange(ref handle, 0);  // the finalizer, Dispose and a scope take it once
    GC.SuppressFinalize(this);
    return h;
  }

  void Release() {
    long h = Take();
    if (h != 0) Free(h);
  }

  public void Dispose() { Release(); }

  ~NativeObject() {
    if (!Environment.HasShutdownStarted) Release();
  }
}

}
