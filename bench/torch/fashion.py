#!/usr/bin/python3
"""PyTorch twins of the Fashion-MNIST examples, run with --json:
  mlp      examples/c/mnist_mlp.c (seed 000's MLP), SGD lr 0.01 momentum 0.9
  convnet  examples/c/convnet.c (seed 001's ConvNet), SGD lr 0.01 momentum 0.5
  bn_cnn   examples/c/fashion_bn_cnn.c (two Conv+BatchNorm+pool blocks),
           SGD lr 0.05 momentum 0.9 weight decay 5e-4, cosine annealing
  lstm     examples/c/lstm_fashion.c (each image as 28 steps of its rows,
           LSTM(28, 128, 2 layers) -> Linear(128, 10)), Adam lr 1e-3
Each with the same data recipe (ToTensor + Normalize(0.1307, 0.3081),
CrossEntropyLoss, batch 64 shuffled, last partial batch kept, test accuracy
in eval mode). The IDX files are read here (torchvision is not in Debian)
into one uint8 tensor, as torchvision.datasets.MNIST holds them; batches are
made as DataLoader with num_workers=0 makes them.
Usage: fashion.py MODEL [EPOCHS] [DATA_DIR] [SEED]. Prints epoch time, test
accuracy, peak RSS."""
import gzip
import json
import os
import resource
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


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


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(28 * 28, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = x.view(-1, 28 * 28)
        return self.fc2(F.relu(self.fc1(x)))


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout2d(0.25)
        self.fc1 = nn.Linear(9216, 128)
        self.dropout2 = nn.Dropout(0.5)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.conv2(F.relu(self.conv1(x))))
        x = self.dropout1(F.max_pool2d(x, 2))
        x = self.dropout2(F.relu(self.fc1(torch.flatten(x, 1))))
        return F.log_softmax(self.fc2(x), dim=1)


def bn_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.BatchNorm1d(128), nn.ReLU(), nn.Dropout(0.3),
        nn.Linear(128, 10))


class LSTMNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, 128, num_layers=2, batch_first=True)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        out, _ = self.lstm(x.view(-1, 28, 28))
        return self.fc(out[:, -1, :])


# model -> (constructor, optimizer, lr, momentum, weight decay, cosine annealing)
MODELS = {"mlp": (MLP, "sgd", 0.01, 0.9, 0.0, False), "convnet": (ConvNet, "sgd", 0.01, 0.5, 0.0, False),
          "bn_cnn": (bn_cnn, "sgd", 0.05, 0.9, 5e-4, True), "lstm": (LSTMNet, "adam", 1e-3, 0.0, 0.0, False)}


def main():
    model = sys.argv[1]
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    data_dir = sys.argv[3] if len(sys.argv) > 3 else "/usr/share/datasets/fashion-mnist"
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    make_net, optimizer, lr, momentum, weight_decay, cosine = MODELS[model]
    torch.set_num_threads(2)
    torch.manual_seed(seed)
    train_x, train_y = load(data_dir, "train")
    test_x, test_y = load(data_dir, "t10k")
    net = make_net()
    criterion = nn.CrossEntropyLoss()
    if optimizer == "adam":
        opt = torch.optim.Adam(net.parameters(), lr=lr, weight_decay=weight_decay)
    else:
        opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs) if cosine else None
    print(json.dumps({"info": "PyTorch %s, torch threads %d, OPENBLAS_CORETYPE=%s" % (
        torch.__version__, torch.get_num_threads(), os.environ.get("OPENBLAS_CORETYPE", "unset"))}))
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        net.train()
        for x, y in batches(train_x, train_y, 64, torch.randperm(len(train_y))):
            opt.zero_grad()
            loss = criterion(net(x), y)
            loss.backward()
            opt.step()
        seconds = time.perf_counter() - start
        if scheduler:
            scheduler.step()
        net.eval()
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
