//! The overhead workload (PERFORMANCE.md) from Rust, as bench/overhead.c
//! does it from C: per call, a 4-element add, a 4-element relu, Linear(4,4)
//! forward on (1,4), and a whole Linear(4,4) forward + MSE + backward + SGD
//! step; the median of 5 batches, in microseconds per call (results dropped
//! inside the timed loop). bench/run prints the ratio to the C program.
use std::time::Instant;

use dl::nn::functional::{mse_loss, Reduction};
use dl::nn::{Linear, Module};
use dl::optim::{Sgd, SgdOptions};
use dl::{DType, Result, Tensor};

const CALLS: usize = 100_000;
const BATCHES: usize = 5;

struct Fixture {
    a: Tensor,
    b: Tensor,
    x: Tensor,
    target: Tensor,
    fc: Linear,
    opt: Sgd,
}

fn tiny_add(f: &mut Fixture) -> Result<()> {
    drop((&f.a + &f.b)?);
    Ok(())
}

fn tiny_relu(f: &mut Fixture) -> Result<()> {
    drop(f.a.relu()?);
    Ok(())
}

fn linear_forward(f: &mut Fixture) -> Result<()> {
    drop(f.fc.forward(&f.x)?);
    Ok(())
}

fn linear_train_step(f: &mut Fixture) -> Result<()> {
    let loss = mse_loss(&f.fc.forward(&f.x)?, &f.target, Reduction::Mean)?;
    f.opt.zero_grad()?;
    loss.backward()?;
    f.opt.step()
}

fn us_per_call(body: fn(&mut Fixture) -> Result<()>, f: &mut Fixture, calls: usize) -> Result<f64> {
    for _ in 0..calls / 10 {
        body(f)?; // warm-up
    }
    let mut batches = Vec::with_capacity(BATCHES);
    for _ in 0..BATCHES {
        let start = Instant::now();
        for _ in 0..calls {
            body(f)?;
        }
        batches.push(start.elapsed().as_secs_f64() / calls as f64 * 1e6);
    }
    batches.sort_by(|a, b| a.partial_cmp(b).expect("finite times"));
    Ok(batches[BATCHES / 2])
}

fn report(case: &str, value: f64) {
    println!(
        "{{\"case\": \"{}\", \"metric\": \"us/call\", \"higher_is_better\": false, \"value\": {:.6}}}",
        case, value
    );
}

fn main() -> Result<()> {
    let fc = Linear::new(4, 4)?;
    let opt = Sgd::new(&fc, SgdOptions { lr: 0.01, ..Default::default() })?;
    let mut f = Fixture {
        a: Tensor::randn(&[4], DType::Float32)?,
        b: Tensor::randn(&[4], DType::Float32)?,
        x: Tensor::randn(&[1, 4], DType::Float32)?,
        target: Tensor::randn(&[1, 4], DType::Float32)?,
        fc,
        opt,
    };
    println!("{{\"info\": \"libdl {}, from Rust\"}}", dl::version());
    report("tiny add", us_per_call(tiny_add, &mut f, CALLS)?);
    report("tiny relu", us_per_call(tiny_relu, &mut f, CALLS)?);
    report("Linear(4,4) forward", us_per_call(linear_forward, &mut f, CALLS)?);
    report("Linear(4,4) train step", us_per_call(linear_train_step, &mut f, CALLS / 10)?);
    Ok(())
}
