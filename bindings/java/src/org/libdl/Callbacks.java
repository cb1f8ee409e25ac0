package org.libdl;

/**
 * NOTE [binding callbacks] (bindings/swig/dl.i), the Java side: a callback that
 * throws keeps its exception here, per thread, and returns a failure status to C;
 * the libdl call that ran it then fails, and {@link #rethrow} gives the caller the
 * callback's own exception instead of libdl's report of the failure.
 */
final class Callbacks {
  private Callbacks() {}

  private static final ThreadLocal<RuntimeException> pending = new ThreadLocal<>();

  /** Keeps t for the caller on this thread; returns the status the callback gives to C. */
  static int fail(Throwable t) {
    RuntimeException e = unchecked(t);
    pending.set(e);
    return status(e);
  }

  static RuntimeException unchecked(Throwable t) {
    return t instanceof RuntimeException ? (RuntimeException) t : new RuntimeException(t);
  }

  /** The status a callback that threw e returns to C. */
  static int status(RuntimeException e) {
    return e instanceof DlException ? ((DlException) e).status().ordinal() : Status.INTERNAL.ordinal();
  }

  /** The exception a callback threw during the call that failed with e, else e. */
  static RuntimeException rethrow(DlException e) {
    RuntimeException p = pending.get();
    pending.remove();
    return p != null ? p : e;
  }
}
