using System;
using System.Runtime.ExceptionServices;

namespace LibDl {

/// <summary>
/// NOTE [binding callbacks] (bindings/swig/dl.i), the C# side: a callback that throws keeps its
/// exception here, per thread, and returns a failure status to C; the libdl call that ran it
/// then fails, and <see cref="ThrowPending"/> gives the caller the callback's own exception
/// instead of libdl's report of the failure. A director that libdl owns is rooted by a GCHandle
/// from the moment libdl takes it until its released(), so the delegates SWIG gave C stay valid
/// for as long as C may call them.
/// </summary>
static class Callbacks {
  [ThreadStatic] static Exception pending;

  /// <summary>Keeps e for the caller on this thread; returns the status the callback gives to C.</summary>
  internal static int Fail(Exception e) {
    pending = e;
    return StatusOf(e);
  }

  /// <summary>The status a callback that threw e returns to C.</summary>
  internal static int StatusOf(Exception e) {
    var d = e as DlException;
    return d != null && d.Status != Status.Unknown ? (int)d.Status : (int)Status.Internal;
  }

  /// <summary>Throws, with its own stack trace, what a callback threw during the call that just
  /// failed on this thread; returns when no callback threw.</summary>
  internal static void ThrowPending() {
    Exception e = pending;
    pending = null;
    if (e != null) ExceptionDispatchInfo.Capture(e).Throw();
  }
}

}
