//! Autograd from Rust: values and gradients of composite expressions
//! against PyTorch (tests/fixtures/training.json, "grads"), a float64
//! finite-difference check, accumulation, retain_graph, no_grad, detach,
//! and the errors of misuse.
mod common;

use common::{assert_close, assert_tensor_close, fixture, values, Json};
use dl::{DType, Result, Status, Tensor};

fn index(v: &[i64], shape: &[i64]) -> Tensor {
    Tensor::from_slice(v, shape).unwrap()
}

/// The expressions of gen_training_fixtures.py, written with the Rust API.
fn expression(name: &str, v: &[Tensor]) -> Result<Tensor> {
    match name {
        "mlp" => v[0].linear(&v[1], Some(&v[2]))?.relu()?.linear(&v[3], Some(&v[4])),
        "broadcast_mul_div" => (&v[0] * &v[1])? / ((&v[1] * &v[1])? + 1.0),
        "softmax_chain" => (v[0].tanh()? * 3.0)?.log_softmax(1),
        "reduce_dims" => (&v[0] * &v[0])?.sum(&[0, 2], true)? + v[0].mean(&[1], true)?,
        "var_std" => v[0].var(&[1], 1, false)? + v[0].std(&[0], 0, false)?.sum_all()?,
        "matmul_batched" => v[0].matmul(&v[1]),
        "views" => v[0].transpose(0, 2)?.reshape(&[4, 6])?.narrow(1, 1, 4)?.permute(&[1, 0])?.exp(),
        "cat_stack" => {
            let (ab, ba) = (Tensor::cat(&[&v[0], &v[1]], 1)?, Tensor::cat(&[&v[1], &v[0]], 1)?);
            Tensor::stack(&[&ab, &ba], 0)
        }
        "max_amax" => v[0].max_dim(1, false)?.0.sum_all()? + v[0].amax(&[0], false)?,
        "gather_index" => {
            v[0].gather(1, &index(&[0, 3, 1, 1, 2, 0], &[3, 2]))?.sum(&[1], false)?
                + v[0].index_select(1, &index(&[2, 0, 2], &[3]))?.sum(&[1], false)?
        }
        "activations" => v[0].gelu(false)? + v[0].elu(1.0)? + v[0].leaky_relu(0.1)? + v[0].sigmoid()?,
        "gelu_tanh" => v[0].gelu(true),
        "pow_sqrt_abs" => {
            ((&v[0] * &v[0])? + 1.0)?.sqrt()?.pow_scalar(1.5)? + v[0].abs()? + v[0].clamp(Some(-0.3), Some(0.4))?
        }
        other => panic!("no expression {}", other),
    }
}

#[test]
fn every_fixture_expression_matches_pytorch() {
    let all = fixture("training.json");
    let entries = match all.get("grads") {
        Json::Obj(fields) => fields,
        _ => panic!("grads is not an object"),
    };
    assert_eq!(entries.len(), 13);
    for (name, entry) in entries {
        let inputs: Vec<Tensor> = entry.get("inputs").arr().iter().map(Json::tensor).collect();
        for t in &inputs {
            t.set_requires_grad(true).unwrap();
        }
        let out = expression(name, &inputs).unwrap();
        assert_tensor_close(&out, entry.get("out"), 1e-10, 1e-12, name);
        (&out * &entry.get("w").tensor()).unwrap().sum_all().unwrap().backward().unwrap();
        for (i, (t, want)) in inputs.iter().zip(entry.get("grads").arr()).enumerate() {
            let grad = t.grad().unwrap().expect("a gradient");
            assert_tensor_close(&grad, want, 1e-9, 1e-11, &format!("{} grad {}", name, i));
        }
    }
}

/// f(W) = sum(sigmoid(x W) * tanh(x W) + (x W)^2 / 2) for x [3, 4], W [4, 2].
fn composite(x: &Tensor, w: &Tensor) -> Result<Tensor> {
    let h = x.matmul(w)?;
    ((h.sigmoid()? * h.tanh()?)? + ((&h * &h)? * 0.5)?)?.sum_all()
}

#[test]
fn gradient_matches_float64_finite_differences() {
    let xs: Vec<f64> = (0..12).map(|i| ((i * 7 % 11) as f64 - 5.0) / 4.0).collect();
    let ws: Vec<f64> = (0..8).map(|i| ((i * 5 % 9) as f64 - 4.0) / 6.0).collect();
    let x = Tensor::from_slice(&xs, &[3, 4]).unwrap();
    let w = Tensor::from_slice(&ws, &[4, 2]).unwrap();
    w.set_requires_grad(true).unwrap();
    composite(&x, &w).unwrap().backward().unwrap();
    let analytic = values(&w.grad().unwrap().unwrap());
    let h = 1e-6;
    let numeric: Vec<f64> = (0..ws.len())
        .map(|i| {
            let at = |d: f64| {
                let mut p = ws.clone();
                p[i] += d;
                composite(&x, &Tensor::from_slice(&p, &[4, 2]).unwrap()).unwrap().item().unwrap()
            };
            (at(h) - at(-h)) / (2.0 * h)
        })
        .collect();
    assert_close(&analytic, &numeric, 1e-6, 1e-8, "d f / d W");
}

#[test]
fn gradients_accumulate_until_zero_grad() -> Result<()> {
    // d/dx sum(x^3 + 2x) = 3x^2 + 2.
    let x = Tensor::from_slice(&[-1.0f64, 0.5, 2.0], &[3]).unwrap();
    x.set_requires_grad(true).unwrap();
    assert!(x.requires_grad().unwrap() && x.is_leaf().unwrap());
    assert!(x.grad().unwrap().is_none());
    let y = ((&x * &x * &x)? + (&x * 2.0)?)?.sum_all()?;
    assert!(!y.is_leaf().unwrap());
    y.backward_with(None, true).unwrap();
    assert_eq!(values(&x.grad().unwrap().unwrap()), [5.0, 2.75, 14.0]);
    y.backward().unwrap(); // the retained graph, once more: the gradients add up
    assert_eq!(values(&x.grad().unwrap().unwrap()), [10.0, 5.5, 28.0]);
    let e = y.backward().unwrap_err();
    assert_eq!(e.status(), Status::State);
    assert!(e.message().starts_with("dl_tensor_backward_ex: "), "{}", e);
    assert_eq!(values(&x.grad().unwrap().unwrap()), [10.0, 5.5, 28.0]); // the failure added nothing
    x.zero_grad()?;
    assert!(x.grad()?.is_none());
    Ok(())
}

#[test]
fn backward_with_a_gradient_for_a_non_scalar() {
    let x = Tensor::from_slice(&[1.0f64, 2.0, 3.0], &[3]).unwrap();
    x.set_requires_grad(true).unwrap();
    let y = (&x * &x).unwrap();
    assert_eq!(y.backward().unwrap_err().status(), Status::Shape);
    let wrong = Tensor::ones(&[2], DType::Float64).unwrap();
    assert_eq!(y.backward_with(Some(&wrong), false).unwrap_err().status(), Status::Shape);
    let g = Tensor::from_slice(&[1.0f64, 0.5, -1.0], &[3]).unwrap();
    y.backward_with(Some(&g), false).unwrap();
    assert_eq!(values(&x.grad().unwrap().unwrap()), [2.0, 2.0, -6.0]); // 2x * g
}

#[test]
fn no_grad_detach_and_misuse() {
    let w = Tensor::ones(&[2], DType::Float32).unwrap();
    w.set_requires_grad(true).unwrap();
    {
        let _guard = dl::no_grad();
        assert!(!dl::is_grad_enabled());
        assert!(!(&w * 2.0).unwrap().requires_grad().unwrap());
    }
    assert!(dl::is_grad_enabled());
    let y = (&w * 2.0).unwrap();
    assert!(y.requires_grad().unwrap());
    let d = y.detach().unwrap();
    assert!(!d.requires_grad().unwrap() && d.is_leaf().unwrap());
    assert_eq!(d.to_vec::<f32>().unwrap(), [2.0, 2.0]);
    assert!(dl::set_grad_enabled(false));
    assert!(!dl::set_grad_enabled(true));

    let e = y.set_requires_grad(false).unwrap_err();
    assert_eq!(e.status(), Status::State);
    assert!(e.message().starts_with("dl_tensor_set_requires_grad: "), "{}", e);
    let ints = Tensor::zeros(&[2], DType::Int64).unwrap();
    assert_eq!(ints.set_requires_grad(true).unwrap_err().status(), Status::DType);
    let plain = Tensor::ones(&[1], DType::Float32).unwrap();
    assert_eq!(plain.backward().unwrap_err().status(), Status::State);
}
