//! Optimizers, clipping and LR schedulers from Rust against PyTorch
//! (tests/fixtures/training.json): every optimizer kind and configuration
//! over 50 steps, parameter groups with a frozen parameter, both clipping
//! functions, every scheduler kind (LambdaLR with a Rust closure) over 100
//! epochs, ReduceLROnPlateau; and their errors.
mod common;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use common::{assert_close, assert_tensor_close, fixture, values, Json};
use dl::nn::functional::{mse_loss, Reduction};
use dl::nn::{Linear, Module};
use dl::optim::{
    clip_grad_norm, clip_grad_norm_tensors, clip_grad_value, clip_grad_value_tensors, Adagrad, AdagradOptions, Adam,
    AdamOptions, AdamW, AdamWOptions, CosineAnnealingLR, ExponentialLR, LambdaLR, MultiStepLR, Optimizer,
    PlateauOptions, ReduceLROnPlateau, RmsProp, RmsPropOptions, Scheduler, Sgd, SgdOptions, StepLR,
};
use dl::{DType, Result, Status, Tensor};

const NAMES: [&str; 4] = ["w1", "b1", "w2", "b2"];

/// The fixture's model: Linear(4,3)-tanh-Linear(3,2) on float64 parameters.
struct Model {
    p: Vec<Tensor>,
}

impl Model {
    fn new(init: &Json) -> Model {
        let p: Vec<Tensor> = NAMES.iter().map(|k| init.get(k).tensor()).collect();
        for t in &p {
            t.set_requires_grad(true).unwrap();
        }
        Model { p }
    }
    fn params(&self) -> Vec<&Tensor> {
        self.p.iter().collect()
    }
    fn loss(&self, x: &Tensor, y: &Tensor) -> Result<Tensor> {
        let h = x.linear(&self.p[0], Some(&self.p[1]))?.tanh()?;
        mse_loss(&h.linear(&self.p[2], Some(&self.p[3]))?, y, Reduction::Mean)
    }
}

fn optimizer(kind: &str, o: &Json, params: &[&Tensor]) -> Result<Optimizer> {
    let num = |k: &str, d: f64| o.field(k).map(Json::f64).unwrap_or(d);
    let flag = |k: &str| o.field(k).map(Json::bool).unwrap_or(false);
    let betas = o.field("betas").map(Json::f64s);
    Ok(match kind {
        "sgd" => Optimizer::from(Sgd::from_tensors(
            params,
            SgdOptions {
                lr: num("lr", 1e-3),
                momentum: num("momentum", 0.0),
                dampening: num("dampening", 0.0),
                weight_decay: num("weight_decay", 0.0),
                nesterov: flag("nesterov"),
            },
        )?),
        "adam" => {
            let d = AdamOptions::default();
            let (beta1, beta2) = betas.map(|b| (b[0], b[1])).unwrap_or((d.beta1, d.beta2));
            Optimizer::from(Adam::from_tensors(
                params,
                AdamOptions {
                    lr: num("lr", d.lr),
                    beta1,
                    beta2,
                    eps: num("eps", d.eps),
                    weight_decay: num("weight_decay", d.weight_decay),
                    amsgrad: flag("amsgrad"),
                },
            )?)
        }
        "adamw" => {
            let d = AdamWOptions::default();
            Optimizer::from(AdamW::from_tensors(
                params,
                AdamWOptions {
                    lr: num("lr", d.lr),
                    weight_decay: num("weight_decay", d.weight_decay),
                    amsgrad: flag("amsgrad"),
                    ..d
                },
            )?)
        }
        "rmsprop" => {
            let d = RmsPropOptions::default();
            Optimizer::from(RmsProp::from_tensors(
                params,
                RmsPropOptions {
                    lr: num("lr", d.lr),
                    alpha: num("alpha", d.alpha),
                    eps: num("eps", d.eps),
                    weight_decay: num("weight_decay", 0.0),
                    momentum: num("momentum", 0.0),
                    centered: flag("centered"),
                },
            )?)
        }
        "adagrad" => {
            let d = AdagradOptions::default();
            Optimizer::from(Adagrad::from_tensors(
                params,
                AdagradOptions {
                    lr: num("lr", d.lr),
                    lr_decay: num("lr_decay", 0.0),
                    weight_decay: num("weight_decay", 0.0),
                    initial_accumulator_value: num("initial_accumulator_value", 0.0),
                    eps: d.eps,
                },
            )?)
        }
        other => panic!("optimizer kind {}", other),
    })
}

fn run(opt: &mut Optimizer, m: &Model, x: &Tensor, y: &Tensor, want_losses: &[f64], what: &str) -> Result<()> {
    for (step, want) in want_losses.iter().enumerate() {
        opt.zero_grad()?;
        let loss = m.loss(x, y)?;
        loss.backward()?;
        opt.step()?;
        assert_close(&[loss.item()?], &[*want], 0.0, 1e-10, &format!("{} step {}", what, step));
    }
    Ok(())
}

#[test]
fn every_optimizer_follows_pytorch_for_fifty_steps() -> Result<()> {
    let f = fixture("training.json");
    let f = f.get("optim");
    let (x, y) = (f.get("X").tensor(), f.get("Y").tensor());
    let runs = f.get("runs").arr();
    assert_eq!(runs.len(), 15);
    let mut kinds = std::collections::BTreeSet::new();
    for r in runs {
        let kind = r.get("kind").str();
        kinds.insert(kind.to_string());
        let what = format!("{} {:?}", kind, r.get("options"));
        let m = Model::new(f.get("init"));
        let mut opt = optimizer(kind, r.get("options"), &m.params())?;
        run(&mut opt, &m, &x, &y, &r.get("losses").f64s(), &what)?;
        for (k, p) in NAMES.iter().zip(&m.p) {
            assert_tensor_close(p, r.get("final").get(k), 1e-9, 1e-11, &format!("{} {}", what, k));
        }
    }
    assert_eq!(kinds.into_iter().collect::<Vec<_>>(), ["adagrad", "adam", "adamw", "rmsprop", "sgd"]);
    Ok(())
}

#[test]
fn parameter_groups_and_a_frozen_parameter_follow_pytorch() -> Result<()> {
    let f = fixture("training.json");
    let f = f.get("optim");
    let (x, y) = (f.get("X").tensor(), f.get("Y").tensor());
    let m = Model::new(f.get("init"));
    m.p[3].set_requires_grad(false)?;
    let mut opt = Sgd::from_tensors(
        &[&m.p[0], &m.p[1]],
        SgdOptions { lr: 0.05, momentum: 0.9, weight_decay: 0.01, ..Default::default() },
    )?;
    assert_eq!(opt.add_param_group(&[&m.p[2], &m.p[3]], 0.01, 0.0)?, 1);
    assert_eq!(opt.num_groups()?, 2);
    assert_eq!((opt.group_lr(0)?, opt.group_lr(1)?), (0.05, 0.01));
    let reference = f.get("param_groups");
    run(&mut opt, &m, &x, &y, &reference.get("losses").f64s(), "groups")?;
    for (k, p) in NAMES.iter().zip(&m.p) {
        assert_tensor_close(p, reference.get("final").get(k), 1e-9, 1e-11, k);
    }
    opt.set_group_lr(1, 0.5)?;
    assert_eq!(opt.group_lr(1)?, 0.5);
    assert_eq!(opt.group_lr(2).unwrap_err().status(), Status::InvalidArgument);
    Ok(())
}

#[test]
fn clipping_follows_pytorch() -> Result<()> {
    let f = fixture("training.json");
    let optim = f.get("optim");
    let (x, y) = (optim.get("X").tensor(), optim.get("Y").tensor());
    for r in f.get("clipping").get("runs").arr() {
        let norm_type = match r.get("norm_type") {
            Json::Str(_) => f64::INFINITY,
            n => n.f64(),
        };
        let m = Model::new(optim.get("init"));
        m.loss(&x, &y)?.backward()?;
        let total = clip_grad_norm_tensors(&m.params(), r.get("max_norm").f64(), norm_type)?;
        assert_close(&[total], &[r.get("total_norm").f64()], 0.0, 1e-12, "total norm");
        for (k, p) in NAMES.iter().zip(&m.p) {
            assert_tensor_close(&p.grad()?.unwrap(), r.get("grads").get(k), 1e-9, 1e-13, k);
        }
    }
    let m = Model::new(optim.get("init"));
    m.loss(&x, &y)?.backward()?;
    let value = f.get("clipping").get("value");
    clip_grad_value_tensors(&m.params(), value.get("clip_value").f64())?;
    for (k, p) in NAMES.iter().zip(&m.p) {
        assert_tensor_close(&p.grad()?.unwrap(), value.get("grads").get(k), 0.0, 1e-15, k);
    }
    // The module forms: clip a Linear's gradients.
    let fc = Linear::new(3, 2)?;
    (fc.forward(&Tensor::ones(&[4, 3], DType::Float32)?)? * 100.0)?.sum_all()?.backward()?;
    let total = clip_grad_norm(&fc, 1.0, 2.0)?;
    assert!(total > 1.0);
    let clipped: f64 = fc.parameters()?.iter().flat_map(|p| values(&p.grad().unwrap().unwrap())).map(|g| g * g).sum();
    assert!((clipped.sqrt() - 1.0).abs() < 1e-5, "norm after clipping {}", clipped.sqrt());
    clip_grad_value(&fc, 0.01)?;
    assert!(fc.parameters()?.iter().all(|p| values(&p.grad().unwrap().unwrap()).iter().all(|g| g.abs() <= 0.01)));
    assert_eq!(clip_grad_norm(&fc, 1.0, -1.0).unwrap_err().status(), Status::InvalidArgument);
    Ok(())
}

fn sgd_at(lr: f64) -> Result<(Tensor, Sgd)> {
    let w = Tensor::zeros(&[1], DType::Float64)?;
    w.set_requires_grad(true)?;
    let opt = Sgd::from_tensors(&[&w], SgdOptions { lr, ..Default::default() })?;
    Ok((w, opt))
}

#[test]
fn every_scheduler_follows_pytorch_for_a_hundred_epochs() -> Result<()> {
    let f = fixture("training.json");
    let runs = f.get("schedulers").arr();
    assert_eq!(runs.len(), 7);
    for r in runs {
        let (kind, o) = (r.get("kind").str(), r.get("options"));
        let (_w, opt) = sgd_at(0.1)?;
        let mut s: Scheduler = match kind {
            "step" => StepLR::new(&opt, o.get("step_size").f64() as i64, o.get("gamma").f64())?.into(),
            "multistep" => {
                let milestones: Vec<i64> = o.get("milestones").f64s().iter().map(|&m| m as i64).collect();
                MultiStepLR::new(&opt, &milestones, o.get("gamma").f64())?.into()
            }
            "exponential" => ExponentialLR::new(&opt, o.get("gamma").f64())?.into(),
            "cosine" => {
                let eta_min = o.field("eta_min").map(Json::f64).unwrap_or(0.0);
                CosineAnnealingLR::new(&opt, o.get("T_max").f64() as i64, eta_min)?.into()
            }
            // The fixture's lambda: 0.9 ** epoch / (1 + epoch % 3)
            "lambda" => LambdaLR::new(&opt, |epoch| 0.9f64.powi(epoch as i32) / (1 + epoch % 3) as f64)?.into(),
            other => panic!("scheduler kind {}", other),
        };
        let lrs = r.get("lrs").f64s();
        assert_close(&[opt.lr()?], &[lrs[0]], 0.0, 1e-15, kind);
        for (epoch, want) in lrs.iter().enumerate().skip(1) {
            s.step()?;
            let what = format!("{} {:?} epoch {}", kind, o, epoch);
            assert_close(&[opt.lr()?], &[*want], 1e-12, 1e-14, &what);
            assert_eq!(s.last_lr()?, opt.lr()?);
        }
    }
    Ok(())
}

#[test]
fn reduce_lr_on_plateau_follows_pytorch() -> Result<()> {
    let f = fixture("training.json");
    let plateau = f.get("plateau");
    let metrics = plateau.get("metrics").f64s();
    for r in plateau.get("runs").arr() {
        let o = r.get("options");
        let d = PlateauOptions::default();
        let options = PlateauOptions {
            mode_max: o.get("mode").str() == "max",
            factor: o.get("factor").f64(),
            patience: o.get("patience").f64() as i64,
            threshold: o.field("threshold").map(Json::f64).unwrap_or(d.threshold),
            threshold_abs: o.field("threshold_mode").map(|m| m.str() == "abs").unwrap_or(false),
            cooldown: o.field("cooldown").map(|c| c.f64() as i64).unwrap_or(0),
            min_lr: o.field("min_lr").map(Json::f64).unwrap_or(0.0),
            ..d
        };
        let (_w, opt) = sgd_at(0.1)?;
        let mut s = ReduceLROnPlateau::new(&opt, options)?;
        for (epoch, (m, want)) in metrics.iter().zip(&r.get("lrs").f64s()[1..]).enumerate() {
            s.step(*m)?;
            assert_close(&[opt.lr()?], &[*want], 1e-12, 1e-15, &format!("{:?} epoch {}", o, epoch));
        }
    }
    let (_w, opt) = sgd_at(0.1)?;
    let mut step = StepLR::new(&opt, 1, 0.5)?;
    step.step()?;
    assert_eq!(opt.lr()?, 0.05);
    let e = ReduceLROnPlateau::new(&opt, PlateauOptions { factor: 2.0, ..Default::default() }).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().contains("factor"), "{}", e);
    Ok(())
}

#[test]
fn lambda_lr_takes_a_closure_and_survives_its_panics() -> Result<()> {
    let (_w, opt) = sgd_at(0.2)?;
    let calls = Arc::new(AtomicI64::new(0));
    let seen = calls.clone();
    // The first call for epoch 2 panics, the first for epoch 3 gives NaN;
    // a failed step changes nothing, so the next step asks again.
    let mut refused = Vec::new();
    let mut s = LambdaLR::new(&opt, move |epoch| {
        seen.fetch_add(1, Ordering::SeqCst);
        if (epoch == 2 || epoch == 3) && !refused.contains(&epoch) {
            refused.push(epoch);
            if epoch == 2 {
                panic!("no factor for epoch 2 yet");
            }
            return f64::NAN;
        }
        1.0 / (1 + epoch) as f64
    })?;
    assert_eq!(calls.load(Ordering::SeqCst), 1); // epoch 0, by the constructor
    s.step()?;
    assert_eq!(opt.lr()?, 0.1);
    let e = s.step().unwrap_err();
    assert_eq!(e.status(), Status::Internal);
    assert!(e.message().starts_with("dl_scheduler_step: "), "{}", e);
    assert!(
        e.message().ends_with("DL_ERR_INTERNAL for epoch 2: panic in the LambdaLR closure: no factor for epoch 2 yet"),
        "{}",
        e
    );
    assert_eq!(opt.lr()?, 0.1);
    s.step()?;
    assert_close(&[opt.lr()?], &[0.2 / 3.0], 1e-15, 0.0, "epoch 2");
    let e = s.step().unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().contains("factor"), "{}", e);
    assert_close(&[opt.lr()?], &[0.2 / 3.0], 1e-15, 0.0, "unchanged");
    s.step()?;
    assert_eq!(opt.lr()?, 0.05);
    assert_eq!(calls.load(Ordering::SeqCst), 6);
    // A closure that panics for epoch 0 fails the constructor.
    let e = LambdaLR::new(&opt, |_| panic!("never")).unwrap_err();
    assert_eq!(e.status(), Status::Internal);
    assert!(e.message().starts_with("dl_lambda_lr_new: "), "{}", e);
    Ok(())
}

#[test]
fn a_scheduler_keeps_its_optimizer_alive_and_options_are_checked() -> Result<()> {
    let (w, opt) = sgd_at(1.0)?;
    let mut s = ExponentialLR::new(&opt, 0.5)?;
    drop(opt);
    s.step()?;
    assert_eq!(s.last_lr()?, 0.5);
    drop(w);
    let (_w, mut opt) = sgd_at(0.1)?;
    opt.set_lr(0.3)?;
    assert_eq!(opt.lr()?, 0.3);
    let e = opt.set_lr(-1.0).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().starts_with("dl_optimizer_set_lr: "), "{}", e);
    let fc = Linear::new(2, 2)?;
    let e = Adam::new(&fc, AdamOptions { beta1: 1.5, ..Default::default() }).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().contains("beta"), "{}", e);
    // PyTorch's defaults come from libdl.
    assert_eq!(SgdOptions::default().lr, 1e-3);
    assert_eq!((AdamOptions::default().weight_decay, AdamWOptions::default().weight_decay), (0.0, 1e-2));
    assert_eq!(RmsPropOptions::default().alpha, 0.99);
    assert_eq!(AdagradOptions::default().eps, 1e-10);
    assert_eq!(PlateauOptions::default().patience, 10);
    // zero_grad drops gradients; zero_grad_in_place keeps zeros.
    let mut adam = Adam::new(&fc, AdamOptions::default())?;
    fc.forward(&Tensor::ones(&[1, 2], DType::Float32)?)?.sum_all()?.backward()?;
    adam.zero_grad_in_place()?;
    assert_eq!(values(&fc.weight()?.grad()?.unwrap()), [0.0; 4]);
    adam.zero_grad()?;
    assert!(fc.weight()?.grad()?.is_none());
    Ok(())
}
