#!/usr/bin/python3
"""PyTorch twin of bench/linreg.c: seed 002's loop, median of 7 runs in ms."""
import json
import time

import torch


def run_once(x, y):
    model = torch.nn.Linear(1, 1)
    criterion = torch.nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    t0 = time.perf_counter()
    for _ in range(1000):
        pred = model(x)
        loss = criterion(pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return time.perf_counter() - t0


def main():
    torch.set_num_threads(2)
    x = torch.randn(100, 1)
    y = 3 * x + 1 + torch.randn(100, 1) * 0.1
    print(json.dumps({"info": "PyTorch %s, torch threads %d" % (torch.__version__, torch.get_num_threads())}))
    run_once(x, y)
    times = sorted(run_once(x, y) for _ in range(7))
    print(json.dumps({"case": "1000 iterations", "metric": "ms", "higher_is_better": False,
                      "value": 1e3 * times[3]}), flush=True)


if __name__ == "__main__":
    main()
