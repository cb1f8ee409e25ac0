//! Modules from Rust: built-in layers against closed forms and PyTorch's
//! fixtures (a checkpoint, the image-layer CNN, the losses), your own
//! modules with their forward in Rust (errors and panics come back as Err),
//! train/eval, save/load, and release.
mod common;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::{assert_close, assert_tensor_close, fixture, serial, temp_dir, values};
use dl::nn::functional::{self as F, ClassLossOptions, Reduction};
use dl::nn::{
    AdaptiveAvgPool2d, AvgPool2d, BatchNorm1d, BatchNorm2d, BatchNormOptions, Conv2d, Conv2dOptions, Custom,
    CustomModule, Dropout, Dropout2d, Flatten, Identity, LeakyReLU, Linear, LogSoftmax, MaxPool2d, Module, Padding,
    Pool2dOptions, ReLU, Sequential, Sigmoid, Softmax, Tanh, ELU, GELU,
};
use dl::optim::{Sgd, SgdOptions};
use dl::{DType, Error, Result, Status, Tensor};

#[test]
fn linear_is_x_w_transposed_plus_b() -> Result<()> {
    let fc = Linear::new(3, 2)?;
    assert_eq!(fc.type_name()?, "Linear");
    let (w, b) = (values(&fc.weight()?), values(&fc.bias()?));
    // Kaiming-uniform (a = sqrt(5)) and the bias: both within 1/sqrt(in_features).
    let bound = 1.0 / 3f64.sqrt();
    assert!(w.iter().chain(&b).all(|v| v.abs() <= bound), "{:?} {:?}", w, b);
    let xs = [1.0f64, -2.0, 0.5, 3.0, 0.0, -1.0];
    let y = fc.forward(&Tensor::from_slice(&xs.map(|v| v as f32), &[2, 3])?)?;
    let mut want = Vec::new();
    for row in xs.chunks(3) {
        for o in 0..2 {
            want.push(b[o] + (0..3).map(|k| row[k] * w[o * 3 + k]).sum::<f64>());
        }
    }
    assert_close(&values(&y), &want, 1e-6, 1e-6, "linear");
    let e = fc.forward(&Tensor::zeros(&[2, 4], DType::Float32)?).unwrap_err();
    assert_eq!(e.status(), Status::Shape);
    assert!(e.message().starts_with("dl_module_forward: "), "{}", e);
    assert!(Linear::with_bias(3, 2, false)?.bias().is_err());
    assert_eq!(Linear::new(0, 2).unwrap_err().status(), Status::InvalidArgument);
    Ok(())
}

#[test]
fn sequential_names_parameters_as_pytorch() -> Result<()> {
    let model = Sequential::new()?.append(Linear::new(4, 3)?)?.append(ReLU::new()?)?.append(Linear::new(3, 2)?)?;
    let names: Vec<String> = model.named_parameters()?.into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["0.weight", "0.bias", "2.weight", "2.bias"]);
    assert_eq!(model.parameters()?.len(), 4);
    assert_eq!(model.child("2")?.type_name()?, "Linear");
    let e = model.child("fc9").unwrap_err();
    assert!(e.message().starts_with("dl_module_child: "), "{}", e);
    // A child is shared: the handle kept and the container's child are one module.
    let shared = Linear::new(2, 2)?;
    let seq = Sequential::new()?;
    seq.push(&shared)?;
    seq.push(&Tanh::new()?)?;
    shared.weight()?.copy_from(&[1f32, 0.0, 0.0, 1.0])?;
    shared.bias()?.copy_from(&[0f32, 0.0])?;
    let y = seq.forward(&Tensor::from_slice(&[0.5f32, -1.0], &[1, 2])?)?;
    assert_close(&values(&y), &[0.5f64.tanh(), (-1f64).tanh()], 1e-6, 0.0, "shared child");
    Ok(())
}

#[test]
fn a_pytorch_checkpoint_loads_and_gives_pytorch_output() -> Result<()> {
    let model = Sequential::new()?.append(Linear::new(4, 3)?)?.append(ReLU::new()?)?.append(Linear::new(3, 2)?)?;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures");
    model.load(&dir.join("torch_mlp.safetensors"))?;
    let io = fixture("torch_mlp_io.json");
    let x: Vec<f32> = io.get("x").get("data").f64s().iter().map(|&v| v as f32).collect();
    let y = model.forward(&Tensor::from_slice(&x, &[2, 4])?)?;
    assert_close(&values(&y), &io.get("y").get("data").f64s(), 1e-6, 1e-6, "PyTorch's output");
    // Save, change, load back: the saved values return; a failed load changes nothing.
    let tmp = temp_dir("checkpoint");
    let path = tmp.join("mlp.safetensors");
    model.save(&path)?;
    let before = values(&model.parameter("0.weight")?);
    model.parameter("0.weight")?.copy_from(&[0f32; 12])?;
    model.load(&path)?;
    assert_eq!(values(&model.parameter("0.weight")?), before);
    let e = model.load(&tmp.join("missing.safetensors")).unwrap_err();
    assert_eq!(e.status(), Status::Io);
    assert!(e.message().contains("missing.safetensors"), "{}", e);
    let other = Linear::new(4, 3)?;
    assert!(other.load(&path).is_err());
    std::fs::remove_dir_all(&tmp).unwrap();
    Ok(())
}

struct Net {
    fc1: Linear,
    fc2: Linear,
    scale: Tensor,
}

impl CustomModule for Net {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let h = self.fc1.forward(&x.reshape(&[-1, 4])?)?.relu()?;
        self.fc2.forward(&h)? * &self.scale
    }
    fn children(&self) -> Vec<(&str, &dyn Module)> {
        vec![("fc1", &self.fc1), ("fc2", &self.fc2)]
    }
    fn own_parameters(&self) -> Vec<(&str, &Tensor)> {
        vec![("scale", &self.scale)]
    }
}

fn net() -> Result<Custom<Net>> {
    Custom::new(Net {
        fc1: Linear::new(4, 5)?,
        fc2: Linear::new(5, 2)?,
        scale: Tensor::full(&[1], 2.0, DType::Float32)?,
    })
}

#[test]
fn a_custom_module_forwards_through_libdl_and_trains() -> Result<()> {
    let net = net()?;
    assert_eq!(net.type_name()?, "Net");
    let names: Vec<String> = net.named_parameters()?.into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["scale", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]); // own ones first, as PyTorch
    assert!(net.parameter("scale")?.requires_grad()?);
    let x = Tensor::rand(&[3, 2, 2], DType::Float32)?;
    let y = net.forward(&x)?;
    let (fc1, fc2) = (net.child("fc1")?, net.child("fc2")?);
    let manual = (fc2.forward(&fc1.forward(&x.reshape(&[3, 4])?)?.relu()?)? * 2.0)?;
    assert_eq!(values(&y), values(&manual));
    // The optimizer sees every declared parameter: one step moves them all.
    let mut opt = Sgd::new(&net, SgdOptions { lr: 0.1, ..Default::default() })?;
    let before: Vec<Vec<f64>> = net.parameters()?.iter().map(values).collect();
    net.forward(&x)?.sum_all()?.backward()?;
    opt.step()?;
    let after: Vec<Vec<f64>> = net.parameters()?.iter().map(values).collect();
    assert!(before.iter().zip(&after).all(|(b, a)| b != a));
    // In a container, and from another thread.
    let seq = Sequential::new()?.append(net)?.append(Sigmoid::new()?)?;
    let y = std::thread::spawn(move || seq.forward(&Tensor::ones(&[1, 4], DType::Float32)?)).join().unwrap()?;
    assert!(values(&y).iter().all(|&v| v > 0.0 && v < 1.0));
    Ok(())
}

struct Failing {
    how: &'static str,
}

impl CustomModule for Failing {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        match self.how {
            "err" => Err(Error::new(Status::State, "Failing is not ready")),
            "panic" => panic!("boom"),
            _ => x.matmul(&Tensor::zeros(&[7, 7], DType::Float32)?),
        }
    }
}

#[test]
fn errors_and_panics_in_forward_come_back_as_err() -> Result<()> {
    let x = Tensor::zeros(&[2, 3], DType::Float32)?;
    let e = Custom::new(Failing { how: "err" })?.forward(&x).unwrap_err();
    assert_eq!(e.status(), Status::State);
    assert_eq!(
        e.message(),
        "dl_module_forward: forward of module 'Failing' returned DL_ERR_STATE: Failing is not ready"
    );
    let e = Custom::new(Failing { how: "shape" })?.forward(&x).unwrap_err();
    assert_eq!(e.status(), Status::Shape);
    assert!(e.message().ends_with("DL_ERR_SHAPE: dl_matmul: shapes [2, 3] and [7, 7] cannot be multiplied"), "{}", e);
    let panicking = Custom::with_name("Panicky", Failing { how: "panic" })?;
    let e = panicking.forward(&x).unwrap_err();
    assert_eq!(e.status(), Status::Internal);
    assert!(e.message().contains("module 'Panicky' returned DL_ERR_INTERNAL: panic in forward: boom"), "{}", e);
    // Through a container inside another custom module: the innermost cause survives.
    struct Outer {
        inner: Sequential,
    }
    impl CustomModule for Outer {
        fn forward(&self, x: &Tensor) -> Result<Tensor> {
            self.inner.forward(x)
        }
        fn children(&self) -> Vec<(&str, &dyn Module)> {
            vec![("inner", &self.inner)]
        }
    }
    let outer = Custom::new(Outer { inner: Sequential::new()?.append(Identity::new()?)?.append(panicking)? })?;
    let e = outer.forward(&x).unwrap_err();
    assert_eq!(e.status(), Status::Internal);
    assert!(e.message().contains("'Outer'") && e.message().ends_with("panic in forward: boom"), "{}", e);
    // A panic leaves the module usable.
    let fine = Custom::new(Failing { how: "shape" })?;
    assert_eq!(fine.forward(&x).unwrap_err().status(), Status::Shape);
    Ok(())
}

/// Holds (once set) a handle to a container that holds it: its forward reaches itself.
struct Looping(Arc<std::sync::Mutex<Option<Sequential>>>);

impl CustomModule for Looping {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        match &*self.0.lock().unwrap() {
            Some(outer) => outer.forward(x),
            None => x.shallow_clone(),
        }
    }
}

#[test]
fn a_forward_that_reaches_itself_fails_instead_of_hanging() -> Result<()> {
    let outer = Arc::new(std::sync::Mutex::new(None));
    let m = Custom::new(Looping(outer.clone()))?;
    let seq = Sequential::new()?;
    seq.push(&m)?;
    *outer.lock().unwrap() = Some(seq);
    let e = m.forward(&Tensor::ones(&[1], DType::Float32)?).unwrap_err();
    assert_eq!(e.status(), Status::State);
    assert!(e.message().ends_with("the forward of this module reached itself again"), "{}", e);
    outer.lock().unwrap().take(); // breaks the cycle, so the modules are freed
    assert_eq!(m.forward(&Tensor::ones(&[1], DType::Float32)?)?.item()?, 1.0);
    Ok(())
}

struct Counted {
    dropped: Arc<AtomicUsize>,
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.dropped.fetch_add(1, Ordering::SeqCst);
    }
}

impl CustomModule for Counted {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        x.shallow_clone()
    }
}

#[test]
fn a_custom_module_is_freed_when_its_last_holder_drops() -> Result<()> {
    let dropped = Arc::new(AtomicUsize::new(0));
    let m = Custom::new(Counted { dropped: dropped.clone() })?;
    let seq = Sequential::new()?;
    seq.push(&m)?;
    drop(m);
    assert_eq!(dropped.load(Ordering::SeqCst), 0); // the Sequential still holds it
    assert_eq!(seq.forward(&Tensor::ones(&[1], DType::Float32)?)?.item()?, 1.0);
    drop(seq);
    assert_eq!(dropped.load(Ordering::SeqCst), 1);
    // A name libdl refuses: the value is freed at once, nothing leaks.
    let e = Custom::with_name("Bad\0Name", Counted { dropped: dropped.clone() }).err().unwrap();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert_eq!(dropped.load(Ordering::SeqCst), 2);
    Ok(())
}

/// Each activation module gives what its function gives.
#[test]
fn activation_modules_are_their_functions() -> Result<()> {
    let x = Tensor::from_slice(&[-2.0f32, -0.5, 0.0, 1.5, 3.0, -1.0], &[2, 3])?;
    let pairs: Vec<(Box<dyn Module>, Tensor)> = vec![
        (Box::new(ReLU::new()?), x.relu()?),
        (Box::new(LeakyReLU::new(0.2)?), x.leaky_relu(0.2)?),
        (Box::new(ELU::new(0.5)?), x.elu(0.5)?),
        (Box::new(GELU::new(false)?), x.gelu(false)?),
        (Box::new(GELU::new(true)?), x.gelu(true)?),
        (Box::new(Sigmoid::new()?), x.sigmoid()?),
        (Box::new(Tanh::new()?), x.tanh()?),
        (Box::new(Softmax::new(1)?), x.softmax(1)?),
        (Box::new(LogSoftmax::new(0)?), x.log_softmax(0)?),
        (Box::new(Flatten::new(0, -1)?), x.reshape(&[6])?),
        (Box::new(Identity::new()?), x.shallow_clone()?),
    ];
    for (m, want) in &pairs {
        m.eval()?;
        let got = m.forward(&x)?;
        assert_eq!((got.shape()?, values(&got)), (want.shape()?, values(want)), "{}", m.type_name()?);
    }
    Ok(())
}

#[test]
fn dropout_follows_train_and_eval() -> Result<()> {
    let _serial = serial();
    let model = Sequential::new()?.append(Dropout::new(0.25)?)?;
    let x = Tensor::ones(&[4000], DType::Float32)?;
    assert!(model.is_training()?);
    let y = values(&model.forward(&x)?);
    let zeros = y.iter().filter(|&&v| v == 0.0).count() as f64 / y.len() as f64;
    assert!((zeros - 0.25).abs() < 0.03, "dropped fraction {}", zeros);
    assert!(y.iter().all(|&v| v == 0.0 || (v - 1.0 / 0.75).abs() < 1e-6));
    model.eval()?;
    assert!(!model.is_training()?);
    assert_eq!(values(&model.forward(&x)?), vec![1.0; 4000]);
    model.train()?;
    assert!(model.is_training()?);
    Ok(())
}

/// tests/fixtures/cnn.json: every image layer, three SGD steps in train
/// mode, then eval mode, against PyTorch (float64 there, float32 here).
#[test]
fn the_image_layer_cnn_trains_as_in_pytorch() -> Result<()> {
    let f = fixture("cnn.json");
    let cumulative = BatchNormOptions { momentum: None, ..Default::default() };
    let model = Sequential::new()?
        .append(Conv2d::new(3, 4, (3, 3), Conv2dOptions { padding: Padding::Explicit(1, 1), ..Default::default() })?)?
        .append(BatchNorm2d::new(4, BatchNormOptions::default())?)?
        .append(ReLU::new()?)?
        .append(MaxPool2d::new((2, 2), Pool2dOptions::default())?)?
        .append(Conv2d::new(4, 6, (3, 3), Conv2dOptions { groups: 2, bias: false, ..Default::default() })?)?
        .append(BatchNorm2d::new(6, cumulative)?)?
        .append(AvgPool2d::new((2, 2), Pool2dOptions { ceil_mode: true, ..Default::default() })?)?
        .append(AdaptiveAvgPool2d::new((1, 1))?)?
        .append(Flatten::new(1, -1)?)?
        .append(Linear::new(6, 3)?)?
        .append(BatchNorm1d::new(3, BatchNormOptions { eps: 1e-3, momentum: Some(0.2), ..Default::default() })?)?;
    for (name, p) in model.named_parameters()? {
        let v: Vec<f32> = f.get("initial").get(&name).get("data").f64s().iter().map(|&x| x as f32).collect();
        p.copy_from(&v)?;
    }
    let x = f.get("x").tensor().to_dtype(DType::Float32)?;
    let y = f.get("y").tensor();
    let mut opt = Sgd::new(&model, SgdOptions { lr: 0.1, momentum: 0.9, ..Default::default() })?;
    for (step, want) in f.get("losses").f64s().iter().enumerate() {
        opt.zero_grad()?;
        let loss = F::cross_entropy(&model.forward(&x)?, &y, Reduction::Mean)?;
        loss.backward()?;
        opt.step()?;
        assert_close(&[loss.item()?], &[*want], 1e-4, 1e-5, &format!("loss {}", step));
    }
    for (name, p) in model.named_parameters()? {
        assert_tensor_close(&p, f.get("final").get(&name), 1e-3, 1e-4, &name);
    }
    model.eval()?;
    let _no_grad = dl::no_grad();
    assert_tensor_close(&model.forward(&x)?, f.get("eval_out"), 1e-3, 1e-4, "eval output");
    Ok(())
}

#[test]
fn image_functions_closed_forms() -> Result<()> {
    // 1x1x4x4 of 0..15: 2x2 max pooling takes each window's bottom-right value.
    let x = Tensor::arange(0.0, 16.0, 1.0, DType::Float32)?.reshape(&[1, 1, 4, 4])?;
    let pool = Pool2dOptions::default();
    assert_eq!(x.max_pool2d((2, 2), &pool)?.to_vec::<f32>()?, [5.0, 7.0, 13.0, 15.0]);
    let dilated = Pool2dOptions { dilation: (2, 2), stride: Some((1, 1)), ..Default::default() };
    assert_eq!(x.max_pool2d((2, 2), &dilated)?.to_vec::<f32>()?, [10.0, 11.0, 14.0, 15.0]);
    let (_, indices) = x.max_pool2d_with_indices((2, 2), &pool)?;
    assert_eq!(indices.to_vec::<i64>()?, [5, 7, 13, 15]);
    assert_eq!(x.avg_pool2d((2, 2), &pool)?.to_vec::<f32>()?, [2.5, 4.5, 10.5, 12.5]);
    assert_eq!(x.adaptive_avg_pool2d((1, 1))?.to_vec::<f32>()?, [7.5]);
    // A 2x2 kernel of ones with bias 1 sums each window, plus 1.
    let w = Tensor::ones(&[1, 1, 2, 2], DType::Float32)?;
    let b = Tensor::ones(&[1], DType::Float32)?;
    let y = x.conv2d(&w, Some(&b), &Conv2dOptions { stride: (2, 2), ..Default::default() })?;
    assert_eq!(y.to_vec::<f32>()?, [11.0, 19.0, 43.0, 51.0]);
    let same = x.conv2d(&w, None, &Conv2dOptions { padding: Padding::Same, ..Default::default() })?;
    assert_eq!(same.shape()?, [1, 1, 4, 4]);
    let e = x.max_pool2d((5, 5), &pool).unwrap_err();
    assert_eq!(e.status(), Status::Shape);
    assert_eq!(x.dropout(0.5, false)?.to_vec::<f32>()?, x.to_vec::<f32>()?);
    assert_eq!(x.dropout2d(0.5, false)?.to_vec::<f32>()?, x.to_vec::<f32>()?);
    let dropout2d = Dropout2d::new(0.5)?;
    dropout2d.eval()?;
    assert_eq!(dropout2d.forward(&x)?.to_vec::<f32>()?, x.to_vec::<f32>()?);
    // Batch norm in training: each channel to mean 0, biased variance 1.
    let bn = x.reshape(&[2, 2, 4])?.batch_norm(None, None, None, None, true, 0.1, 0.0)?;
    for c in 0..2 {
        let v = values(&bn.select(1, c)?);
        let mean = v.iter().sum::<f64>() / 8.0;
        let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 8.0;
        assert!(mean.abs() < 1e-6 && (var - 1.0).abs() < 1e-5, "channel {}: {} {}", c, mean, var);
    }
    let sm = Softmax::new(1)?.forward(&Tensor::zeros(&[2, 4], DType::Float32)?)?;
    assert_eq!(values(&sm), vec![0.25; 8]);
    Ok(())
}

/// tests/fixtures/training.json "losses": every loss, reduction and option.
#[test]
fn losses_match_pytorch() -> Result<()> {
    let f = fixture("training.json");
    let mut checked = 0;
    for e in f.get("losses").arr() {
        let kind = e.get("kind").str();
        let r = match e.get("reduction").str() {
            "none" => Reduction::None,
            "sum" => Reduction::Sum,
            _ => Reduction::Mean,
        };
        let x = e.get("input").tensor();
        x.set_requires_grad(true)?;
        let target = e.get("target").tensor();
        let weight = e.field("weight").filter(|w| !w.is_null()).map(|w| w.tensor());
        let loss = match kind {
            "cross_entropy" | "nll" => {
                let o = ClassLossOptions {
                    weight: weight.as_ref(),
                    label_smoothing: e.get("label_smoothing").f64(),
                    reduction: r,
                    ..Default::default()
                };
                if kind == "nll" {
                    F::nll_loss_with(&x, &target, &o)?
                } else {
                    F::cross_entropy_with(&x, &target, &o)?
                }
            }
            "mse" => F::mse_loss(&x, &target, r)?,
            "l1" => F::l1_loss(&x, &target, r)?,
            "bce" => F::bce_loss(&x, &target, weight.as_ref(), r)?,
            "bce_logits" => {
                F::bce_with_logits_loss(&x, &target, weight.as_ref(), Some(&e.get("pos_weight").tensor()), r)?
            }
            other => panic!("loss kind {}", other),
        };
        let what = format!("{} {}", kind, e.get("reduction").str());
        assert_tensor_close(&loss, e.get("out"), 1e-10, 1e-12, &what);
        (&loss * &Tensor::ones(&loss.shape()?, DType::Float64)?)?.sum_all()?.backward()?;
        assert_tensor_close(&x.grad()?.unwrap(), e.get("grad"), 1e-9, 1e-11, &what);
        checked += 1;
    }
    assert_eq!(checked, 39);
    // The plain forms agree with the _with forms' defaults.
    let logits = Tensor::from_slice(&[0.5f64, -1.0, 2.0, 0.0], &[2, 2])?;
    let t = Tensor::from_slice(&[1i64, 0], &[2])?;
    let plain = F::cross_entropy(&logits, &t, Reduction::Mean)?.item()?;
    let want = ((0.5f64.exp() + (-1f64).exp()).ln() + 1.0 + (2f64.exp() + 1.0).ln() - 2.0) / 2.0;
    assert!((plain - want).abs() < 1e-14, "{} {}", plain, want);
    assert!((F::nll_loss(&logits.log_softmax(1)?, &t, Reduction::Mean)?.item()? - want).abs() < 1e-14);
    let bad = Tensor::from_slice(&[5i64, 0], &[2])?;
    let err = F::cross_entropy(&logits, &bad, Reduction::Mean).unwrap_err();
    assert_eq!(err.status(), Status::InvalidArgument);
    assert!(err.message().starts_with("dl_cross_entropy: "), "{}", err);
    Ok(())
}
