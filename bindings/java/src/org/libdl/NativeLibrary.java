package org.libdl;

/** Loads the JNI library (libdl_java.so, which links libdl.so): from the path in the
 *  system property {@code org.libdl.library} when set, else from {@code java.library.path}. */
final class NativeLibrary {
  private NativeLibrary() {}

  static void load() {
    String path = System.getProperty("org.libdl.library");
    if (path != null) System.load(path);
    else System.loadLibrary("dl_java");
    initializeStepClasses();
  }

  /** Initializes the classes of every training step now, while the program sets up, rather than
   *  in its first step: loading and verifying them and starting the cleaner's thread took 5-10 ms
   *  of the seed MLP's first epoch (about 4 %). */
  private static void initializeStepClasses() {
    for (Class<?> c : new Class<?>[] {Tensor.class, Scope.class, F.class, Reduction.class, DataLoader.Batch.class}) {
      try {
        Class.forName(c.getName(), true, c.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new AssertionError(e);  // c is loaded: its literal named it
      }
    }
  }
}
