package org.libdl;

/** A failed libdl call: its status and libdl's message, which names the function and
 *  the argument ("dl_matmul: shapes [2, 3] and [2, 3] cannot be multiplied"). */
public class DlException extends RuntimeException {
  private final Status status;

  /** Made by the JNI wrappers, inside the native call that failed. */
  public DlException(int status, String message) {
    super(message);
    this.status = Status.of(status);
  }

  public Status status() { return status; }
}
