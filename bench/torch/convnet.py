#!/usr/bin/python3
"""PyTorch twin of bench/convnet.c: seed 001's ConvNet, batch 64 of 1x28x28
random images, CrossEntropyLoss on the log_softmax output, SGD lr 0.01
momentum 0.5. Median milliseconds of a train step and of a no-grad eval
forward over 15 steps after 3 of warm-up."""
import json
import statistics
import time

import torch
import torch.nn as nn

WARMUP, STEPS = 3, 15


def main():
    torch.set_num_threads(2)
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 32, 3, 1), nn.ReLU(), nn.Conv2d(32, 64, 3, 1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Dropout2d(0.25), nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5),
                        nn.Linear(128, 10), nn.LogSoftmax(dim=1))
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.5)
    criterion = nn.CrossEntropyLoss()
    x, y = torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))
    print(json.dumps({"info": "PyTorch %s, torch threads %d, mkldnn %s" % (
        torch.__version__, torch.get_num_threads(), torch.backends.mkldnn.is_available())}))
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


if __name__ == "__main__":
    main()
