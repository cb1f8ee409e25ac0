// The C# binding's test runner: every public method marked [Test] in this assembly runs once,
// in its own instance of its class; the exit status is the number of failures (capped at 1).
// Arguments, when given, run only the tests whose "Class.Method" name contains one of them.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Reflection;

namespace LibDl.Tests {

[AttributeUsage(AttributeTargets.Method)]
sealed class TestAttribute : Attribute {}

sealed class AssertionException : Exception {
  public AssertionException(string message) : base(message) {}
}

static class Assert {
  public static void True(bool condition, string what) {
    if (!condition) throw new AssertionException(what);
  }

  public static void Equal<T>(T expected, T actual, string what = "value") {
    if (!EqualityComparer<T>.Default.Equals(expected, actual))
      throw new AssertionException(what + ": expected " + expected + ", got " + actual);
  }

  public static void Close(double expected, double actual, double tolerance, string what = "value") {
    if (!(Math.Abs(expected - actual) <= tolerance))
      throw new AssertionException(what + ": expected " + expected.ToString("R") + " +- " + tolerance + ", got " + actual.ToString("R"));
  }

  public static void Elements<T>(T[] expected, T[] actual, string what = "elements") {
    if (actual == null || !expected.SequenceEqual(actual))
      throw new AssertionException(what + ": expected [" + string.Join(", ", expected) + "], got [" +
                                   (actual == null ? "null" : string.Join(", ", actual)) + "]");
  }

  public static void Close(double[] expected, double[] actual, double tolerance, string what = "elements") {
    Equal(expected.Length, actual.Length, what + " length");
    for (int i = 0; i < expected.Length; ++i) Close(expected[i], actual[i], tolerance, what + "[" + i + "]");
  }

  /// <summary>Runs body, which must throw a T (exactly T, or derived from it); returns it.</summary>
  public static T Throws<T>(Action body) where T : Exception {
    try {
      body();
    } catch (T e) {
      return e;
    } catch (Exception e) {
      throw new AssertionException("expected " + typeof(T).Name + ", got " + e.GetType().Name + ": " + e.Message);
    }
    throw new AssertionException("expected " + typeof(T).Name + ", nothing was thrown");
  }

  public static void Contains(string expected, string actual) {
    if (actual == null || !actual.Contains(expected)) throw new AssertionException("\"" + actual + "\" does not contain \"" + expected + "\"");
  }
}

static class TestRunner {
  static int Main(string[] filters) {
    var tests = (from type in Assembly.GetExecutingAssembly().GetTypes()
                 from method in type.GetMethods()
                 where method.GetCustomAttributes(typeof(TestAttribute), false).Length > 0
                 let name = type.Name + "." + method.Name
                 where filters.Length == 0 || filters.Any(name.Contains)
                 orderby name
                 select new { type, method, name }).ToList();
    if (tests.Count == 0) {
      Console.WriteLine("no tests matched");
      return 1;
    }
    int failed = 0;
    foreach (var t in tests) {
      var clock = Stopwatch.StartNew();
      try {
        t.method.Invoke(Activator.CreateInstance(t.type), null);
        Console.WriteLine("ok     {0} ({1} ms)", t.name, clock.ElapsedMilliseconds);
      } catch (TargetInvocationException e) {
        ++failed;
        Console.WriteLine("FAILED {0}: {1}", t.name, e.InnerException);
      }
    }
    Console.WriteLine("{0} tests, {1} failed", tests.Count, failed);
    return failed == 0 ? 0 : 1;
  }
}

}
