// Seed 000's MLP on Fashion-MNIST, in Go: the recipe of examples/c/mnist_mlp.c
// (Net: view(-1, 784) -> Linear(784, 128) -> ReLU -> Linear(128, 10);
// CrossEntropyLoss, SGD(lr 0.01, momentum 0.9), batch 64 shuffled with seed 1,
// Normalize(0.1307, 0.3081), one loader worker), with the same flags and the
// same --fingerprint lines (NOTE [run fingerprint] in examples/c/image_training.h).
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"libdl/dl"
)

// Net is the seeds' class Net(nn.Module).
type Net struct {
	*dl.Module
	fc1, fc2 *dl.Module
}

func (n *Net) Forward(x *dl.Tensor) (*dl.Tensor, error) {
	v, err := x.Reshape(-1, 28*28)
	if err != nil {
		return nil, err
	}
	defer v.Close()
	h, err := n.fc1.Forward(v)
	if err != nil {
		return nil, err
	}
	defer h.Close()
	r, err := h.Relu()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return n.fc2.Forward(r)
}

func newNet() (*Net, error) {
	n := &Net{}
	var err error
	if n.Module, err = dl.NewModule("Net", n); err != nil {
		return nil, err
	}
	if n.fc1, err = dl.NewLinear(28*28, 128, true); err == nil {
		_, err = n.Register("fc1", n.fc1)
	}
	if err == nil {
		n.fc2, err = dl.NewLinear(128, 10, true)
	}
	if err == nil {
		_, err = n.Register("fc2", n.fc2)
	}
	return n, err
}

func normalizedMNIST(dir string, train bool) (*dl.Dataset, error) {
	raw, err := dl.MNIST(dir, train)
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	return raw.Normalize([]float32{0.1307}, []float32{0.3081})
}

// trainEpoch runs one epoch, each step in a scope; the mean step loss.
func trainEpoch(net *Net, opt *dl.Optimizer, loader *dl.Loader) (float64, error) {
	sum, steps := 0.0, 0
	for {
		x, y, err := loader.Next()
		if err != nil || x == nil {
			return sum / float64(steps), err
		}
		loss, err := step(net, opt, x, y)
		x.Close()
		y.Close()
		if err != nil {
			return 0, err
		}
		sum += loss
		steps++
	}
}

func step(net *Net, opt *dl.Optimizer, x, y *dl.Tensor) (float64, error) {
	scope, err := dl.NewScope()
	if err != nil {
		return 0, err
	}
	defer scope.Close()
	if err := opt.ZeroGrad(); err != nil {
		return 0, err
	}
	logits, err := net.Forward(x)
	if err != nil {
		return 0, err
	}
	loss, err := dl.CrossEntropy(logits, y, dl.ReductionMean)
	if err != nil {
		return 0, err
	}
	if err := loss.Backward(nil); err != nil {
		return 0, err
	}
	if err := opt.Step(); err != nil {
		return 0, err
	}
	return loss.Item()
}

func testAccuracy(net *Net, test *dl.Dataset) (float64, error) {
	loader, err := dl.NewLoader(test, dl.LoaderOptions{BatchSize: 1000})
	if err != nil {
		return 0, err
	}
	defer loader.Close()
	restore, err := dl.NoGrad()
	if err != nil {
		return 0, err
	}
	defer restore()
	net.Eval()
	defer net.Train()
	correct, total := 0.0, 0.0
	for {
		x, y, err := loader.Next()
		if err != nil || x == nil {
			return correct / total, err
		}
		scope, _ := dl.NewScope()
		logits, err := net.Forward(x)
		if err == nil {
			var pred, hits, count *dl.Tensor
			pred, err = logits.Argmax(1, false)
			if err == nil {
				hits, err = pred.Eq(y)
			}
			if err == nil {
				count, err = hits.Sum(false)
			}
			if err == nil {
				var c float64
				c, err = count.Item()
				correct += c
			}
		}
		n, _ := y.Numel()
		total += float64(n)
		scope.Close()
		x.Close()
		y.Close()
		if err != nil {
			return 0, err
		}
	}
}

// fnv1a is FNV-1a 64 over the parameters' float32 bytes, little-endian, in order.
func fnv1a(net *Net) (uint64, error) {
	h := uint64(0xcbf29ce484222325)
	ps, err := net.Parameters()
	if err != nil {
		return 0, err
	}
	for _, p := range ps {
		values, err := p.Float32s()
		p.Close()
		if err != nil {
			return 0, err
		}
		for _, v := range values {
			bits := math.Float32bits(v)
			for b := 0; b < 4; b++ {
				h = (h ^ uint64((bits>>(8*b))&0xff)) * 0x100000001b3
			}
		}
	}
	return h, nil
}

// formatG17 writes x as C's printf("%.17g") does.
func formatG17(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) || x == 0 {
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	exponent, _ := strconv.Atoi(strings.SplitN(strconv.FormatFloat(x, 'e', 16, 64), "e", 2)[1])
	if exponent >= -4 && exponent < 17 {
		s := strconv.FormatFloat(x, 'f', 16-exponent, 64)
		if strings.Contains(s, ".") {
			s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		}
		return s
	}
	parts := strings.SplitN(strconv.FormatFloat(x, 'e', 16, 64), "e", 2)
	mantissa := parts[0]
	if strings.Contains(mantissa, ".") {
		mantissa = strings.TrimRight(strings.TrimRight(mantissa, "0"), ".")
	}
	return mantissa + "e" + parts[1]
}

func main() {
	epochs := flag.Int("epochs", 10, "epochs")
	threads := flag.Int("threads", 0, "CPU threads (0: libdl's default)")
	workers := flag.Int("workers", 1, "loader worker threads")
	batchSize := flag.Int64("batch-size", 64, "batch size")
	seed := flag.Uint64("seed", 1, "seed")
	lr := flag.Float64("lr", 0.01, "learning rate")
	momentum := flag.Float64("momentum", 0.9, "momentum")
	data := flag.String("data", "", "data directory (default: Debian's Fashion-MNIST)")
	fingerprint := flag.Bool("fingerprint", false, "print the run's fingerprint")
	jsonOut := flag.Bool("json", false, "print bench/run JSON lines")
	flag.Parse()
	if err := run(*epochs, *threads, *workers, *batchSize, *seed, *lr, *momentum, *data, *fingerprint, *jsonOut); err != nil {
		fmt.Fprintln(os.Stderr, "mnist_mlp_go:", err)
		os.Exit(1)
	}
}

func run(epochs, threads, workers int, batchSize int64, seed uint64, lr, momentum float64, data string,
	fingerprint, jsonOut bool) error {
	if threads > 0 {
		if err := dl.SetNumThreads(threads); err != nil {
			return err
		}
	}
	if err := dl.ManualSeed(seed); err != nil {
		return err
	}
	train, err := normalizedMNIST(data, true)
	if err != nil {
		return err
	}
	defer train.Close()
	test, err := normalizedMNIST(data, false)
	if err != nil {
		return err
	}
	defer test.Close()
	net, err := newNet()
	if err != nil {
		return err
	}
	defer net.Close()
	o := dl.DefaultSGDOptions()
	o.LR, o.Momentum = lr, momentum
	opt, err := dl.NewSGD(net.Module, o)
	if err != nil {
		return err
	}
	defer opt.Close()
	loader, err := dl.NewLoader(train, dl.LoaderOptions{BatchSize: batchSize, Shuffle: true, Seed: seed, NumWorkers: workers})
	if err != nil {
		return err
	}
	defer loader.Close()
	size, _ := train.Size()
	batches, _ := loader.NumBatches()
	if !jsonOut {
		fmt.Printf("Fashion-MNIST MLP (Go): %d training images, %d batches of %d per epoch, %s\n", size, batches, batchSize,
			dl.BlasInfo())
	}
	var losses []float64
	accuracy := 0.0
	for epoch := 1; epoch <= epochs; epoch++ {
		start := time.Now()
		loss, err := trainEpoch(net, opt, loader)
		if err != nil {
			return err
		}
		seconds := time.Since(start).Seconds()
		losses = append(losses, loss)
		if accuracy, err = testAccuracy(net, test); err != nil {
			return err
		}
		if jsonOut {
			fmt.Printf("{\"case\": \"epoch %d time\", \"metric\": \"s\", \"higher_is_better\": false, \"value\": %.4f}\n", epoch, seconds)
		} else {
			fmt.Printf("epoch %d/%d  loss %.4f  test accuracy %.4f  %.2f s\n", epoch, epochs, loss, accuracy, seconds)
		}
	}
	if !jsonOut {
		testSize, _ := test.Size()
		fmt.Printf("Accuracy of the network on the %d test images: %.2f %%\n", testSize, 100*accuracy)
	}
	if fingerprint {
		for i, l := range losses {
			fmt.Printf("fingerprint epoch %d loss %s\n", i+1, formatG17(l))
		}
		h, err := fnv1a(net)
		if err != nil {
			return err
		}
		fmt.Printf("fingerprint weights %016x\n", h)
	}
	return nil
}
