#!/usr/bin/python3
"""PyTorch twin of bench/rnn.c: the lstm and bilstm workloads (PERFORMANCE.md),
an LSTM over a batch of 64 sequences of 28 steps of 28 features
(batch_first), its last step into a Linear to 10 classes, CrossEntropyLoss,
Adam lr 1e-3, one batch of random inputs. Median milliseconds of a train step
and of a no-grad eval forward over 15 steps after 3 of warm-up.
  lstm:   LSTM(28, 128, num_layers=2) -> Linear(128, 10)
  bilstm: LSTM(28, 128, bidirectional=True) -> Linear(256, 10)
Usage: rnn.py lstm|bilstm"""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn

WARMUP, STEPS = 3, 15


class Net(nn.Module):
    def __init__(self, bidirectional):
        super().__init__()
        self.lstm = nn.LSTM(28, 128, num_layers=1 if bidirectional else 2, batch_first=True,
                            bidirectional=bidirectional)
        self.fc = nn.Linear(256 if bidirectional else 128, 10)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1, :])


def main():
    workload = sys.argv[1]
    torch.set_num_threads(2)
    torch.manual_seed(0)
    net = Net(workload == "bilstm")
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    criterion = nn.CrossEntropyLoss()
    x, y = torch.randn(64, 28, 28), torch.randint(0, 10, (64,))
    print(json.dumps({"info": "PyTorch %s, %s, torch threads %d, mkldnn %s" % (
        torch.__version__, workload, torch.get_num_threads(), torch.backends.mkldnn.is_available())}))
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
