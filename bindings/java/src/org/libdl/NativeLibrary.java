package org.libdl;

/** Loads the JNI library (libdl_java.so, which links libdl.so): from the path in the
 *  system property {@code org.libdl.library} when set, else from {@code java.library.path}. */
final class NativeLibrary {
  private NativeLibrary() {}

  static void load() {
    String path = System.getProperty("org.libdl.library");
    if (path != null) System.load(path);
    else System.loadLibrary("dl_java");
  }
}
