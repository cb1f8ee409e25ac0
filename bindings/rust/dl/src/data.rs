//! Data, as torch.utils.data and torchvision: [`Dataset`] (MNIST-family and
//! CIFAR-10 files, tensors, your own [`CustomDataset`], Normalize) and
//! [`DataLoader`], an iterator over the batches of an epoch.
use std::ffi::c_void;
use std::path::Path;
use std::ptr::{self, NonNull};

use dl_sys as ffi;

use crate::callback;
use crate::error::{check, Error, Result, Status};
use crate::nn::c_string;
use crate::tensor::Tensor;

/// Where Debian's dataset-fashion-mnist package puts Fashion-MNIST.
pub const FASHION_MNIST_DIR: &str = "/usr/share/datasets/fashion-mnist";

/// A handle to a libdl dataset: examples (x, y) by index. Image datasets
/// give float32 (C, H, W) in `[0, 1]` and Int64 labels.
#[derive(Debug)]
pub struct Dataset {
    raw: NonNull<ffi::dl_dataset>,
}

// SAFETY: libdl lets distinct handles be used from different threads; a
// custom dataset's Rust value is Send + Sync.
unsafe impl Send for Dataset {}

/// Your own dataset (a `torch.utils.data.Dataset` with `__len__` and
/// `__getitem__`). A loader with workers calls `get` from several threads
/// at once, hence `Sync`.
///
/// ```
/// # fn main() -> dl::Result<()> {
/// use dl::data::{CustomDataset, DataLoader, Dataset, LoaderOptions};
/// use dl::Tensor;
///
/// struct Squares;
/// impl CustomDataset for Squares {
///     fn len(&self) -> i64 {
///         10
///     }
///     fn get(&self, i: i64) -> dl::Result<(Tensor, Tensor)> {
///         Ok((Tensor::scalar((i * i) as f32)?, Tensor::scalar(i)?))
///     }
/// }
///
/// let ds = Dataset::custom(Squares)?;
/// let mut loader = DataLoader::new(&ds, LoaderOptions { batch_size: 4, ..Default::default() })?;
/// let sizes: Vec<usize> = (&mut loader).map(|b| b.unwrap().0.numel().unwrap()).collect();
/// assert_eq!(sizes, [4, 4, 2]);
/// # Ok(()) }
/// ```
pub trait CustomDataset: Send + Sync + 'static {
    /// Number of examples.
    fn len(&self) -> i64;

    /// Whether there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Example `index` (in [0, len)): input and target. The examples of one
    /// batch must have equal shapes. An `Err` or a panic fails the loader's
    /// `next` with its message.
    fn get(&self, index: i64) -> Result<(Tensor, Tensor)>;
}

/// The get_item libdl calls: T's get, whose tensors libdl takes.
extern "C" fn get_item_trampoline<T: CustomDataset>(
    index: i64,
    x: *mut *mut ffi::dl_tensor,
    y: *mut *mut ffi::dl_tensor,
    data: *mut c_void,
) -> ffi::dl_status {
    callback::run("CustomDataset::get", || {
        // SAFETY: data is the Box<T> given to dl_dataset_from_callback, alive with the dataset.
        let dataset = unsafe { &*(data as *const T) };
        let (input, target) = dataset.get(index)?;
        let (input, target) = (input.into_raw()?, target.into_raw()?);
        // SAFETY: x and y are libdl's out-parameters; it takes the handles.
        unsafe {
            *x = input;
            *y = target;
        }
        Ok(())
    })
}

fn new_dataset(f: impl FnOnce(*mut *mut ffi::dl_dataset) -> ffi::dl_status) -> Result<Dataset> {
    let mut out = ptr::null_mut();
    check(f(&mut out))?;
    Ok(Dataset { raw: NonNull::new(out).expect("libdl returned DL_OK without a dataset") })
}

impl Dataset {
    /// MNIST-format IDX files in dir (raw or .gz): the train split
    /// (train-images-idx3-ubyte ...) or the test split (t10k-...). Images (1, 28, 28).
    pub fn mnist(dir: &Path, train: bool) -> Result<Dataset> {
        let dir = c_string(&dir.to_string_lossy(), "dir")?;
        // SAFETY: dir is a C string.
        new_dataset(|out| unsafe { ffi::dl_dataset_mnist(dir.as_ptr(), train as i32, out) })
    }

    /// Fashion-MNIST where Debian's dataset-fashion-mnist installs it.
    pub fn fashion_mnist(train: bool) -> Result<Dataset> {
        Dataset::mnist(Path::new(FASHION_MNIST_DIR), train)
    }

    /// CIFAR-10's binary files in dir (data_batch_1.bin ... or test_batch.bin). Images (3, 32, 32).
    pub fn cifar10(dir: &Path, train: bool) -> Result<Dataset> {
        let dir = c_string(&dir.to_string_lossy(), "dir")?;
        // SAFETY: dir is a C string.
        new_dataset(|out| unsafe { ffi::dl_dataset_cifar10(dir.as_ptr(), train as i32, out) })
    }

    /// TensorDataset: example i is (`x[i]`, `y[i]`); the dataset shares the tensors.
    pub fn from_tensors(x: &Tensor, y: &Tensor) -> Result<Dataset> {
        let (x, y) = (x.raw()?, y.raw()?);
        // SAFETY: x and y are live.
        new_dataset(|out| unsafe { ffi::dl_dataset_from_tensors(x, y, out) })
    }

    /// Your own dataset; libdl keeps `value` until the dataset is destroyed.
    pub fn custom<T: CustomDataset>(value: T) -> Result<Dataset> {
        let size = value.len();
        if size < 0 {
            return Err(Error::new(Status::InvalidArgument, format!("Dataset::custom: len() is {}", size)));
        }
        let data = Box::into_raw(Box::new(value));
        // SAFETY: the trampoline and free function match T; libdl frees data
        // once the dataset is destroyed, and only if this succeeds.
        let made = new_dataset(|out| unsafe {
            ffi::dl_dataset_from_callback(
                size,
                Some(get_item_trampoline::<T>),
                data.cast(),
                Some(callback::free_box::<T>),
                out,
            )
        });
        if made.is_err() {
            // SAFETY: dl_dataset_from_callback failed, so data is still ours.
            drop(unsafe { Box::from_raw(data) });
        }
        made
    }

    /// transforms.Normalize(mean, std) over the inputs: per channel (dim 0
    /// of an example); one value applies to every channel. A new dataset
    /// sharing this one.
    pub fn normalize(&self, mean: &[f32], std: &[f32]) -> Result<Dataset> {
        if mean.len() != std.len() {
            return Err(Error::new(
                Status::InvalidArgument,
                format!("Dataset::normalize: {} means and {} stds", mean.len(), std.len()),
            ));
        }
        let channels = i32::try_from(mean.len())
            .map_err(|_| Error::new(Status::InvalidArgument, "Dataset::normalize: too many channels"))?;
        let raw = self.raw.as_ptr();
        // SAFETY: the handle is live; mean and std have `channels` values.
        new_dataset(|out| unsafe { ffi::dl_dataset_normalize(raw, mean.as_ptr(), std.as_ptr(), channels, out) })
    }

    /// Number of examples.
    pub fn len(&self) -> Result<i64> {
        let mut n = 0;
        // SAFETY: the handle is live, n a valid out-parameter.
        check(unsafe { ffi::dl_dataset_size(self.raw.as_ptr(), &mut n) })?;
        Ok(n)
    }

    /// Whether the dataset has no examples.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.len()? == 0)
    }

    /// Example index: (input, target).
    pub fn get(&self, index: i64) -> Result<(Tensor, Tensor)> {
        let (mut x, mut y) = (ptr::null_mut(), ptr::null_mut());
        // SAFETY: the handle is live; x and y are valid out-parameters.
        check(unsafe { ffi::dl_dataset_get(self.raw.as_ptr(), index, &mut x, &mut y) })?;
        // SAFETY: on DL_OK both are new handles we own.
        Ok(unsafe { (Tensor::from_raw(x), Tensor::from_raw(y)) })
    }
}

impl Drop for Dataset {
    fn drop(&mut self) {
        // SAFETY: we own this handle.
        unsafe { ffi::dl_dataset_free(self.raw.as_ptr()) };
    }
}

/// DataLoader options; `Default` is PyTorch's (batch 1, no shuffle, keep
/// the last partial batch, no workers) with seed 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoaderOptions {
    pub batch_size: i64,
    /// A new order each epoch, from `seed`.
    pub shuffle: bool,
    /// The same seed gives the same batches in the same order, whatever `num_workers`.
    pub seed: u64,
    /// Drop the last partial batch.
    pub drop_last: bool,
    /// Threads preparing batches ahead; 0: on the calling thread.
    pub num_workers: i32,
}

impl Default for LoaderOptions {
    fn default() -> Self {
        // SAFETY: no arguments.
        let c = unsafe { ffi::dl_loader_defaults() };
        LoaderOptions {
            batch_size: c.batch_size,
            shuffle: c.shuffle != 0,
            seed: c.seed,
            drop_last: c.drop_last != 0,
            num_workers: c.num_workers,
        }
    }
}

/// Batches of a dataset: x `[B, ...]`, y `[B, ...]`. As an [`Iterator`] it gives
/// the batches of the current epoch and then `None`; iterating again starts
/// the next epoch (reshuffled), so `for batch in &mut loader` is one epoch:
///
/// ```
/// # fn main() -> dl::Result<()> {
/// use dl::data::{DataLoader, Dataset, LoaderOptions};
/// use dl::{DType, Tensor};
/// let x = Tensor::arange(0.0, 10.0, 1.0, DType::Float32)?.reshape(&[10, 1])?;
/// let y = Tensor::zeros(&[10], DType::Int64)?;
/// let ds = Dataset::from_tensors(&x, &y)?;
/// let options = LoaderOptions { batch_size: 3, shuffle: true, seed: 1, ..Default::default() };
/// let mut loader = DataLoader::new(&ds, options)?;
/// assert_eq!(loader.num_batches()?, 4);
/// for _epoch in 0..2 {
///     let mut seen = 0;
///     for batch in &mut loader {
///         let (x, _y) = batch?;
///         seen += x.numel()?;
///     }
///     assert_eq!(seen, 10);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct DataLoader {
    raw: NonNull<ffi::dl_loader>,
}

// SAFETY: libdl lets distinct handles be used from different threads.
unsafe impl Send for DataLoader {}

impl DataLoader {
    /// A loader over ds (shared).
    pub fn new(ds: &Dataset, o: LoaderOptions) -> Result<DataLoader> {
        let c = ffi::dl_loader_options {
            batch_size: o.batch_size,
            shuffle: o.shuffle as i32,
            seed: o.seed,
            drop_last: o.drop_last as i32,
            num_workers: o.num_workers,
        };
        let mut out = ptr::null_mut();
        // SAFETY: the dataset handle is live, c lives for the call.
        check(unsafe { ffi::dl_loader_new(ds.raw.as_ptr(), &c, &mut out) })?;
        Ok(DataLoader { raw: NonNull::new(out).expect("libdl returned DL_OK without a loader") })
    }

    /// Batches per epoch.
    pub fn num_batches(&self) -> Result<i64> {
        let mut n = 0;
        // SAFETY: the handle is live, n a valid out-parameter.
        check(unsafe { ffi::dl_loader_num_batches(self.raw.as_ptr(), &mut n) })?;
        Ok(n)
    }
}

impl Iterator for DataLoader {
    type Item = Result<(Tensor, Tensor)>;

    fn next(&mut self) -> Option<Self::Item> {
        let (mut x, mut y) = (ptr::null_mut(), ptr::null_mut());
        // SAFETY: the handle is live; x and y are valid out-parameters.
        if let Err(e) = check(unsafe { ffi::dl_loader_next(self.raw.as_ptr(), &mut x, &mut y) }) {
            return Some(Err(e));
        }
        if x.is_null() {
            return None;
        }
        // SAFETY: both are new handles we own.
        Some(Ok(unsafe { (Tensor::from_raw(x), Tensor::from_raw(y)) }))
    }
}

impl Drop for DataLoader {
    fn drop(&mut self) {
        // SAFETY: we own this handle.
        unsafe { ffi::dl_loader_free(self.raw.as_ptr()) };
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fashion_mnist_dir_is_the_c_headers() {
        let c = &dl_sys::DL_FASHION_MNIST_DIR[..];
        assert_eq!(super::FASHION_MNIST_DIR.as_bytes(), &c[..c.len() - 1]);
    }
}
