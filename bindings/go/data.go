package dl

import (
	"runtime"
	"sync"

	"libdl/dl/internal/native"
)

// Dataset hands out (x, y) examples (torch.utils.data.Dataset).
type Dataset struct {
	h    uintptr
	user *itemSource // the user dataset this one reads, nil for file and tensor datasets
}

// Item is a user dataset's example i.
type ItemFunc func(i int64) (x, y *Tensor, err error)

// datasetOf is tensorOf for datasets.
func datasetOf(h *uintptr, user *itemSource, err error) (*Dataset, error) {
	if err != nil {
		return nil, err
	}
	d := &Dataset{h: *h, user: user}
	runtime.SetFinalizer(d, func(d *Dataset) { native.Dl_dataset_free(d.h) })
	return d, nil
}

// MNIST reads MNIST-format IDX files in dir ("" : Debian's Fashion-MNIST).
func MNIST(dir string, train bool) (*Dataset, error) {
	if dir == "" {
		dir = native.DL_FASHION_MNIST_DIR
	}
	var h uintptr
	return datasetOf(&h, nil, native.Dl_dataset_mnist(dir, boolInt(train), &h))
}

// CIFAR10 reads CIFAR-10's binary files in dir, images (3, 32, 32).
func CIFAR10(dir string, train bool) (*Dataset, error) {
	var h uintptr
	return datasetOf(&h, nil, native.Dl_dataset_cifar10(dir, boolInt(train), &h))
}

// TensorDataset: the rows of x and y.
func TensorDataset(x, y *Tensor) (*Dataset, error) {
	defer runtime.KeepAlive(x)
	defer runtime.KeepAlive(y)
	var h uintptr
	return datasetOf(&h, nil, native.Dl_dataset_from_tensors(x.handle(), y.handle(), &h))
}

// itemSource is the director libdl calls for a user dataset; a loader's
// workers call it from several threads, so its failure is kept here, not per thread.
type itemSource struct {
	get    ItemFunc
	mu     sync.Mutex
	failed error
}

func (s *itemSource) Get_item(index, xSlot, ySlot int64) int {
	err := guard(func() error {
		x, y, err := s.get(index)
		if err != nil {
			return err
		}
		defer x.Close()
		defer y.Close()
		var xh, yh uintptr
		if err := native.Dl_tensor_ref(x.h, &xh); err != nil {
			return err
		}
		if err := native.Dl_tensor_ref(y.h, &yh); err != nil {
			native.Dl_tensor_free(xh)
			return err
		}
		native.Dl_binding_put_handle(xSlot, int64(xh))
		native.Dl_binding_put_handle(ySlot, int64(yh))
		return nil
	})
	if err != nil {
		s.mu.Lock()
		s.failed = err
		s.mu.Unlock()
		return statusOf(err)
	}
	return 0
}

func (s *itemSource) Released() {}

// failure is the user dataset's own error behind err, when it failed.
func (d *Dataset) failure(err error) error {
	if err == nil || d.user == nil {
		return err
	}
	d.user.mu.Lock()
	defer d.user.mu.Unlock()
	if own := d.user.failed; own != nil {
		d.user.failed = nil
		return own
	}
	return err
}

// NewDataset is a user dataset of size examples made by get (which must be
// safe to call from several goroutines when a loader has workers).
func NewDataset(size int64, get ItemFunc) (*Dataset, error) {
	src := &itemSource{get: get}
	cb := native.NewDirectorGetItemCallback(src)
	var h uintptr
	if err := native.Dl_binding_dataset_new(size, cb, &h); err != nil {
		native.DeleteDirectorGetItemCallback(cb)
		return nil, err
	}
	return datasetOf(&h, src, nil)
}

// Normalize is transforms.Normalize(mean, std) per channel over d's inputs.
func (d *Dataset) Normalize(mean, std []float32) (*Dataset, error) {
	if len(mean) != len(std) {
		return nil, &Error{Status: StatusInvalidArgument, Message: "Dataset.Normalize: mean and std differ in length"}
	}
	defer runtime.KeepAlive(d)
	var h uintptr
	return datasetOf(&h, d.user, native.Dl_dataset_normalize(d.h, mean, std, len(mean), &h))
}

// Get is example i (new tensors: the caller closes them).
func (d *Dataset) Get(i int64) (x, y *Tensor, err error) {
	defer runtime.KeepAlive(d)
	var xh, yh uintptr
	if err := d.failure(withCallbacks(func() error { return native.Dl_dataset_get(d.h, i, &xh, &yh) })); err != nil {
		return nil, nil, err
	}
	return newTensor(xh), newTensor(yh), nil
}

func (d *Dataset) Size() (int64, error) {
	defer runtime.KeepAlive(d)
	var n int64
	return n, native.Dl_dataset_size(d.h, &n)
}

func (d *Dataset) Close() {
	if d != nil && d.h != 0 {
		runtime.SetFinalizer(d, nil)
		native.Dl_dataset_free(d.h)
		d.h = 0
	}
}

// LoaderOptions: batch size, shuffling (a new seeded order each epoch), workers.
type LoaderOptions struct {
	BatchSize  int64
	Shuffle    bool
	Seed       uint64
	DropLast   bool
	NumWorkers int
}

// Loader batches a dataset (torch.utils.data.DataLoader).
type Loader struct {
	h  uintptr
	ds *Dataset
}

func NewLoader(ds *Dataset, o LoaderOptions) (*Loader, error) {
	c := native.NewLoaderOptions()
	defer native.DeleteLoaderOptions(c)
	c.SetBatchSize(o.BatchSize)
	c.SetShuffle(boolInt(o.Shuffle))
	c.SetSeed(o.Seed)
	c.SetDropLast(boolInt(o.DropLast))
	c.SetNumWorkers(o.NumWorkers)
	defer runtime.KeepAlive(ds)
	var h uintptr
	if err := native.Dl_loader_new(ds.h, c, &h); err != nil {
		return nil, err
	}
	l := &Loader{h: h, ds: ds}
	runtime.SetFinalizer(l, func(l *Loader) { native.Dl_loader_free(l.h) })
	return l, nil
}

// Next is the epoch's next batch, x [B, ...] and y [B, ...]; both nil at the
// end of the epoch (the next call starts a new one):
//
//	for x, y, err := loader.Next(); x != nil || err != nil; x, y, err = loader.Next() { ... }
func (l *Loader) Next() (x, y *Tensor, err error) {
	defer runtime.KeepAlive(l)
	var xh, yh uintptr
	if err := l.ds.failure(withCallbacks(func() error { return native.Dl_loader_next(l.h, &xh, &yh) })); err != nil {
		return nil, nil, err
	}
	if xh == 0 {
		return nil, nil, nil
	}
	return newTensor(xh), newTensor(yh), nil
}

func (l *Loader) NumBatches() (int64, error) {
	defer runtime.KeepAlive(l)
	var n int64
	return n, native.Dl_loader_num_batches(l.h, &n)
}

func (l *Loader) Close() {
	if l != nil && l.h != 0 {
		runtime.SetFinalizer(l, nil)
		native.Dl_loader_free(l.h)
		l.h = 0
	}
}

// ManualSeed seeds the global generator; SetNumThreads sets the CPU threads.
func ManualSeed(seed uint64) error { return native.Dl_manual_seed(seed) }
func SetNumThreads(n int) error    { return native.Dl_set_num_threads(n) }
func BlasInfo() string             { return native.Dl_blas_info() }
func Version() string              { return native.Dl_version() }

// NumThreads is the CPU thread count in use.
func NumThreads() (int, error) {
	var n int32
	err := native.Dl_get_num_threads(&n)
	return int(n), err
}

// IsGradEnabled says whether ops are recorded for autograd on this OS thread (see NoGrad).
func IsGradEnabled() (bool, error) {
	var on int32
	err := native.Dl_is_grad_enabled(&on)
	return on != 0, err
}
