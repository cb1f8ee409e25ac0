package org.libdl;

/** libdl's dl_status codes, in the C header's order. */
public enum Status {
  OK, INVALID_ARGUMENT, SHAPE, DTYPE, DEVICE, OUT_OF_MEMORY, IO, FORMAT, STATE, UNSUPPORTED, INTERNAL, UNKNOWN;

  static Status of(int code) {
    Status[] all = values();
    return code >= 0 && code < all.length - 1 ? all[code] : UNKNOWN;
  }
}
