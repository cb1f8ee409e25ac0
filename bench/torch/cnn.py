#!/usr/bin/python3
"""PyTorch twin of bench/cnn.c: the convnet, lenet and cnn_pad workloads
(PERFORMANCE.md) as nn.Sequential, CrossEntropyLoss, SGD, one batch of random
images. Median milliseconds of a train step and of a no-grad eval forward
(classifier.py).
Usage: cnn.py convnet|lenet|cnn_pad"""
import json
import sys

import torch
import torch.nn as nn

from classifier import time_classifier


def convnet():
    return nn.Sequential(nn.Conv2d(1, 32, 3, 1), nn.ReLU(), nn.Conv2d(32, 64, 3, 1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Dropout2d(0.25), nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5),
                         nn.Linear(128, 10), nn.LogSoftmax(dim=1))


def lenet():
    return nn.Sequential(nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                         nn.MaxPool2d(2, 2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84),
                         nn.ReLU(), nn.Linear(84, 10))


def cnn_pad():
    return nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(4096, 128), nn.ReLU(), nn.Linear(128, 10))


# name -> (model, lr, momentum, input shape)
WORKLOADS = {"convnet": (convnet, 0.01, 0.5, (64, 1, 28, 28)), "lenet": (lenet, 0.001, 0.9, (100, 3, 32, 32)),
             "cnn_pad": (cnn_pad, 0.01, 0.0, (64, 3, 32, 32))}


def main():
    make, lr, momentum, shape = WORKLOADS[sys.argv[1]]
    torch.set_num_threads(2)
    torch.manual_seed(0)
    net = make()
    opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=momentum)
    x, y = torch.randn(*shape), torch.randint(0, 10, (shape[0],))
    print(json.dumps({"info": "PyTorch %s, %s, torch threads %d, mkldnn %s" % (
        torch.__version__, sys.argv[1], torch.get_num_threads(), torch.backends.mkldnn.is_available())}))
    time_classifier(net, opt, x, y)


if __name__ == "__main__":
    main()
