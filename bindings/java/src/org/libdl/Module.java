package org.libdl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A module, as torch.nn.Module. Your own model extends it, registers its layers in
 * the constructor and overrides {@link #forward}, the seeds' {@code class Net(nn.Module)}:
 * <pre>{@code
 * class Net extends Module {
 *   final Module fc1 = register("fc1", new Nn.Linear(784, 128));
 *   final Module fc2 = register("fc2", new Nn.Linear(128, 10));
 *   Net() { super("Net"); }
 *   @Override public Tensor forward(Tensor x) {
 *     try (Tensor v = x.reshape(-1, 784); Tensor h = fc1.forward(v); Tensor r = h.relu()) {
 *       return fc2.forward(r);
 *     }
 *   }
 * }
 * }</pre>
 * libdl calls such a forward too, when the module sits inside a Sequential. Layers
 * are in {@link Nn}. close() releases this handle; a module lives on while a parent
 * holds it. A custom module is referenced from native code until closed: close it
 * (try-with-resources) rather than relying on the garbage collector.
 */
public class Module implements AutoCloseable {
  private long handle;

  /** Wraps a new module handle (the built-in layers). */
  Module(long handle) { this.handle = handle; }

  /** A custom module named typeName whose forward is this class's {@link #forward}. */
  protected Module(String typeName) {
    ForwardCallback cb = new ForwardCallback() {
      @Override public int forward(long self, long x, long outSlot) {
        try (Tensor input = Tensor.ref(x); Tensor y = Module.this.forward(input)) {
          Native.dl_binding_put_handle(outSlot, Native.dl_tensor_ref(y.handle()));  // libdl takes this handle
          return 0;
        } catch (Throwable t) {
          return Callbacks.fail(t);
        }
      }
    };
    try {
      handle = Native.dl_binding_module_new(typeName, cb);
    } catch (DlException e) {
      cb.delete();
      throw e;
    }
    cb.swigReleaseOwnership();  // libdl owns the director now (and it holds cb strongly)
  }

  long handle() {
    if (handle == 0) throw new IllegalStateException("Module: used after close()");
    return handle;
  }

  /** y = module(x), recorded by autograd. A custom module overrides it. */
  public Tensor forward(Tensor x) {
    try {
      return Tensor.result(Native.dl_module_forward(handle(), x.handle()), x);
    } catch (DlException e) {
      throw Callbacks.rethrow(e);
    }
  }

  /** Registers child under name (as assigning self.fc1 in __init__) and returns it. */
  public <M extends Module> M register(String name, M child) {
    Native.dl_module_register(handle(), name, child.handle());
    return child;
  }

  /** Registers t as a parameter named name (it becomes a leaf that requires grad). */
  public Tensor registerParameter(String name, Tensor t) {
    Native.dl_module_register_parameter(handle(), name, t.handle());
    return t;
  }

  public void train() { Native.dl_module_train(handle(), 1); }
  public void eval() { Native.dl_module_train(handle(), 0); }
  public boolean isTraining() {
    int[] on = new int[1];
    Native.dl_module_is_training(handle(), on);
    return on[0] != 0;
  }

  public String typeName() {
    String[] name = new String[1];
    Native.dl_module_type_name(handle(), name);
    return name[0];
  }

  /** The parameter tensors, recursive, in registration order (new handles: close them). */
  public List<Tensor> parameters() {
    long[] n = new long[1];
    Native.dl_module_num_parameters(handle(), n);
    List<Tensor> ps = new ArrayList<>();
    for (long i = 0; i < n[0]; ++i) ps.add(new Tensor(Native.dl_module_parameter(handle(), i)));
    return ps;
  }

  /** Parameters by their dotted names ("fc1.weight"), in order. */
  public Map<String, Tensor> namedParameters() {
    long[] n = new long[1];
    Native.dl_module_num_parameters(handle(), n);
    Map<String, Tensor> ps = new LinkedHashMap<>();
    String[] name = new String[1];
    for (long i = 0; i < n[0]; ++i) {
      Native.dl_binding_parameter_name(handle(), i, name);
      ps.put(name[0], new Tensor(Native.dl_module_parameter(handle(), i)));
    }
    return ps;
  }

  public Tensor parameter(String name) { return new Tensor(Native.dl_module_named_parameter(handle(), name)); }

  /** Saves parameters and buffers as safetensors (PyTorch's names), atomically. */
  public void save(String path) { Native.dl_module_save(handle(), path); }
  /** Loads what {@link #save} (or PyTorch's safetensors) wrote; strict. */
  public void load(String path) { Native.dl_module_load(handle(), path); }

  @Override public void close() {
    if (handle != 0) Native.dl_module_free(handle);
    handle = 0;
  }
}
