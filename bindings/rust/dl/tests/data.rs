//! Datasets and the loader from Rust: IDX files the test writes, tensor
//! datasets, Normalize, batching, seeded shuffling (the same with and
//! without workers), drop_last, your own dataset (also from worker
//! threads), and errors and panics in it coming back as Err.
mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::{assert_close, temp_dir, values};
use dl::data::{CustomDataset, DataLoader, Dataset, LoaderOptions};
use dl::{DType, Error, Result, Status, Tensor};

/// 3 images of 2x2 with pixel values 10 i + j, labels {7, 0, 9}, in the IDX format.
fn write_idx(dir: &std::path::Path, prefix: &str) {
    let mut images = vec![0u8, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2];
    for i in 0..3u8 {
        images.extend((0..4u8).map(|j| 10 * i + j));
    }
    let labels = [0u8, 0, 8, 1, 0, 0, 0, 3, 7, 0, 9];
    std::fs::write(dir.join(format!("{}-images-idx3-ubyte", prefix)), images).unwrap();
    std::fs::write(dir.join(format!("{}-labels-idx1-ubyte", prefix)), labels).unwrap();
}

#[test]
fn idx_files_read_and_normalize() -> Result<()> {
    let dir = temp_dir("idx");
    write_idx(&dir, "train");
    let ds = Dataset::mnist(&dir, true)?;
    assert_eq!(ds.len()?, 3);
    assert!(!ds.is_empty()?);
    let (x, y) = ds.get(1)?;
    assert_eq!(x.shape()?, [1, 2, 2]);
    assert_eq!(x.dtype()?, DType::Float32);
    assert_close(&values(&x), &[10.0 / 255.0, 11.0 / 255.0, 12.0 / 255.0, 13.0 / 255.0], 1e-7, 0.0, "ToTensor");
    assert_eq!((y.dtype()?, y.item()?), (DType::Int64, 0.0));
    let normalized = ds.normalize(&[0.5], &[0.25])?;
    let (x, _) = normalized.get(2)?;
    let want: Vec<f64> = (20..24).map(|p| (p as f64 / 255.0 - 0.5) / 0.25).collect();
    assert_close(&values(&x), &want, 1e-6, 1e-7, "Normalize");
    assert_eq!(ds.get(3).unwrap_err().status(), Status::InvalidArgument);
    assert_eq!(ds.normalize(&[0.5, 0.5], &[0.25]).unwrap_err().status(), Status::InvalidArgument);
    let e = ds.normalize(&[0.5], &[0.0]).unwrap_err();
    assert!(e.message().starts_with("dl_dataset_normalize: "), "{}", e);
    // The test split is missing: an IO error naming the file.
    let e = Dataset::mnist(&dir, false).unwrap_err();
    assert_eq!(e.status(), Status::Io);
    assert!(e.message().contains("t10k-images-idx3-ubyte"), "{}", e);
    std::fs::write(dir.join("t10k-images-idx3-ubyte"), [0u8, 0, 9, 1]).unwrap();
    std::fs::write(dir.join("t10k-labels-idx1-ubyte"), [0u8, 0, 8, 1, 0, 0, 0, 0]).unwrap();
    assert_eq!(Dataset::mnist(&dir, false).unwrap_err().status(), Status::Format);
    assert_eq!(Dataset::cifar10(&dir, true).unwrap_err().status(), Status::Io);
    std::fs::remove_dir_all(&dir).unwrap();
    Ok(())
}

/// x[i] = [i, -i] (float32), y[i] = i (int64), for i in 0..n.
fn numbered(n: i64) -> Result<Dataset> {
    let xs: Vec<f32> = (0..n).flat_map(|i| [i as f32, -(i as f32)]).collect();
    let ys: Vec<i64> = (0..n).collect();
    Dataset::from_tensors(&Tensor::from_slice(&xs, &[n, 2])?, &Tensor::from_slice(&ys, &[n])?)
}

/// The labels of each batch of one epoch.
fn epoch(loader: &mut DataLoader) -> Result<Vec<Vec<i64>>> {
    let mut batches = Vec::new();
    for batch in loader {
        let (x, y) = batch?;
        let labels = y.to_vec::<i64>()?;
        let xs = x.to_vec::<f32>()?;
        for (k, &l) in labels.iter().enumerate() {
            assert_eq!((xs[2 * k], xs[2 * k + 1]), (l as f32, -(l as f32)), "x and y of one example");
        }
        batches.push(labels);
    }
    Ok(batches)
}

#[test]
fn the_loader_batches_shuffles_by_seed_and_reshuffles_each_epoch() -> Result<()> {
    let ds = numbered(10)?;
    let mut plain = DataLoader::new(&ds, LoaderOptions { batch_size: 4, ..Default::default() })?;
    assert_eq!(plain.num_batches()?, 3);
    assert_eq!(epoch(&mut plain)?, [vec![0, 1, 2, 3], vec![4, 5, 6, 7], vec![8, 9]]);
    assert_eq!(epoch(&mut plain)?, [vec![0, 1, 2, 3], vec![4, 5, 6, 7], vec![8, 9]]);
    let mut dropping = DataLoader::new(&ds, LoaderOptions { batch_size: 4, drop_last: true, ..Default::default() })?;
    assert_eq!(dropping.num_batches()?, 2);
    assert_eq!(epoch(&mut dropping)?.len(), 2);

    let shuffled = |workers: i32, seed: u64| -> Result<Vec<Vec<Vec<i64>>>> {
        let o = LoaderOptions { batch_size: 3, shuffle: true, seed, num_workers: workers, ..Default::default() };
        let mut loader = DataLoader::new(&ds, o)?;
        (0..3).map(|_| epoch(&mut loader)).collect()
    };
    let epochs = shuffled(0, 42)?;
    for e in &epochs {
        let all: BTreeSet<i64> = e.iter().flatten().copied().collect();
        assert_eq!(all, (0..10).collect(), "every example once per epoch");
    }
    assert_ne!(epochs[0], epochs[1], "a new order each epoch");
    assert_eq!(shuffled(2, 42)?, epochs, "workers change nothing");
    assert_eq!(shuffled(0, 42)?, epochs, "the seed decides");
    assert_ne!(shuffled(0, 43)?, epochs);
    Ok(())
}

#[test]
fn loader_options_are_checked() -> Result<()> {
    let ds = numbered(4)?;
    let e = DataLoader::new(&ds, LoaderOptions { batch_size: 0, ..Default::default() }).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().starts_with("dl_loader_new: "), "{}", e);
    assert_eq!(
        LoaderOptions::default(),
        LoaderOptions { batch_size: 1, shuffle: false, seed: 0, drop_last: false, num_workers: 0 }
    );
    let x = Tensor::zeros(&[3, 2], DType::Float32)?;
    let y = Tensor::zeros(&[4], DType::Int64)?;
    assert_eq!(Dataset::from_tensors(&x, &y).unwrap_err().status(), Status::Shape);
    Ok(())
}

/// Example i: x = [i, i^2], y = i; fails for `refuse` and panics for `panic_at`.
struct Squares {
    n: i64,
    refuse: i64,
    panic_at: i64,
    calls: Arc<AtomicUsize>,
}

impl CustomDataset for Squares {
    fn len(&self) -> i64 {
        self.n
    }
    fn get(&self, i: i64) -> Result<(Tensor, Tensor)> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if i == self.refuse {
            return Err(Error::new(Status::Format, format!("example {} is damaged", i)));
        }
        if i == self.panic_at {
            panic!("example {} exploded", i);
        }
        Ok((Tensor::from_slice(&[i as f32, (i * i) as f32], &[2])?, Tensor::scalar(i)?))
    }
}

#[test]
fn a_custom_dataset_feeds_the_loader_from_worker_threads() -> Result<()> {
    let calls = Arc::new(AtomicUsize::new(0));
    let ds = Dataset::custom(Squares { n: 9, refuse: -1, panic_at: -1, calls: calls.clone() })?;
    assert_eq!(ds.len()?, 9);
    let (x, y) = ds.get(3)?;
    assert_eq!((x.to_vec::<f32>()?, y.item()?), (vec![3.0, 9.0], 3.0));
    let o = LoaderOptions { batch_size: 4, shuffle: true, seed: 5, num_workers: 2, ..Default::default() };
    let mut loader = DataLoader::new(&ds, o)?;
    let mut seen = BTreeSet::new();
    for batch in &mut loader {
        let (x, y) = batch?;
        let (xs, ys) = (x.to_vec::<f32>()?, y.to_vec::<i64>()?);
        assert_eq!(x.shape()?, [ys.len() as i64, 2]);
        for (k, &i) in ys.iter().enumerate() {
            assert_eq!((xs[2 * k], xs[2 * k + 1]), (i as f32, (i * i) as f32));
            seen.insert(i);
        }
    }
    assert_eq!(seen, (0..9).collect());
    assert!(calls.load(Ordering::SeqCst) >= 10);
    // A custom dataset under Normalize.
    let (x, _) = ds.normalize(&[1.0], &[2.0])?.get(3)?;
    assert_eq!(x.to_vec::<f32>()?, [1.0, 4.0]);
    Ok(())
}

#[test]
fn errors_and_panics_of_a_custom_dataset_come_back_as_err() -> Result<()> {
    let squares =
        |refuse, panic_at| Dataset::custom(Squares { n: 8, refuse, panic_at, calls: Arc::new(AtomicUsize::new(0)) });
    let ds = squares(2, 5)?;
    let e = ds.get(2).unwrap_err();
    assert_eq!(e.status(), Status::Format);
    assert_eq!(e.message(), "dl_dataset_get: get_item returned DL_ERR_FORMAT for index 2: example 2 is damaged");
    let e = ds.get(5).unwrap_err();
    assert_eq!(e.status(), Status::Internal);
    assert!(e.message().ends_with("index 5: panic in CustomDataset::get: example 5 exploded"), "{}", e);
    for workers in [0, 2] {
        let o = LoaderOptions { batch_size: 4, num_workers: workers, ..Default::default() };
        let e = DataLoader::new(&squares(2, -1)?, o)?.next().unwrap().unwrap_err();
        assert_eq!(e.status(), Status::Format, "workers {}", workers);
        assert!(e.message().starts_with("dl_loader_next: "), "{}", e);
        assert!(e.message().ends_with("index 2: example 2 is damaged"), "{}", e);
        let mut loader = DataLoader::new(&squares(-1, 5)?, o)?;
        assert_eq!(loader.next().unwrap()?.1.to_vec::<i64>()?, [0, 1, 2, 3]);
        let e = loader.next().unwrap().unwrap_err();
        assert_eq!(e.status(), Status::Internal, "workers {}", workers);
        assert!(e.message().ends_with("panic in CustomDataset::get: example 5 exploded"), "{}", e);
    }
    Ok(())
}

/// Dataset::custom keeps the value until the last holder (here the loader) goes.
#[test]
fn a_custom_dataset_is_freed_with_its_last_holder() -> Result<()> {
    struct Flag(Arc<AtomicUsize>);
    impl Drop for Flag {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    struct One(#[allow(dead_code)] Flag); // held for its Drop
    impl CustomDataset for One {
        fn len(&self) -> i64 {
            1
        }
        fn get(&self, _: i64) -> Result<(Tensor, Tensor)> {
            Ok((Tensor::scalar(1f32)?, Tensor::scalar(0i64)?))
        }
    }
    let dropped = Arc::new(AtomicUsize::new(0));
    let ds = Dataset::custom(One(Flag(dropped.clone())))?;
    let loader = DataLoader::new(&ds, LoaderOptions::default())?;
    drop(ds);
    assert_eq!(dropped.load(Ordering::SeqCst), 0);
    drop(loader);
    assert_eq!(dropped.load(Ordering::SeqCst), 1);
    Ok(())
}
