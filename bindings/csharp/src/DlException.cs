using System;

namespace LibDl {

/// <summary>libdl's dl_status codes, in the C header's order.</summary>
public enum Status { Ok, InvalidArgument, Shape, DType, Device, OutOfMemory, IO, Format, State, Unsupported, Internal, Unknown }

/// <summary>A failed libdl call: its status and libdl's message, which names the function and
/// the argument ("dl_matmul: shapes [2, 3] and [2, 3] cannot be multiplied").</summary>
public class DlException : Exception {
  public Status Status { get; }

  /// <summary>Made by the P/Invoke wrappers, inside the native call that failed (NOTE [C# errors] in dl.i).</summary>
  public DlException(int status, string message) : base(message) {
    Status = status >= 0 && status < (int)Status.Unknown ? (Status)status : Status.Unknown;
  }
}

}
