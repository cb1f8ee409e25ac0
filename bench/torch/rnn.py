#!/usr/bin/python3
"""PyTorch twin of bench/rnn.c: the lstm and bilstm workloads (PERFORMANCE.md),
an LSTM over a batch of 64 sequences of 28 steps of 28 features
(batch_first), its last step into a Linear to 10 classes, CrossEntropyLoss,
Adam lr 1e-3, one batch of random inputs. Median milliseconds of a train step
and of a no-grad eval forward (classifier.py).
  lstm:   LSTM(28, 128, num_layers=2) -> Linear(128, 10)
  bilstm: LSTM(28, 128, bidirectional=True) -> Linear(256, 10)
Usage: rnn.py lstm|bilstm"""
import json
import sys

import torch
import torch.nn as nn

from classifier import time_classifier


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
    x, y = torch.randn(64, 28, 28), torch.randint(0, 10, (64,))
    print(json.dumps({"info": "PyTorch %s, %s, torch threads %d, mkldnn %s" % (
        torch.__version__, workload, torch.get_num_threads(), torch.backends.mkldnn.is_available())}))
    time_classifier(net, opt, x, y)


if __name__ == "__main__":
    main()
