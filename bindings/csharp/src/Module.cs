using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace LibDl {

/// <summary>
/// A module, as torch.nn.Module. Your own model derives from it, registers its layers in the
/// constructor and overrides <see cref="Forward"/>, the seeds' <c>class Net(nn.Module)</c>:
/// <code>
/// class Net : Module {
///   readonly Module fc1, fc2;
///   public Net() : base("Net") {
///     fc1 = Register("fc1", new Nn.Linear(784, 128));
///     fc2 = Register("fc2", new Nn.Linear(128, 10));
///   }
///   public override Tensor Forward(Tensor x) {
///     using (Tensor v = x.Reshape(-1, 784)) using (Tensor h = fc1.Forward(v)) using (Tensor r = h.Relu())
///       return fc2.Forward(r);
///   }
/// }
/// </code>
/// libdl calls such a Forward too, when the module sits inside a Sequential. Layers are in
/// <see cref="Nn"/>. Dispose releases this handle; a module lives on while a parent holds it. A
/// custom module is referenced from native code until disposed: dispose it (using) rather than
/// relying on the garbage collector.
/// </summary>
public class Module : NativeObject {
  /// <summary>Wraps a new module handle (the built-in layers).</summary>
  internal Module(long handle) : base(handle) {}

  /// <summary>A custom module named typeName whose forward is this class's <see cref="Forward"/>.</summary>
  protected Module(string typeName) : base(0) {
    if (GetType().GetMethod("Forward", new[] { typeof(Tensor) }).DeclaringType == typeof(Module))
      throw new InvalidOperationException(GetType().Name + ": a custom Module must override Forward");
    var cb = new ForwardDirector(this);
    try {
      Adopt(Native.dl_binding_module_new(typeName, cb));
    } catch (DlException) {
      cb.Dispose();
      throw;
    }
    cb.GiveToLibdl();
  }

  /// <summary>The director libdl calls for a custom module's forward (NOTE [binding callbacks]).</summary>
  sealed class ForwardDirector : ForwardCallback {
    readonly Module module;
    GCHandle root;

    internal ForwardDirector(Module module) { this.module = module; }

    internal void GiveToLibdl() {
      root = GCHandle.Alloc(this);
      swigRelease(this);
    }

    public override int forward(long self, long x, long outSlot) {
      try {
        using (Tensor input = Tensor.Ref(x))
        using (Tensor y = module.Forward(input)) {
          Native.dl_binding_put_handle(outSlot, Native.dl_tensor_ref(H(y))); GC.KeepAlive(y);  // libdl takes this handle
          return 0;
        }
      } catch (Exception e) {
        return Callbacks.Fail(e);
      }
    }

    public override void released() { root.Free(); }
  }

  internal override void Free(long h) { Native.dl_module_free(h); }

  /// <summary>y = module(x), recorded by autograd. A custom module overrides it.</summary>
  public virtual Tensor Forward(Tensor x) {
    try {
      return Alive(new Tensor(Native.dl_module_forward(Handle, H(x))), this, x);
    } catch (DlException) {
      Callbacks.ThrowPending();
      throw;
    }
  }

  /// <summary>Registers child under name (as assigning self.fc1 in __init__) and returns it.</summary>
  public M Register<M>(string name, M child) where M : Module {
    Native.dl_module_register(Handle, name, H(child)); GC.KeepAlive(this); GC.KeepAlive(child);
    return child;
  }

  /// <summary>Registers t as a parameter named name (it becomes a leaf that requires grad).</summary>
  public Tensor RegisterParameter(string name, Tensor t) {
    Native.dl_module_register_parameter(Handle, name, H(t)); GC.KeepAlive(this); GC.KeepAlive(t);
    return t;
  }

  public void Train(bool on = true) { Native.dl_module_train(Handle, on ? 1 : 0); GC.KeepAlive(this); }
  public void Eval() { Train(false); }
  public bool IsTraining {
    get {
      Native.dl_module_is_training(Handle, out int on); GC.KeepAlive(this);
      return on != 0;
    }
  }

  public string TypeName {
    get {
      Native.dl_module_type_name(Handle, out string name); GC.KeepAlive(this);
      return name;
    }
  }

  /// <summary>The parameter tensors, recursive, in registration order (new handles: dispose them).</summary>
  public List<Tensor> Parameters() {
    var ps = new List<Tensor>();
    for (uint i = 0; i < NumParameters(); ++i) ps.Add(new Tensor(Native.dl_module_parameter(Handle, i))); GC.KeepAlive(this);
    return ps;
  }

  /// <summary>Parameters with their dotted names ("fc1.weight"), in order.</summary>
  public List<KeyValuePair<string, Tensor>> NamedParameters() {
    var ps = new List<KeyValuePair<string, Tensor>>();
    for (uint i = 0; i < NumParameters(); ++i) {
      Native.dl_binding_parameter_name(Handle, i, out string name); GC.KeepAlive(this);
      ps.Add(new KeyValuePair<string, Tensor>(name, new Tensor(Native.dl_module_parameter(Handle, i)))); GC.KeepAlive(this);
    }
    return ps;
  }

  long NumParameters() {
    Native.dl_module_num_parameters(Handle, out long n); GC.KeepAlive(this);
    return n;
  }

  public Tensor Parameter(string name) { return Alive(new Tensor(Native.dl_module_named_parameter(Handle, name)), this); }

  /// <summary>Saves parameters and buffers as safetensors (PyTorch's names), atomically.</summary>
  public void Save(string path) { Native.dl_module_save(Handle, path); GC.KeepAlive(this); }
  /// <summary>Loads what <see cref="Save"/> (or PyTorch's safetensors) wrote; strict.</summary>
  public void Load(string path) { Native.dl_module_load(Handle, path); GC.KeepAlive(this); }
}

}
