"""The timing the PyTorch twins of bench/cnn.c and bench/rnn.c share (as
time_classifier in bench/bench_util.h): median milliseconds over 15 steps,
after 3 of warm-up, of a train step (zero_grad, forward, cross-entropy,
backward, optimizer step), then of an eval-mode no-grad forward, printed as
the runner's JSON lines "train step" and "no-grad forward"."""
import json
import statistics
import time

import torch
import torch.nn as nn

WARMUP, STEPS = 3, 15


def time_classifier(net, opt, x, y):
    criterion = nn.CrossEntropyLoss()
    train = []
    for i in range(WARMUP + STEPS):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = criterion(net(x), y)
        loss.backward()
        opt.step()
        if i >= WARMUP:
            train.append((time.perf_counter() - t0) * 1e3)
    net.eval()
    evals = []
    with torch.no_grad():
        for i in range(WARMUP + STEPS):
            t0 = time.perf_counter()
            net(x)
            if i >= WARMUP:
                evals.append((time.perf_counter() - t0) * 1e3)
    for case, values in (("train step", train), ("no-grad forward", evals)):
        print(json.dumps({"case": case, "metric": "ms", "higher_is_better": False,
                          "value": statistics.median(values)}), flush=True)
