//! Seed 002's linear regression in Rust, as examples/c/linear_regression.c:
//! x = randn(100, 1), y = 3x + 1 + 0.1 noise; Linear(1, 1) trained with
//! MSELoss and SGD(lr 0.01) for 1000 iterations; prints the learned weight
//! and bias (close to 3 and 1), the same numbers as the C program.
//! Usage: linear_regression `[iterations]`
use dl::nn::functional::{mse_loss, Reduction};
use dl::nn::{Linear, Module};
use dl::optim::{Sgd, SgdOptions};
use dl::{DType, Tensor};

fn main() -> dl::Result<()> {
    let iterations: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    dl::manual_seed(0)?;
    let x = Tensor::randn(&[100, 1], DType::Float32)?;
    let noise = Tensor::randn(&[100, 1], DType::Float32)?;
    let y = (((&x * 3.0)? + 1.0)? + (&noise * 0.1)?)?;

    let model = Linear::new(1, 1)?;
    let mut opt = Sgd::new(&model, SgdOptions { lr: 0.01, ..Default::default() })?;
    for epoch in 1..=iterations {
        let loss = mse_loss(&model.forward(&x)?, &y, Reduction::Mean)?;
        opt.zero_grad()?;
        loss.backward()?;
        opt.step()?;
        if epoch % 100 == 0 {
            println!("epoch {:4}  loss {:.6}", epoch, loss.item()?);
        }
    }
    println!("weight {:.4}  bias {:.4}", model.weight()?.item()?, model.bias()?.item()?);
    Ok(())
}
