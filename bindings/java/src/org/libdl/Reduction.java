package org.libdl;

/** How a loss reduces over elements, as dl_reduction. */
public enum Reduction {
  NONE, MEAN, SUM;

  int code() { return ordinal(); }
}
