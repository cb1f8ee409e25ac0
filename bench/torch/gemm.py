#!/usr/bin/python3
"""PyTorch twin of bench/gemm.c: same cases, same output format.
Usage: gemm.py THREADS (the runner sets OPENBLAS_CORETYPE and OPENBLAS_NUM_THREADS)."""
import json
import os
import sys
import time

import torch


def time_product(m, k, n):
    a = torch.randn(m, k)
    b = torch.randn(k, n)
    torch.matmul(a, b)  # warm-up
    times = []
    start = time.perf_counter()
    while len(times) < 2000 and (len(times) < 3 or time.perf_counter() - start < 1.0):
        t0 = time.perf_counter()
        torch.matmul(a, b)
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    torch.set_num_threads(threads)
    info = "PyTorch %s, OPENBLAS_CORETYPE=%s OPENBLAS_NUM_THREADS=%s, torch threads %d" % (
        torch.__version__, os.environ.get("OPENBLAS_CORETYPE", "unset"),
        os.environ.get("OPENBLAS_NUM_THREADS", "unset"), threads)
    print(json.dumps({"info": info}))
    for name, m, k, n in [("1024x1024x1024", 1024, 1024, 1024), ("4096x4096x4096", 4096, 4096, 4096),
                          ("64x784x128", 64, 784, 128)]:
        t = time_product(m, k, n)
        print(json.dumps({"case": "%s, %d thread(s)" % (name, threads), "metric": "GFLOP/s",
                          "higher_is_better": True, "value": round(2.0 * m * k * n / t / 1e9, 3)}), flush=True)


if __name__ == "__main__":
    main()
