namespace LibDl {

/// <summary>Element types, as dl_dtype.</summary>
public enum DType { Float32, Float64, Int64, Int32, UInt8, Bool, Float16, BFloat16 }

/// <summary>How a loss reduces over elements, as dl_reduction.</summary>
public enum Reduction { None, Mean, Sum }

/// <summary>Conv2dOptions.PaddingMode, as dl_padding_mode: explicit sizes, "same" or "valid".</summary>
public enum Padding { Explicit, Same, Valid }

/// <summary>An RNN's nonlinearity, as dl_rnn_nonlinearity.</summary>
public enum Nonlinearity { Tanh, ReLU }

}
