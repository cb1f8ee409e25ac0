#!/usr/bin/python3
"""PyTorch twin of examples/c/mnist_mlp.c --json: seed 000's MLP on
Fashion-MNIST with the same recipe (ToTensor + Normalize(0.1307, 0.3081),
Linear(784,128)-ReLU-Linear(128,10), CrossEntropyLoss, SGD lr 0.01 momentum
0.9, batch 64 shuffled, last partial batch kept). The IDX files are read
here (torchvision is not in Debian) into one uint8 tensor, as
torchvision.datasets.MNIST holds them; batches are made as DataLoader with
num_workers=0 makes them.
Usage: mlp.py [EPOCHS] [DATA_DIR]. Prints epoch time, test accuracy, peak RSS."""
import gzip
import json
import os
import resource
import struct
import sys
import time

import torch


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return torch.frombuffer(bytearray(data[4 + 4 * ndim:]), dtype=torch.uint8).reshape(dims)


def load(data_dir, prefix):
    def find(name):
        for candidate in (name + ".gz", name):
            if os.path.exists(os.path.join(data_dir, candidate)):
                return os.path.join(data_dir, candidate)
        raise FileNotFoundError(name)
    images = read_idx(find(prefix + "-images-idx3-ubyte"))
    labels = read_idx(find(prefix + "-labels-idx1-ubyte")).long()
    return images, labels


def batches(images, labels, batch_size, order):
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        x = images[idx].float().div_(255).unsqueeze(1)  # ToTensor: [B, 1, 28, 28] in [0, 1]
        yield (x - 0.1307) / 0.3081, labels[idx]


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(28 * 28, 128)
        self.fc2 = torch.nn.Linear(128, 10)

    def forward(self, x):
        x = x.view(-1, 28 * 28)
        return self.fc2(torch.relu(self.fc1(x)))


def main():
    epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    data_dir = sys.argv[2] if len(sys.argv) > 2 else "/usr/share/datasets/fashion-mnist"
    torch.set_num_threads(2)
    torch.manual_seed(1)
    train_x, train_y = load(data_dir, "train")
    test_x, test_y = load(data_dir, "t10k")
    net = Net()
    criterion = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    print(json.dumps({"info": "PyTorch %s, torch threads %d, OPENBLAS_CORETYPE=%s" % (
        torch.__version__, torch.get_num_threads(), os.environ.get("OPENBLAS_CORETYPE", "unset"))}))
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        for x, y in batches(train_x, train_y, 64, torch.randperm(len(train_y))):
            opt.zero_grad()
            loss = criterion(net(x), y)
            loss.backward()
            opt.step()
        seconds = time.perf_counter() - start
        correct = 0
        with torch.no_grad():
            for x, y in batches(test_x, test_y, 1000, torch.arange(len(test_y))):
                correct += (net(x).argmax(1) == y).sum().item()
        print(json.dumps({"case": "epoch %d time" % epoch, "metric": "s", "higher_is_better": False,
                          "value": seconds}))
        print(json.dumps({"case": "epoch %d test accuracy" % epoch, "metric": "accuracy", "higher_is_better": True,
                          "value": correct / len(test_y)}), flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"case": "peak RSS", "metric": "MiB", "higher_is_better": False, "value": peak}), flush=True)


if __name__ == "__main__":
    main()
