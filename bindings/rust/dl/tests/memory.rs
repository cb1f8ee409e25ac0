//! Memory from Rust: Drop frees at once, and 5,000 training steps (a custom
//! module, the loader, an optimizer, a LambdaLR closure) keep the resident
//! set flat between step 1,000 and step 5,000.
mod common;

use common::serial;
use dl::data::{DataLoader, Dataset, LoaderOptions};
use dl::nn::functional::{cross_entropy, Reduction};
use dl::nn::{Custom, CustomModule, Linear, Module};
use dl::optim::{LambdaLR, Sgd, SgdOptions};
use dl::{DType, Result, Tensor};

/// The resident set in bytes (VmRSS of /proc/self/status, what statm's second field counts).
fn rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
}

const MIB: u64 = 1 << 20;

#[test]
fn dropping_a_tensor_frees_its_memory_at_once() -> Result<()> {
    let _serial = serial();
    dl::empty_cache()?;
    let before = rss();
    let big = Tensor::ones(&[64, 1024, 1024], DType::Float32)?; // 256 MiB, touched
    let with = rss();
    assert!(with > before + 200 * MIB, "{} -> {}", before, with);
    drop(big);
    dl::empty_cache()?;
    let after = rss();
    assert!(after < before + 16 * MIB, "after drop: {} MiB above the start", (after - before) / MIB);
    Ok(())
}

struct Mlp {
    fc1: Linear,
    fc2: Linear,
}

impl CustomModule for Mlp {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        self.fc2.forward(&self.fc1.forward(x)?.relu()?)
    }
    fn children(&self) -> Vec<(&str, &dyn Module)> {
        vec![("fc1", &self.fc1), ("fc2", &self.fc2)]
    }
}

#[test]
fn five_thousand_training_steps_keep_memory_flat() -> Result<()> {
    let _serial = serial();
    dl::manual_seed(3)?;
    let x = Tensor::randn(&[512, 32], DType::Float32)?;
    let y = Tensor::randint(0, 10, &[512], DType::Int64)?;
    let ds = Dataset::from_tensors(&x, &y)?;
    let mut loader =
        DataLoader::new(&ds, LoaderOptions { batch_size: 32, shuffle: true, seed: 3, ..Default::default() })?;
    let net = Custom::new(Mlp { fc1: Linear::new(32, 64)?, fc2: Linear::new(64, 10)? })?;
    let mut opt = Sgd::new(&net, SgdOptions { lr: 0.01, momentum: 0.9, ..Default::default() })?;
    let mut sched = LambdaLR::new(&opt, |epoch| 0.99f64.powi(epoch as i32))?;
    let (mut step, mut at_1000, mut first_loss, mut last_loss) = (0, 0, 0.0, 0.0);
    while step < 5000 {
        for batch in &mut loader {
            let (xb, yb) = batch?;
            opt.zero_grad()?;
            let loss = cross_entropy(&net.forward(&xb)?, &yb, Reduction::Mean)?;
            loss.backward()?;
            opt.step()?;
            step += 1;
            if step == 1 {
                first_loss = loss.item()?;
            }
            if step == 1000 {
                at_1000 = rss();
            }
            if step == 5000 {
                last_loss = loss.item()?;
                break;
            }
        }
        sched.step()?;
    }
    let at_5000 = rss();
    let growth = at_5000.saturating_sub(at_1000);
    assert!(growth < 256 * 1024, "RSS grew by {} KiB from step 1000 to 5000", growth / 1024);
    assert!(last_loss < first_loss, "training did nothing: {} -> {}", first_loss, last_loss);
    Ok(())
}
