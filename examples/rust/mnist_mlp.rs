//! Seed 000's MLP on Fashion-MNIST, in Rust, the recipe of
//! examples/c/mnist_mlp.c and its training program examples/c/image_training.h:
//!   Net: view(-1, 784) -> Linear(784, 128) -> ReLU -> Linear(128, 10)
//!   CrossEntropyLoss, SGD(lr 0.01, momentum 0.9), batch 64, shuffled with
//!   the seed, inputs ToTensor + Normalize(0.1307, 0.3081), 10 epochs, one
//!   loader worker; the test accuracy (eval mode) after each epoch.
//! Flags: [--epochs N] [--batch-size N] [--lr F] [--momentum F] [--seed N]
//!        [--data DIR] [--threads N] [--workers N] [--json] [--fingerprint]
//! --json prints the lines bench/run reads; --fingerprint prints the run's
//! fingerprint (NOTE [run fingerprint] in image_training.h), the same lines
//! as the C program for the same seed and thread count.
use std::path::PathBuf;
use std::process::exit;
use std::time::Instant;

use dl::data::{DataLoader, Dataset, LoaderOptions, FASHION_MNIST_DIR};
use dl::nn::functional::{cross_entropy, Reduction};
use dl::nn::{Custom, CustomModule, Linear, Module};
use dl::optim::{Sgd, SgdOptions};
use dl::Tensor;

/// The seeds' class Net(nn.Module).
struct Net {
    fc1: Linear,
    fc2: Linear,
}

impl CustomModule for Net {
    fn forward(&self, x: &Tensor) -> dl::Result<Tensor> {
        let x = x.reshape(&[-1, 28 * 28])?;
        self.fc2.forward(&self.fc1.forward(&x)?.relu()?)
    }
    fn children(&self) -> Vec<(&str, &dyn Module)> {
        vec![("fc1", &self.fc1), ("fc2", &self.fc2)]
    }
}

struct Options {
    epochs: usize,
    batch_size: i64,
    lr: f64,
    momentum: f64,
    seed: u64,
    data: PathBuf,
    threads: i32,
    workers: i32,
    json: bool,
    fingerprint: bool,
}

fn usage() -> ! {
    eprintln!(
        "usage: mnist_mlp [--epochs N] [--batch-size N] [--lr F] [--momentum F] [--seed N]\n\
         \x20                [--data DIR] [--threads N] [--workers N] [--json] [--fingerprint]"
    );
    exit(2)
}

fn number<T: std::str::FromStr>(value: Option<String>) -> T {
    value.and_then(|v| v.parse().ok()).unwrap_or_else(|| usage())
}

fn parse_args() -> Options {
    let mut o = Options {
        epochs: 10,
        batch_size: 64,
        lr: 0.01,
        momentum: 0.9,
        seed: 1,
        data: PathBuf::from(FASHION_MNIST_DIR),
        threads: 0,
        workers: 1,
        json: false,
        fingerprint: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--json" => o.json = true,
            "--fingerprint" => o.fingerprint = true,
            "--epochs" => o.epochs = number(args.next()),
            "--batch-size" => o.batch_size = number(args.next()),
            "--lr" => o.lr = number(args.next()),
            "--momentum" => o.momentum = number(args.next()),
            "--seed" => o.seed = number(args.next()),
            "--data" => o.data = PathBuf::from(args.next().unwrap_or_else(|| usage())),
            "--threads" => o.threads = number(args.next()),
            "--workers" => o.workers = number(args.next()),
            _ => usage(),
        }
    }
    if o.epochs < 1 || o.batch_size < 1 || o.workers < 0 || o.threads < 0 {
        usage();
    }
    o
}

/// Fashion-MNIST's train (true) or test split, ToTensor + Normalize(0.1307, 0.3081).
fn normalized_mnist(dir: &std::path::Path, train: bool) -> dl::Result<Dataset> {
    Dataset::mnist(dir, train)?.normalize(&[0.1307], &[0.3081])
}

/// Fraction of test images whose argmax matches the label, in eval mode, without recording.
fn test_accuracy(net: &dyn Module, test: &Dataset) -> dl::Result<f64> {
    let mut loader = DataLoader::new(test, LoaderOptions { batch_size: 1000, ..Default::default() })?;
    let _no_grad = dl::no_grad();
    net.eval()?;
    let (mut correct, mut total) = (0.0, 0);
    for batch in &mut loader {
        let (x, y) = batch?;
        correct += net.forward(&x)?.argmax(1, false)?.eq(&y)?.sum_all()?.item()?;
        total += y.numel()?;
    }
    net.train()?;
    Ok(correct / total as f64)
}

/// C's printf("%.17g", v): 17 significant digits, in the style %g chooses
/// (fixed when the decimal exponent X of the rounded value is in [-4, 17),
/// else d.ddde+XX), without trailing zeros. Rust's formatting is correctly
/// rounded, as glibc's printf is, so the digits are the same.
fn format_g17(v: f64) -> String {
    if !v.is_finite() {
        return if v.is_nan() {
            "nan".into()
        } else if v > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let sci = format!("{:.16e}", v); // "d.dddddddddddddddde<X>", rounded to 17 digits
    let (mantissa, exponent) = sci.split_once('e').expect("scientific notation");
    let x: i32 = exponent.parse().expect("an exponent");
    let trim = |s: &str| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s.to_string()
        }
    };
    if (-4..17).contains(&x) {
        trim(&format!("{:.*}", (16 - x) as usize, v))
    } else {
        format!("{}e{}{:02}", trim(mantissa), if x < 0 { '-' } else { '+' }, x.abs())
    }
}

/// FNV-1a 64 over the float32 bytes (little-endian) of every parameter in
/// parameter order (NOTE [run fingerprint]).
fn parameters_fnv1a(net: &dyn Module) -> dl::Result<u64> {
    let mut h: u64 = 0xcbf29ce484222325;
    for p in net.parameters()? {
        for value in p.to_vec::<f32>()? {
            for byte in value.to_le_bytes() {
                h = (h ^ byte as u64).wrapping_mul(0x100000001b3);
            }
        }
    }
    Ok(h)
}

/// The peak resident set in MiB (VmHWM, what getrusage's ru_maxrss reports).
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

fn run(o: &Options) -> dl::Result<()> {
    if o.threads > 0 {
        dl::set_num_threads(o.threads)?;
    }
    dl::manual_seed(o.seed)?;
    let (train, test) = (normalized_mnist(&o.data, true)?, normalized_mnist(&o.data, false)?);
    let net = Custom::new(Net { fc1: Linear::new(28 * 28, 128)?, fc2: Linear::new(128, 10)? })?;
    let mut opt = Sgd::new(&net, SgdOptions { lr: o.lr, momentum: o.momentum, ..Default::default() })?;
    let loader_options = LoaderOptions {
        batch_size: o.batch_size,
        shuffle: true,
        seed: o.seed,
        num_workers: o.workers,
        ..Default::default()
    };
    let mut loader = DataLoader::new(&train, loader_options)?;
    let (train_size, test_size, batches) = (train.len()?, test.len()?, loader.num_batches()?);
    if o.json {
        println!("{{\"info\": \"libdl {}, from Rust; {}\"}}", dl::version(), dl::blas_info());
    } else {
        println!(
            "Fashion-MNIST MLP: {} training images, {} batches of {} per epoch, {}",
            train_size,
            batches,
            o.batch_size,
            dl::blas_info()
        );
    }

    let mut epoch_losses = Vec::with_capacity(o.epochs);
    let mut accuracy = 0.0;
    for epoch in 1..=o.epochs {
        let start = Instant::now();
        let (mut loss_sum, mut seen, mut steps) = (0.0, 0, 0);
        for batch in &mut loader {
            let (x, y) = batch?;
            opt.zero_grad()?;
            let loss = cross_entropy(&net.forward(&x)?, &y, Reduction::Mean)?;
            loss.backward()?;
            opt.step()?;
            loss_sum += loss.item()?;
            seen += y.numel()?;
            steps += 1;
        }
        let seconds = start.elapsed().as_secs_f64();
        let loss = loss_sum / steps as f64;
        epoch_losses.push(loss);
        accuracy = test_accuracy(&net, &test)?;
        if o.json {
            println!(
                "{{\"case\": \"epoch {} time\", \"metric\": \"s\", \"higher_is_better\": false, \"value\": {:.4}}}",
                epoch, seconds
            );
            println!(
                "{{\"case\": \"epoch {} test accuracy\", \"metric\": \"accuracy\", \"higher_is_better\": true, \
                 \"value\": {:.4}}}",
                epoch, accuracy
            );
        } else {
            println!(
                "epoch {}/{}  loss {:.4}  test accuracy {:.4}  {:.2} s  {:.0} samples/s",
                epoch,
                o.epochs,
                loss,
                accuracy,
                seconds,
                seen as f64 / seconds
            );
        }
    }
    if o.json {
        println!(
            "{{\"case\": \"peak RSS\", \"metric\": \"MiB\", \"higher_is_better\": false, \"value\": {:.1}}}",
            peak_rss_mib()
        );
    } else {
        println!("Accuracy of the network on the {} test images: {:.2} %", test_size, 100.0 * accuracy);
    }
    if o.fingerprint {
        for (epoch, loss) in epoch_losses.iter().enumerate() {
            println!("fingerprint epoch {} loss {}", epoch + 1, format_g17(*loss));
        }
        println!("fingerprint weights {:016x}", parameters_fnv1a(&net)?);
    }
    Ok(())
}

fn main() {
    let options = parse_args();
    if let Err(e) = run(&options) {
        eprintln!("mnist_mlp: {}", e.message());
        exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::format_g17;

    /// Expected strings from Python's '%.17g' % v (correctly rounded, as glibc's printf).
    #[test]
    fn format_g17_writes_what_printf_writes() {
        let cases: [(u64, &str); 20] = [
            (0x3fb999999999999a, "0.10000000000000001"),
            (0x3ee4f8b588e368f1, "1.0000000000000001e-05"),
            (0x437b69b4ba630f35, "1.2345678901234568e+17"),
            (0x3fe0000000000000, "0.5"),
            (0x3ff0000000000000, "1"),
            (0x4059000000000000, "100"),
            (0x4341c37937e08000, "10000000000000000"),
            (0x4376345785d8a000, "1e+17"),
            (0x81bac9a7b3b7302f, "-2.5e-300"),
            (0x3f1a36e2eb1c432d, "0.0001"),
            (0x3ee9e0fcaf9380fc, "1.234e-05"),
            (0x40026bb1bbb55516, "2.3025850929940459"),
            (0x3fe0bddb5e147ae1, "0.52317589163780209"),
            (0x3f1a36e2eb1c432c, "9.9999999999999991e-05"),
            (0x7fefffffffffffff, "1.7976931348623157e+308"),
            (0x0000000000000001, "4.9406564584124654e-324"),
            (0x8000000000000000, "-0"),
            (0x0000000000000000, "0"),
            (0x405edd2f1a9fbe77, "123.456"),
            (0x3f50624dd2f1a9fc, "0.001"),
        ];
        for (bits, want) in cases {
            assert_eq!(format_g17(f64::from_bits(bits)), want, "bits {:016x}", bits);
        }
    }
}
