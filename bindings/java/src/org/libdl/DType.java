package org.libdl;

/** Element types, as dl_dtype. */
public enum DType {
  FLOAT32, FLOAT64, INT64, INT32, UINT8, BOOL, FLOAT16, BFLOAT16;

  int code() { return ordinal(); }

  static DType of(int code) { return values()[code]; }
}
