#!/usr/bin/python3
"""PyTorch twin of bench/overhead.c: microseconds per call, median of 5 batches."""
import json
import statistics
import time

import torch

CALLS = 100000


def us_per_call(body, calls):
    for _ in range(calls // 10):
        body()
    batches = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(calls):
            body()
        batches.append((time.perf_counter() - t0) / calls * 1e6)
    return statistics.median(batches)


def main():
    torch.set_num_threads(2)
    a, b = torch.randn(4), torch.randn(4)
    x, target = torch.randn(1, 4), torch.randn(1, 4)
    fc = torch.nn.Linear(4, 4)
    criterion = torch.nn.MSELoss()
    opt = torch.optim.SGD(fc.parameters(), lr=0.01)

    def train_step():
        loss = criterion(fc(x), target)
        opt.zero_grad()
        loss.backward()
        opt.step()

    print(json.dumps({"info": "PyTorch %s, from Python" % torch.__version__}))
    for name, body, calls in [("tiny add", lambda: torch.add(a, b), CALLS),
                              ("tiny relu", lambda: torch.relu(a), CALLS),
                              ("Linear(4,4) forward", lambda: fc(x), CALLS),
                              ("Linear(4,4) train step", train_step, CALLS // 10)]:
        print(json.dumps({"case": name, "metric": "us/call", "higher_is_better": False,
                          "value": us_per_call(body, calls)}), flush=True)


if __name__ == "__main__":
    main()
