/* The one SWIG interface of libdl's Java, C# and Go bindings.
 *
 * SWIG reads the C header (dl/dl.h) and wraps every function one to one into
 * a native layer that only the hand-written idiomatic classes use
 * (bindings/java, bindings/csharp, bindings/go). The typemaps below are by
 * parameter pattern, so a new C function whose parameters follow the
 * header's conventions needs no line here at all:
 *   - a handle (dl_tensor*, dl_module*, ...) is a 64-bit integer (Java long,
 *     C# long, Go uintptr);
 *   - the dl_status result becomes the language's error: Java and C# throw
 *     org.libdl.DlException / LibDl.DlException, Go returns an error value.
 *     The message is read inside the same native call (NOTE [error in the
 *     same call]);
 *   - `H** out` (the one result handle) is the function's return value in
 *     Java and C#, a *uintptr in Go; other `H**` (x and y, values and
 *     indices) are out-arguments: long[1] in Java, `out long` in C#, *uintptr
 *     in Go; a null array (Java) or nil (Go) reaches libdl as NULL, which
 *     leaves out a result the header marks nullable (an RNN's h_n) and is
 *     libdl's error for any other;
 *   - (const int64_t* shape, int ndim) and the like are one array argument
 *     (an RNN's (lengths, num_lengths) too);
 *   - scalar results (int* out, double* out, ...) are out-arguments.
 * A function with a new parameter pattern needs one typemap line; a
 * function with a void* buffer gets a typed helper below.
 *
 * Callbacks (a module's forward, LambdaLR's lambda, a user's dataset) are
 * director classes: C++ interfaces that the languages implement, passed to
 * libdl as user_data through the C trampolines below (NOTE [binding
 * callbacks]). */
%module(directors="1") Native

%{
#include <dl/dl.h>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>
%}

/* The fixed-width integers by value as the 64-bit types they are here
 * (SWIG's stdint.i would make int64_t a long long, which is not int64_t's
 * type on LP64); pointers to them have the typemaps below. */
%apply long long { int64_t };
%apply unsigned long long { uint64_t };

/* ---- Messages of the binding's own checks ------------------------------ */
%{
/* NOTE [error in the same call]: the status typemaps of each language read
 * the failure's message while still inside the native call that failed: a
 * JVM or Mono thread keeps its OS thread, but a Go goroutine may move to
 * another between two cgo calls, and libdl's message is per OS thread. The
 * helpers below check what libdl cannot see (a Java array shorter than the
 * shape); their message, per thread too, takes precedence when set. */
static thread_local std::string dl_binding_message;

static dl_status dl_binding_fail(dl_status status, const std::string& message) {
  dl_binding_message = message;
  return status;
}

/* The message of the failure that just happened on this thread. */
static const char* dl_binding_take_message(void) {
  static thread_local std::string taken;
  if (dl_binding_message.empty()) return dl_last_error_message();
  taken = std::move(dl_binding_message);
  dl_binding_message.clear();
  return taken.c_str();
}
%}


/* ==== Java: package org.libdl ============================================ */
#if defined(SWIGJAVA)
%include "enumtypeunsafe.swg"
%javaconst(1);
/* Options fields as Java names them: o.setStrideH(2). */
%rename("%(lowercamelcase)s", %$ismember, %$isvariable) "";
/* Seeds as Java longs (the same 64 bits). */
%apply long long { uint64_t };
%pragma(java) moduleclassmodifiers="final class"
%pragma(java) jniclassclassmodifiers="final class"
%pragma(java) jniclasscode=%{
  static { NativeLibrary.load(); }
%}
/* Options value classes close like everything else. */
%typemap(javainterfaces) SWIGTYPE "AutoCloseable"
%typemap(javacode) SWIGTYPE %{
  /** Releases the native object now (the finalizer is only a backstop). */
  public void close() { delete(); }
%}
%typemap(javaclassmodifiers) dl_forward_callback, dl_lr_lambda_callback, dl_get_item_callback "abstract class"
/* The RNN's nonlinearity as Java names it: o.setNonlinearity(Nonlinearity.RELU). */
%rename(Nonlinearity) dl_rnn_nonlinearity;
%rename(TANH) DL_RNN_TANH;
%rename(RELU) DL_RNN_RELU;

%{
/* Throws org.libdl.DlException(status, message) on this thread; the
 * wrapper then returns normally, so argout and freearg code still runs (a
 * `return` here would leak the array copies). */
static void dl_java_throw(JNIEnv* jenv, dl_status status) {
  static jclass cls = NULL;
  static jmethodID ctor = NULL;
  const char* message = dl_binding_take_message();
  if (!cls) {
    jclass local = jenv->FindClass("org/libdl/DlException");
    if (!local) return;  /* NoClassDefFoundError is pending */
    ctor = jenv->GetMethodID(local, "<init>", "(ILjava/lang/String;)V");
    cls = (jclass)jenv->NewGlobalRef(local);
    jenv->DeleteLocalRef(local);
  }
  jstring text = jenv->NewStringUTF(message);
  jthrowable e = text ? (jthrowable)jenv->NewObject(cls, ctor, (jint)status, text) : NULL;
  if (e) jenv->Throw(e);
}
%}

%typemap(jni) dl_status "jlong"
%typemap(jtype) dl_status "long"
%typemap(jstype) dl_status "long"
%typemap(out) dl_status %{
  $result = 0;
  if ($1 != DL_OK) dl_java_throw(jenv, $1);
%}
%typemap(javaout) dl_status { return $jnicall; }

%define DL_HANDLE(T)
%typemap(jni) T*, const T* "jlong"
%typemap(jtype) T*, const T* "long"
%typemap(jstype) T*, const T* "long"
%typemap(in) T*, const T* %{ $1 = ($1_ltype)(intptr_t)$input; %}
%typemap(javain) T*, const T* "$javainput"
%typemap(in, numinputs=0) T** out ($*1_ltype temp = NULL) %{ $1 = &temp; %}
%typemap(argout) T** out %{ $result = (jlong)(intptr_t)temp$argnum; %}
%typemap(jni) T** "jlongArray"
%typemap(jtype) T** "long[]"
%typemap(jstype) T** "long[]"
%typemap(javain) T** "$javainput"
%typemap(in) T** ($*1_ltype temp = NULL) %{ $1 = $input ? &temp : NULL; %}
%typemap(argout) T** %{
  if ($input && !jenv->ExceptionCheck()) {
    jlong v = (jlong)(intptr_t)temp$argnum;
    jenv->SetLongArrayRegion($input, 0, 1, &v);
  }
%}
%enddef

/* Java arrays copied in: JARRAY, the JNI element type, and its Get*Region. */
%define DL_JAVA_ARRAY_IN(PATTERN, CTYPE, JARRAY, JTYPE, JELEM, GETREGION)
%typemap(jni) PATTERN "JARRAY"
%typemap(jtype) PATTERN "JTYPE"
%typemap(jstype) PATTERN "JTYPE"
%typemap(javain) PATTERN "$javainput"
%typemap(in) PATTERN (std::vector<CTYPE> temp) %{
  if ($input) {
    temp.resize((size_t)jenv->GetArrayLength($input));
    if (!temp.empty()) jenv->GETREGION($input, 0, (jsize)temp.size(), (JELEM*)temp.data());
  }
  $1 = temp.data();
%}
%enddef
%define DL_INT64_ARRAY(ARRAY, COUNT)
%typemap(in) (ARRAY, COUNT) (std::vector<int64_t> temp) %{
  if ($input) {
    temp.resize((size_t)jenv->GetArrayLength($input));
    if (!temp.empty()) jenv->GetLongArrayRegion($input, 0, (jsize)temp.size(), (jlong*)temp.data());
  }
  $1 = temp.data();
  $2 = ($2_ltype)temp.size();
%}
%typemap(jni) (ARRAY, COUNT) "jlongArray"
%typemap(jtype) (ARRAY, COUNT) "long[]"
%typemap(jstype) (ARRAY, COUNT) "long[]"
%typemap(javain) (ARRAY, COUNT) "$javainput"
%enddef
/* Sizes written into an array whose length is the capacity. */
%define DL_INT64_ARRAY_OUT(ARRAY, COUNT)
%typemap(jni) (ARRAY, COUNT) "jlongArray"
%typemap(jtype) (ARRAY, COUNT) "long[]"
%typemap(jstype) (ARRAY, COUNT) "long[]"
%typemap(javain) (ARRAY, COUNT) "$javainput"
%typemap(in) (ARRAY, COUNT) (std::vector<int64_t> temp) %{
  temp.resize($input ? (size_t)jenv->GetArrayLength($input) : 0);
  $1 = temp.data();
  $2 = (int)temp.size();
%}
%typemap(argout) (ARRAY, COUNT) %{
  if (!jenv->ExceptionCheck() && !temp$argnum.empty())
    jenv->SetLongArrayRegion($input, 0, (jsize)temp$argnum.size(), (const jlong*)temp$argnum.data());
%}
%enddef
%define DL_HANDLE_ARRAY(ARRAY, COUNT)
%typemap(jni) (ARRAY, COUNT) "jlongArray"
%typemap(jtype) (ARRAY, COUNT) "long[]"
%typemap(jstype) (ARRAY, COUNT) "long[]"
%typemap(javain) (ARRAY, COUNT) "$javainput"
%typemap(in) (ARRAY, COUNT) (std::vector<jlong> values, std::vector<dl_tensor*> temp) %{
  if ($input) {
    values.resize((size_t)jenv->GetArrayLength($input));
    if (!values.empty()) jenv->GetLongArrayRegion($input, 0, (jsize)values.size(), values.data());
  }
  for (jlong v : values) temp.push_back((dl_tensor*)(intptr_t)v);
  $1 = temp.data();
  $2 = (int)temp.size();
%}
%typemap(argout) (ARRAY, COUNT) ""
%enddef
%define DL_FLOAT_IN(PATTERN)
DL_JAVA_ARRAY_IN(PATTERN, float, jfloatArray, float[], jfloat, GetFloatArrayRegion)
%enddef

/* Scalar results: one-element arrays. */
%define DL_JAVA_OUT(PATTERN, CTYPE, JARRAY, JTYPE, JELEM, SETREGION)
%typemap(jni) PATTERN "JARRAY"
%typemap(jtype) PATTERN "JTYPE"
%typemap(jstype) PATTERN "JTYPE"
%typemap(javain) PATTERN "$javainput"
%typemap(in) PATTERN (CTYPE temp = (CTYPE)0) %{ $1 = &temp; %}
%typemap(argout) PATTERN %{
  if ($input && !jenv->ExceptionCheck()) {
    JELEM v = (JELEM)temp$argnum;
    jenv->SETREGION($input, 0, 1, &v);
  }
%}
%enddef
%define DL_INT_OUT(CTYPE, PATTERN) DL_JAVA_OUT(PATTERN, CTYPE, jintArray, int[], jint, SetIntArrayRegion) %enddef
%define DL_INT64_OUT(CTYPE, PATTERN) DL_JAVA_OUT(PATTERN, CTYPE, jlongArray, long[], jlong, SetLongArrayRegion) %enddef
%define DL_DOUBLE_OUT(CTYPE, PATTERN) DL_JAVA_OUT(PATTERN, CTYPE, jdoubleArray, double[], jdouble, SetDoubleArrayRegion) %enddef
%define DL_STRING_OUT(PATTERN)
%typemap(jni) PATTERN "jobjectArray"
%typemap(jtype) PATTERN "String[]"
%typemap(jstype) PATTERN "String[]"
%typemap(javain) PATTERN "$javainput"
%typemap(in) PATTERN (const char* temp = NULL) %{ $1 = ($1_ltype)&temp; %}
%typemap(argout) PATTERN %{
  if (!jenv->ExceptionCheck() && temp$argnum) {
    jstring s = jenv->NewStringUTF(temp$argnum);
    if (s) jenv->SetObjectArrayElement($input, 0, s);
  }
%}
%enddef

/* Element arrays with their length (n): copied in, or out and back. */
%define DL_TYPED_ARRAY(CTYPE, JARRAY, JTYPE, JELEM, JNAME)
%typemap(jni) (const CTYPE* data, int64_t n), (CTYPE* data, int64_t n) "JARRAY"
%typemap(jtype) (const CTYPE* data, int64_t n), (CTYPE* data, int64_t n) "JTYPE"
%typemap(jstype) (const CTYPE* data, int64_t n), (CTYPE* data, int64_t n) "JTYPE"
%typemap(javain) (const CTYPE* data, int64_t n), (CTYPE* data, int64_t n) "$javainput"
%typemap(in) (const CTYPE* data, int64_t n), (CTYPE* data, int64_t n) %{
  $1 = $input ? ($1_ltype)jenv->Get##JNAME##ArrayElements($input, NULL) : NULL;
  $2 = $input ? (int64_t)jenv->GetArrayLength($input) : 0;
%}
%typemap(freearg) (const CTYPE* data, int64_t n) %{
  if ($1) jenv->Release##JNAME##ArrayElements($input, (JELEM*)$1, JNI_ABORT);
%}
%typemap(freearg) (CTYPE* data, int64_t n) %{
  if ($1) jenv->Release##JNAME##ArrayElements($input, (JELEM*)$1, 0);
%}
%enddef
DL_TYPED_ARRAY(float, jfloatArray, float[], jfloat, Float)
DL_TYPED_ARRAY(double, jdoubleArray, double[], jdouble, Double)
DL_TYPED_ARRAY(int64_t, jlongArray, long[], jlong, Long)
DL_TYPED_ARRAY(int32_t, jintArray, int[], jint, Int)
DL_TYPED_ARRAY(uint8_t, jbyteArray, byte[], jbyte, Byte)
#endif /* SWIGJAVA */


/* ==== C#: namespace LibDl ================================================ */
#if defined(SWIGCSHARP)
%include "enumsimple.swg"
%csconst(1);
/* Options fields as C# properties: new SgdOptions { Lr = 0.01 }. */
%rename("%(camelcase)s", %$ismember, %$isvariable) "";
%pragma(csharp) moduleclassmodifiers="internal class"
%pragma(csharp) imclassclassmodifiers="internal class"
%typemap(csclassmodifiers) dl_forward_callback, dl_lr_lambda_callback, dl_get_item_callback "internal abstract class"

/* NOTE [C# errors]: the status typemap hands the status and message to a C#
 * delegate registered at start-up, which sets SWIG's pending exception
 * (per thread) to a LibDl.DlException; the C# wrapper throws it as soon as
 * the native call returns. */
%insert(runtime) %{
typedef void (SWIGSTDCALL* dl_csharp_error_fn)(int status, const char* message);
static dl_csharp_error_fn dl_csharp_error = NULL;
extern "C" SWIGEXPORT void SWIGSTDCALL dl_csharp_register_error(dl_csharp_error_fn fn) { dl_csharp_error = fn; }
%}
%pragma(csharp) imclasscode=%{
  internal sealed class DlErrorHelper {
    public delegate void ErrorDelegate(int status, string message);
    static readonly ErrorDelegate errorDelegate = SetPending;  // kept alive for C
    [global::System.Runtime.InteropServices.DllImport("$dllimport", EntryPoint = "dl_csharp_register_error")]
    static extern void Register(ErrorDelegate fn);
    static void SetPending(int status, string message) { SWIGPendingException.Set(new DlException(status, message)); }
    static DlErrorHelper() { Register(errorDelegate); }
  }
  internal static readonly DlErrorHelper dlErrorHelper = new DlErrorHelper();
%}

%typemap(ctype) dl_status "long long"
%typemap(imtype) dl_status "long"
%typemap(cstype) dl_status "long"
%typemap(out, canthrow=1) dl_status %{
  $result = 0;
  if ($1 != DL_OK) dl_csharp_error((int)$1, dl_binding_take_message());
%}
%typemap(csout, excode=SWIGEXCODE) dl_status {
    long ret = $imcall;$excode
    return ret;
  }

%define DL_HANDLE(T)
%typemap(ctype) T*, const T* "long long"
%typemap(imtype) T*, const T* "long"
%typemap(cstype) T*, const T* "long"
%typemap(in) T*, const T* %{ $1 = ($1_ltype)(intptr_t)$input; %}
%typemap(csin) T*, const T* "$csinput"
%typemap(in, numinputs=0) T** out ($*1_ltype temp = NULL) %{ $1 = &temp; %}
%typemap(argout) T** out %{ $result = (long long)(intptr_t)temp$argnum; %}
%typemap(ctype) T** "long long*"
%typemap(imtype) T** "out long"
%typemap(cstype) T** "out long"
%typemap(csin) T** "out $csinput"
%typemap(in) T** ($*1_ltype temp = NULL) %{ $1 = &temp; %}
%typemap(argout) T** %{ *$input = (long long)(intptr_t)temp$argnum; %}
%enddef

/* Arrays pass pinned (blittable elements); the count stays its own argument. */
%define DL_CSHARP_ARRAY(PATTERN, CTYPE, CSTYPE)
%typemap(ctype) PATTERN "CTYPE*"
%typemap(imtype) PATTERN "CSTYPE[]"
%typemap(cstype) PATTERN "CSTYPE[]"
%typemap(csin) PATTERN "$csinput"
%typemap(in) PATTERN %{ $1 = ($1_ltype)$input; %}
%typemap(argout) PATTERN ""
%enddef
%define DL_INT64_ARRAY(ARRAY, COUNT) DL_CSHARP_ARRAY(ARRAY, int64_t, long) %enddef
%define DL_INT64_ARRAY_OUT(ARRAY, COUNT) DL_CSHARP_ARRAY(ARRAY, int64_t, long) %enddef
%define DL_HANDLE_ARRAY(ARRAY, COUNT) DL_CSHARP_ARRAY(ARRAY, int64_t, long) %enddef
%define DL_FLOAT_IN(PATTERN) DL_CSHARP_ARRAY(PATTERN, float, float) %enddef

/* Scalar results: out arguments. */
%define DL_CSHARP_OUT(PATTERN, CTYPE, CSTYPE)
%typemap(ctype) PATTERN "CTYPE*"
%typemap(imtype) PATTERN "out CSTYPE"
%typemap(cstype) PATTERN "out CSTYPE"
%typemap(csin) PATTERN "out $csinput"
%typemap(in) PATTERN %{ $1 = ($1_ltype)$input; %}
%enddef
%define DL_INT_OUT(CTYPE, PATTERN) DL_CSHARP_OUT(PATTERN, CTYPE, int) %enddef
%define DL_INT64_OUT(CTYPE, PATTERN) DL_CSHARP_OUT(PATTERN, CTYPE, long) %enddef
%define DL_DOUBLE_OUT(CTYPE, PATTERN) DL_CSHARP_OUT(PATTERN, CTYPE, double) %enddef
%define DL_STRING_OUT(PATTERN)
%typemap(ctype) PATTERN "const char**"
%typemap(imtype) PATTERN "out global::System.IntPtr"
%typemap(cstype) PATTERN "out string"
%typemap(csin, pre="    global::System.IntPtr temp$csinput = global::System.IntPtr.Zero;",
         post="    $csinput = global::System.Runtime.InteropServices.Marshal.PtrToStringAnsi(temp$csinput);") PATTERN
  "out temp$csinput"
%typemap(in) PATTERN %{ $1 = ($1_ltype)$input; *$1 = NULL; %}
%enddef

%define DL_TYPED_ARRAY(CTYPE, CSTYPE)
DL_CSHARP_ARRAY(const CTYPE* data, CTYPE, CSTYPE)
DL_CSHARP_ARRAY(CTYPE* data, CTYPE, CSTYPE)
%enddef
DL_TYPED_ARRAY(float, float)
DL_TYPED_ARRAY(double, double)
DL_TYPED_ARRAY(int64_t, long)
DL_TYPED_ARRAY(int32_t, int)
DL_TYPED_ARRAY(uint8_t, byte)
#endif /* SWIGCSHARP */


/* ==== Go: package native, wrapped by package dl ========================== */
#if defined(SWIGGO)
/* The status becomes an error value built from a string the C wrapper
 * allocates inside the failing call (NOTE [error in the same call]): its
 * first byte is the status, the rest the message; "" is success. */
/* Options fields as Go names them: o.SetStrideH(2). */
%rename("%(camelcase)s", %$ismember, %$isvariable) "";
%typemap(gotype) dl_status "error"
%typemap(imtype) dl_status "string"
%typemap(out, fragment="AllocateString") dl_status %{
  if ($1 != DL_OK) {
    std::string text(1, (char)$1);
    text += dl_binding_take_message();
    $result = Swig_AllocateString(text.data(), text.size());
  } else {
    $result.p = NULL;
    $result.n = 0;
  }
%}
%typemap(goout, fragment="CopyString") dl_status %{
  if len($1) == 0 {
    $result = nil
  } else {
    text := swigCopyString($1)
    $result = &Error{Status: int(text[0]), Message: text[1:]}
  }
%}
%insert(go_wrapper) %{
// Error is a failed libdl call: its dl_status and message.
type Error struct {
	Status  int
	Message string
}

func (e *Error) Error() string { return e.Message }
%}

%define DL_HANDLE(T)
%typemap(gotype) T*, const T* "uintptr"
%typemap(imtype) T*, const T* "uintptr"
%typemap(in) T*, const T* %{ $1 = ($1_ltype)$input; %}
%typemap(gotype) T** "*uintptr"
%typemap(imtype) T** "*uintptr"
%typemap(in) T** %{
  $1 = ($1_ltype)$input;
  if ($1) *$1 = NULL;
%}
%enddef

/* Slices in: the element pointer and, for pairs, the length. */
%define DL_GO_SLICE(PATTERN, GOTYPE)
%typemap(gotype) PATTERN "GOTYPE"
%typemap(imtype) PATTERN "GOTYPE"
%typemap(in) PATTERN %{ $1 = ($1_ltype)$input.array; %}
%enddef
%define DL_GO_SLICE_N(ARRAY, COUNT, GOTYPE)
%typemap(gotype) (ARRAY, COUNT) "GOTYPE"
%typemap(imtype) (ARRAY, COUNT) "GOTYPE"
%typemap(in) (ARRAY, COUNT) %{ $1 = ($1_ltype)$input.array; $2 = ($2_ltype)$input.len; %}
%typemap(argout) (ARRAY, COUNT) ""
%enddef
%define DL_INT64_ARRAY(ARRAY, COUNT) DL_GO_SLICE_N(ARRAY, COUNT, []int64) %enddef
%define DL_INT64_ARRAY_OUT(ARRAY, COUNT) DL_GO_SLICE_N(ARRAY, COUNT, []int64) %enddef
%define DL_HANDLE_ARRAY(ARRAY, COUNT) DL_GO_SLICE_N(ARRAY, COUNT, []uintptr) %enddef
%define DL_FLOAT_IN(PATTERN) DL_GO_SLICE(PATTERN, []float32) %enddef

/* Scalar results: pointers to Go variables (no Go pointers inside). */
%define DL_GO_OUT(PATTERN, GOTYPE)
%typemap(gotype) PATTERN "GOTYPE"
%typemap(imtype) PATTERN "GOTYPE"
%typemap(in) PATTERN %{ $1 = ($1_ltype)$input; %}
%enddef
%define DL_INT_OUT(CTYPE, PATTERN) DL_GO_OUT(PATTERN, *int32) %enddef
%define DL_INT64_OUT(CTYPE, PATTERN) DL_GO_OUT(PATTERN, *int64) %enddef
%define DL_DOUBLE_OUT(CTYPE, PATTERN) DL_GO_OUT(PATTERN, *float64) %enddef
/* A string result is copied into Go memory inside the call. */
%define DL_STRING_OUT(PATTERN)
%typemap(gotype) PATTERN "*string"
%typemap(imtype) PATTERN "*string"
%typemap(in) PATTERN (const char* temp = NULL) %{ $1 = ($1_ltype)&temp; %}
%typemap(argout, fragment="AllocateString") PATTERN %{
  if (temp$argnum) *$input = Swig_AllocateString(temp$argnum, strlen(temp$argnum));
%}
%typemap(goargout, fragment="CopyString") PATTERN %{
  if len(*$input) > 0 {
    *$input = swigCopyString(*$input)
  }
%}
%enddef

%define DL_TYPED_ARRAY(CTYPE, GOTYPE)
DL_GO_SLICE_N(const CTYPE* data, int64_t n, []GOTYPE)
DL_GO_SLICE_N(CTYPE* data, int64_t n, []GOTYPE)
%enddef
DL_TYPED_ARRAY(float, float32)
DL_TYPED_ARRAY(double, float64)
DL_TYPED_ARRAY(int64_t, int64)
DL_TYPED_ARRAY(int32_t, int32)
DL_TYPED_ARRAY(uint8_t, byte)
#endif /* SWIGGO */


DL_HANDLE(dl_tensor)
DL_HANDLE(dl_module)
DL_HANDLE(dl_optimizer)
DL_HANDLE(dl_scheduler)
DL_HANDLE(dl_dataset)
DL_HANDLE(dl_loader)

/* Integer arrays with their length: one array argument. */
DL_INT64_ARRAY(const int64_t* shape, int ndim)
DL_INT64_ARRAY(const int64_t* dims, int ndims)
DL_INT64_ARRAY(const int64_t* milestones, int count)
DL_INT64_ARRAY(const int64_t* lengths, int64_t num_lengths)
DL_INT64_ARRAY_OUT(int64_t* shape, int capacity)
DL_INT64_ARRAY_OUT(int64_t* strides, int capacity)
/* Handle arrays with their count (optimizer parameters, cat/stack). */
DL_HANDLE_ARRAY(dl_tensor* const* params, int count)
DL_HANDLE_ARRAY(const dl_tensor* const* tensors, int count)
DL_HANDLE_ARRAY(dl_tensor* const* handles, int count)
/* Per-channel values whose count is the next argument (the layer checks it). */
DL_FLOAT_IN(const float* mean)
DL_FLOAT_IN(const float* std)

/* Scalar results. */
DL_INT_OUT(int, int* out)
DL_INT_OUT(int, int* previous)
DL_INT_OUT(dl_dtype, dl_dtype* out)
DL_INT64_OUT(int64_t, int64_t* out)
DL_INT64_OUT(size_t, size_t* out)
DL_INT64_OUT(size_t, size_t* index)
DL_DOUBLE_OUT(double, double* out)
DL_DOUBLE_OUT(double, double* total_norm)
DL_STRING_OUT(const char** out)

/* ---- What the layers do not wrap directly ------------------------------- */
/* The binding reads the message itself (NOTE [error in the same call]). */
%ignore dl_last_error_message;
/* The status name comes with each error. */
%ignore dl_status_name;
/* void* buffers: the typed helpers below. */
%ignore dl_tensor_from_data;
%ignore dl_tensor_copy_to;
%ignore dl_tensor_copy_from;
/* char buffers: dl_binding_parameter_name. */
%ignore dl_module_parameter_name;
/* C function pointers: the director trampolines below. */
%ignore dl_module_new;
%ignore dl_lambda_lr_new;
%ignore dl_dataset_from_callback;
/* A C callback's own error; the trampolines keep a callback's exception on
   the language side instead (NOTE [binding callbacks]). */
%ignore dl_set_error;
/* Options structs holding a borrowed handle: not offered by the layers yet. */
%ignore dl_class_loss_options;
%ignore dl_class_loss_defaults;
%ignore dl_cross_entropy_ex;
%ignore dl_nll_loss_ex;

/* Options structs are value classes built with libdl's defaults. */
%define DL_OPTIONS(CTYPE, NAME, DEFAULTS)
%rename(NAME) CTYPE;
%extend CTYPE {
  CTYPE() { return new CTYPE(DEFAULTS()); }
}
%enddef
DL_OPTIONS(dl_sgd_options, SgdOptions, dl_sgd_defaults)
DL_OPTIONS(dl_adam_options, AdamOptions, dl_adam_defaults)
DL_OPTIONS(dl_rmsprop_options, RmspropOptions, dl_rmsprop_defaults)
DL_OPTIONS(dl_adagrad_options, AdagradOptions, dl_adagrad_defaults)
DL_OPTIONS(dl_plateau_options, PlateauOptions, dl_plateau_defaults)
DL_OPTIONS(dl_loader_options, LoaderOptions, dl_loader_defaults)
DL_OPTIONS(dl_conv2d_options, Conv2dOptions, dl_conv2d_defaults)
DL_OPTIONS(dl_pool2d_options, Pool2dOptions, dl_pool2d_defaults)
DL_OPTIONS(dl_batch_norm_options, BatchNormOptions, dl_batch_norm_defaults)
DL_OPTIONS(dl_rnn_options, RnnOptions, dl_rnn_defaults)
DL_OPTIONS(dl_embedding_options, EmbeddingOptions, dl_embedding_defaults)
%rename(Device) dl_device;
%rename(ForwardCallback) dl_forward_callback;
%rename(LrLambdaCallback) dl_lr_lambda_callback;
%rename(GetItemCallback) dl_get_item_callback;
/* Each language has its own Status enum, filled from the error's status. */
%rename("$ignore", regextarget=1, fullname=1) "^DL_(OK|ERR_)";

/* The headers, as C users see them. A new header is one line here. */
%include "dl/core.h"
%include "dl/tensor.h"
%include "dl/ops.h"
%include "dl/autograd.h"
%include "dl/nn.h"
%include "dl/conv.h"
%include "dl/optim.h"
%include "dl/data.h"
%include "dl/rnn.h"

/* ---- Typed copies in and out (the header's void* buffers) --------------- */

%define DL_TYPED_COPIES(CTYPE, SUFFIX, DTYPE)
%inline %{
/* A new DTYPE tensor of shape copying n elements of data (n = numel). */
dl_status dl_binding_from_##SUFFIX(const CTYPE* data, int64_t n, const int64_t* shape, int ndim, dl_tensor** out) {
  int64_t numel = 1;
  for (int i = 0; i < ndim; ++i) numel = shape[i] < 0 || numel > INT64_MAX / (shape[i] ? shape[i] : 1) ? -1 : numel * shape[i];
  if (numel != n) {
    *out = NULL;
    return dl_binding_fail(DL_ERR_SHAPE, "Tensor.from: " + std::to_string(n) + " values do not fill the shape (" +
                                             std::to_string(numel) + " elements)");
  }
  return dl_tensor_from_data(data, DTYPE, shape, ndim, out);
}
/* Copies t's n elements (t's dtype must be DTYPE) into data, or from it. */
static dl_status dl_binding_check_##SUFFIX(const dl_tensor* t, int64_t n, const char* fn) {
  dl_dtype dt;
  int64_t numel;
  dl_status st = dl_tensor_dtype(t, &dt);
  if (st == DL_OK) st = dl_tensor_numel(t, &numel);
  if (st != DL_OK) return st;
  if (dt != DTYPE) return dl_binding_fail(DL_ERR_DTYPE, std::string(fn) + ": the tensor's dtype is not " #SUFFIX);
  if (numel != n)
    return dl_binding_fail(DL_ERR_SHAPE, std::string(fn) + ": the array has " + std::to_string(n) +
                                             " elements, the tensor " + std::to_string(numel));
  return DL_OK;
}
dl_status dl_binding_copy_to_##SUFFIX(const dl_tensor* t, CTYPE* data, int64_t n) {
  dl_status st = dl_binding_check_##SUFFIX(t, n, "Tensor.copyTo");
  return st ? st : dl_tensor_copy_to(t, data, (size_t)n * sizeof(CTYPE));
}
dl_status dl_binding_copy_from_##SUFFIX(dl_tensor* t, const CTYPE* data, int64_t n) {
  dl_status st = dl_binding_check_##SUFFIX(t, n, "Tensor.copyFrom");
  return st ? st : dl_tensor_copy_from(t, data, (size_t)n * sizeof(CTYPE));
}
%}
%enddef
DL_TYPED_COPIES(float, float32, DL_FLOAT32)
DL_TYPED_COPIES(double, float64, DL_FLOAT64)
DL_TYPED_COPIES(int64_t, int64, DL_INT64)
DL_TYPED_COPIES(int32_t, int32, DL_INT32)
DL_TYPED_COPIES(uint8_t, uint8, DL_UINT8)

%inline %{
/* dl_scope_end, then dl_tensor_free of each of handles (the tensors a binding's
 * scope owned): the end of a training step in one native call instead of one
 * per tensor. The handles are freed even when no scope is open. */
dl_status dl_binding_scope_end(dl_tensor* const* handles, int count) {
  dl_status st = dl_scope_end();
  for (int i = 0; i < count; ++i) dl_tensor_free(handles[i]);
  return st;
}

/* The dotted name of parameter index of m ("fc1.weight"); *out is valid until
 * the next call on this thread. */
dl_status dl_binding_parameter_name(const dl_module* m, size_t index, const char** out) {
  static thread_local char buffer[4096];
  *out = NULL;
  dl_status st = dl_module_parameter_name(m, index, buffer, sizeof buffer);
  if (st == DL_OK) *out = buffer;
  return st;
}
%}

/* ---- Callbacks ------------------------------------------------------------
 * NOTE [binding callbacks]
 * Each callback kind is a C++ interface the languages implement (a SWIG
 * director). libdl gets a C trampoline with the director as user_data, and
 * deletes the director through free_user_data when the module, scheduler or
 * dataset is destroyed; released() runs first so that the language drops
 * what it kept alive for C (C# delegates, Go's registry entry).
 * A callback never lets an exception or panic reach C: the language's
 * implementation catches it, keeps it on its own object and returns a
 * failure status; the idiomatic layer rethrows (or returns) the kept one
 * when the libdl call that ran the callback fails. Handles cross as
 * integers; results go through slots (the address of a dl_tensor* or
 * double) that dl_binding_put_handle / dl_binding_put_double fill. */
%feature("director") dl_forward_callback;
%feature("director") dl_lr_lambda_callback;
%feature("director") dl_get_item_callback;
%inline %{
/* forward(self, x): put a new tensor handle in out_slot, return DL_OK or a status. */
class dl_forward_callback {
 public:
  virtual ~dl_forward_callback() {}
  virtual int forward(int64_t self, int64_t x, int64_t out_slot) = 0;
  virtual void released() {}
};
/* factor(epoch): put lr's factor in out_slot, return DL_OK or a status. */
class dl_lr_lambda_callback {
 public:
  virtual ~dl_lr_lambda_callback() {}
  virtual int factor(int64_t epoch, int64_t out_slot) = 0;
  virtual void released() {}
};
/* get_item(index): put new x and y handles in the slots, return DL_OK or a status. */
class dl_get_item_callback {
 public:
  virtual ~dl_get_item_callback() {}
  virtual int get_item(int64_t index, int64_t x_slot, int64_t y_slot) = 0;
  virtual void released() {}
};

void dl_binding_put_handle(int64_t slot, int64_t handle) { *(dl_tensor**)(intptr_t)slot = (dl_tensor*)(intptr_t)handle; }
void dl_binding_put_double(int64_t slot, double value) { *(double*)(intptr_t)slot = value; }
%}

%{
static dl_status dl_binding_forward(dl_module* self, const dl_tensor* x, dl_tensor** out, void* user_data) {
  return (dl_status) static_cast<dl_forward_callback*>(user_data)->forward((int64_t)(intptr_t)self,
                                                                            (int64_t)(intptr_t)x,
                                                                            (int64_t)(intptr_t)out);
}
static dl_status dl_binding_lr_lambda(int64_t epoch, double* factor, void* user_data) {
  return (dl_status) static_cast<dl_lr_lambda_callback*>(user_data)->factor(epoch, (int64_t)(intptr_t)factor);
}
static dl_status dl_binding_get_item(int64_t index, dl_tensor** x, dl_tensor** y, void* user_data) {
  return (dl_status) static_cast<dl_get_item_callback*>(user_data)->get_item(index, (int64_t)(intptr_t)x,
                                                                              (int64_t)(intptr_t)y);
}
template <typename Callback>
static void dl_binding_release(void* user_data) {
  Callback* c = static_cast<Callback*>(user_data);
  c->released();
  delete c;
}
%}

%inline %{
/* dl_module_new with a director; libdl owns cb from a successful call on. */
dl_status dl_binding_module_new(const char* type_name, dl_forward_callback* cb, dl_module** out) {
  return dl_module_new(type_name, dl_binding_forward, cb, dl_binding_release<dl_forward_callback>, out);
}
/* dl_lambda_lr_new with a director; libdl owns cb from a successful call on. */
dl_status dl_binding_lambda_lr_new(dl_optimizer* opt, dl_lr_lambda_callback* cb, dl_scheduler** out) {
  return dl_lambda_lr_new(opt, dl_binding_lr_lambda, cb, dl_binding_release<dl_lr_lambda_callback>, out);
}
/* dl_dataset_from_callback with a director; libdl owns cb from a successful call on. */
dl_status dl_binding_dataset_new(int64_t size, dl_get_item_callback* cb, dl_dataset** out) {
  return dl_dataset_from_callback(size, dl_binding_get_item, cb, dl_binding_release<dl_get_item_callback>, out);
}
%}
