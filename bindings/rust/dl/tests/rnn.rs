//! The recurrent layers, cells and Embedding from Rust: against PyTorch's
//! fixtures (tests/fixtures/rnn.json: outputs, final states and gradients;
//! torch_lstm.safetensors), the cells' closed forms with hand-set weights,
//! layers equal to their cell unrolled, padded batches equal to each
//! sequence alone, PyTorch's shapes and parameter names, training inside a
//! custom module and a Sequential, and errors with libdl's messages.
mod common;

use std::path::Path;

use common::{assert_close, assert_tensor_close, fixture, serial, values, Json};
use dl::nn::functional::{self as F, Reduction};
use dl::nn::{
    Custom, CustomModule, Embedding, EmbeddingOptions, Flatten, Gru, GruCell, Linear, Lstm, LstmCell, Module,
    Nonlinearity, Rnn, RnnCell, RnnOptions, RnnOutput, Sequential,
};
use dl::optim::{Adam, AdamOptions, Optimizer, Sgd, SgdOptions};
use dl::{DType, Result, Status, Tensor};

/// A layer of any of the three kinds, run through its own forward functions.
enum Layer {
    Rnn(Rnn),
    Lstm(Lstm),
    Gru(Gru),
}

impl Layer {
    /// "rnn_tanh", "rnn_relu", "lstm" or "gru" (the fixture's kinds).
    fn new(kind: &str, input_size: i64, hidden_size: i64, o: RnnOptions) -> Result<Layer> {
        Ok(match kind {
            "lstm" => Layer::Lstm(Lstm::new(input_size, hidden_size, o)?),
            "gru" => Layer::Gru(Gru::new(input_size, hidden_size, o)?),
            "rnn_relu" => {
                Layer::Rnn(Rnn::new(input_size, hidden_size, RnnOptions { nonlinearity: Nonlinearity::Relu, ..o })?)
            }
            _ => Layer::Rnn(Rnn::new(input_size, hidden_size, o)?),
        })
    }

    fn module(&self) -> &dyn Module {
        match self {
            Layer::Rnn(m) => m,
            Layer::Lstm(m) => m,
            Layer::Gru(m) => m,
        }
    }

    fn run(&self, x: &Tensor, lengths: Option<&[i64]>, h0: Option<&Tensor>, c0: Option<&Tensor>) -> Result<RnnOutput> {
        match (self, lengths) {
            (Layer::Lstm(m), Some(l)) => m.forward_padded(x, l, h0, c0),
            (Layer::Lstm(m), None) => m.forward_with(x, h0, c0),
            (Layer::Gru(m), Some(l)) => m.forward_padded(x, l, h0),
            (Layer::Gru(m), None) => m.forward_with(x, h0),
            (Layer::Rnn(m), Some(l)) => m.forward_padded(x, l, h0),
            (Layer::Rnn(m), None) => m.forward_with(x, h0),
        }
    }
}

/// A fixture tensor as float32 (the modules' dtype).
fn f32_of(j: &Json) -> Tensor {
    j.tensor().to_dtype(DType::Float32).unwrap()
}

/// A fixture tensor as a float32 leaf that requires grad; None for null.
fn leaf_of(j: &Json) -> Result<Option<Tensor>> {
    nullable(j, |j| {
        let t = f32_of(j);
        t.set_requires_grad(true).map(|_| t)
    })
    .transpose()
}

fn names_of(m: &dyn Module) -> Result<Vec<String>> {
    Ok(m.named_parameters()?.into_iter().map(|(n, _)| n).collect())
}

/// Sets m's parameters to the fixture case's, after checking that they have
/// PyTorch's names in PyTorch's order.
fn load_params(m: &dyn Module, case: &Json, what: &str) -> Result<()> {
    let want: Vec<&str> = case.get("param_names").arr().iter().map(Json::str).collect();
    assert_eq!(names_of(m)?, want, "{}: parameter names", what);
    for name in want {
        m.parameter(name)?.copy_from(&to_f32(&case.get("params").get(name).get("data").f64s()))?;
    }
    Ok(())
}

/// Runs check on each case of a section of tests/fixtures/rnn.json, with
/// the case's name, after checking that the section has `count` cases.
fn each_case(section: &str, count: usize, check: impl Fn(&Json, &str) -> Result<()>) -> Result<()> {
    let f = fixture("rnn.json");
    let cases = f.get(section).arr();
    assert_eq!(cases.len(), count, "{} cases", section);
    for case in cases {
        check(case, case.get("name").str())?;
    }
    Ok(())
}

/// Compares each (tensor, fixture name, name of its weight in the loss)
/// with the case's tensor, then runs the backward of the fixture's loss,
/// the sum of tensor * weight over them.
fn assert_outputs_then_backward(case: &Json, outputs: &[(&Tensor, &str, &str)], what: &str) -> Result<()> {
    let mut loss = Tensor::zeros(&[], DType::Float32)?;
    for (t, name, weight) in outputs {
        assert_tensor_close(t, case.get(name), 1e-5, 1e-6, &format!("{}: {}", what, name));
        loss = (loss + (*t * &f32_of(case.get(weight)))?.sum_all()?)?;
    }
    loss.backward()
}

/// Compares the gradient of each parameter of m and of each named input with the fixture's.
fn assert_grads(m: &dyn Module, inputs: &[(&str, Option<&Tensor>)], grads: &Json, what: &str) -> Result<()> {
    for (name, p) in m.named_parameters()? {
        assert_tensor_close(&p.grad()?.unwrap(), grads.get(&name), 1e-4, 1e-5, &format!("{}: grad {}", what, name));
    }
    for (name, t) in inputs {
        if let Some(t) = t {
            assert_tensor_close(&t.grad()?.unwrap(), grads.get(name), 1e-4, 1e-5, &format!("{}: grad {}", what, name));
        }
    }
    Ok(())
}

fn to_f32(v: &[f64]) -> Vec<f32> {
    v.iter().map(|&x| x as f32).collect()
}

fn int(j: &Json) -> i64 {
    j.f64() as i64
}

/// f(j), or None for null.
fn nullable<T>(j: &Json, f: impl Fn(&Json) -> T) -> Option<T> {
    if j.is_null() {
        None
    } else {
        Some(f(j))
    }
}

/// tests/fixtures/rnn.json "layers": each layer's output, final states and
/// the gradients of inputs, states and parameters, float32 here against
/// PyTorch's float64.
#[test]
fn layers_match_pytorch() -> Result<()> {
    each_case("layers", 17, |case, what| {
        let o = RnnOptions {
            num_layers: int(case.get("num_layers")),
            bias: case.get("bias").bool(),
            batch_first: case.get("batch_first").bool(),
            bidirectional: case.get("bidirectional").bool(),
            proj_size: int(case.get("proj_size")),
            ..Default::default()
        };
        let (input, hidden) = (int(case.get("input_size")), int(case.get("hidden_size")));
        let layer = Layer::new(case.get("kind").str(), input, hidden, o)?;
        load_params(layer.module(), case, what)?;
        let x = leaf_of(case.get("x"))?.unwrap();
        let (h0, c0) = (leaf_of(case.get("h0"))?, leaf_of(case.get("c0"))?);
        let lengths = nullable(case.get("lengths"), |l| l.arr().iter().map(int).collect::<Vec<i64>>());
        let r = layer.run(&x, lengths.as_deref(), h0.as_ref(), c0.as_ref())?;
        let mut outputs = vec![(&r.output, "output", "w_output"), (&r.h_n, "h_n", "w_h")];
        match &r.c_n {
            Some(c_n) => outputs.push((c_n, "c_n", "w_c")),
            None => assert!(case.get("c_n").is_null(), "{}: no c_n", what),
        }
        assert_outputs_then_backward(case, &outputs, what)?;
        let inputs = [("x", Some(&x)), ("h0", h0.as_ref()), ("c0", c0.as_ref())];
        assert_grads(layer.module(), &inputs, case.get("grads"), what)
    })
}

/// tests/fixtures/rnn.json "cells": h' (and c'), and the gradients.
#[test]
fn cells_match_pytorch() -> Result<()> {
    each_case("cells", 7, |case, what| {
        let (input, hidden, bias) =
            (int(case.get("input_size")), int(case.get("hidden_size")), case.get("bias").bool());
        let x = leaf_of(case.get("x"))?.unwrap();
        let (h, c) = (leaf_of(case.get("h"))?, leaf_of(case.get("c"))?);
        let (cell, h_out, c_out): (Box<dyn Module>, Tensor, Option<Tensor>) = match case.get("kind").str() {
            "lstm" => {
                let cell = LstmCell::new(input, hidden, bias)?;
                load_params(&cell, case, what)?;
                let (h_out, c_out) = cell.forward_with(&x, h.as_ref(), c.as_ref())?;
                (Box::new(cell), h_out, Some(c_out))
            }
            "gru" => {
                let cell = GruCell::new(input, hidden, bias)?;
                load_params(&cell, case, what)?;
                let h_out = cell.forward_with(&x, h.as_ref())?;
                (Box::new(cell), h_out, None)
            }
            kind => {
                let n = if kind == "rnn_relu" { Nonlinearity::Relu } else { Nonlinearity::Tanh };
                let cell = RnnCell::new(input, hidden, bias, n)?;
                load_params(&cell, case, what)?;
                let h_out = cell.forward_with(&x, h.as_ref())?;
                (Box::new(cell), h_out, None)
            }
        };
        let mut outputs = vec![(&h_out, "h_out", "w_h")];
        if let Some(c_out) = &c_out {
            outputs.push((c_out, "c_out", "w_c"));
        }
        assert_outputs_then_backward(case, &outputs, what)?;
        assert_grads(&*cell, &[("x", Some(&x)), ("h", h.as_ref()), ("c", c.as_ref())], case.get("grads"), what)
    })
}

/// tests/fixtures/rnn.json "embeddings": F.embedding's output, the weight
/// after max_norm's renormalization, and the weight's gradient; the module
/// gives the same output.
#[test]
fn embeddings_match_pytorch() -> Result<()> {
    each_case("embeddings", 5, |case, what| {
        let o = EmbeddingOptions {
            padding_idx: nullable(case.get("padding_idx"), int),
            max_norm: nullable(case.get("max_norm"), Json::f64),
            norm_type: case.get("norm_type").f64(),
        };
        let indices = case.get("indices").tensor();
        let weight = leaf_of(case.get("weight"))?.unwrap();
        let y = F::embedding(&indices, &weight, &o)?;
        assert_outputs_then_backward(case, &[(&y, "output", "w_output")], what)?;
        assert_tensor_close(&weight, case.get("weight_after"), 1e-6, 1e-6, &format!("{}: weight after", what));
        assert_tensor_close(&weight.grad()?.unwrap(), case.get("grad_weight"), 1e-5, 1e-6, &format!("{}: grad", what));
        let shape = weight.shape()?;
        let m = Embedding::new(shape[0], shape[1], o)?;
        m.weight()?.copy_from(&to_f32(&case.get("weight").get("data").f64s()))?;
        assert_tensor_close(&m.forward(&indices)?, case.get("output"), 1e-6, 1e-6, &format!("{}: module", what));
        Ok(())
    })
}

/// tests/fixtures/torch_lstm.safetensors: a PyTorch LSTM's state_dict loads
/// by its names and gives PyTorch's output and states.
#[test]
fn a_pytorch_lstm_checkpoint_loads_and_gives_pytorch_output() -> Result<()> {
    let c = fixture("rnn.json");
    let c = c.get("checkpoint");
    let o = RnnOptions {
        num_layers: int(c.get("num_layers")),
        batch_first: c.get("batch_first").bool(),
        bidirectional: c.get("bidirectional").bool(),
        ..Default::default()
    };
    let lstm = Lstm::new(int(c.get("input_size")), int(c.get("hidden_size")), o)?;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures");
    lstm.load(&dir.join(c.get("file").str()))?;
    let r = lstm.forward_states(&f32_of(c.get("x")))?;
    assert_tensor_close(&r.output, c.get("output"), 1e-5, 1e-6, "output");
    assert_tensor_close(&r.h_n, c.get("h_n"), 1e-5, 1e-6, "h_n");
    assert_tensor_close(&r.c_n.unwrap(), c.get("c_n"), 1e-5, 1e-6, "c_n");
    Ok(())
}

fn sigmoid(v: f64) -> f64 {
    1.0 / (1.0 + (-v).exp())
}

/// x W^T + b for a row-major W `[rows, x.len()]`.
fn affine(w: &[f64], x: &[f64], b: &[f64]) -> Vec<f64> {
    w.chunks(x.len()).zip(b).map(|(row, b)| b + row.iter().zip(x).map(|(w, x)| w * x).sum::<f64>()).collect()
}

/// Hand-picked values in about [-0.5, 0.5], different for each seed.
fn hand_values(n: usize, seed: usize) -> Vec<f64> {
    (0..n).map(|k| (((k + seed) * 7 % 11) as f64 - 5.0) / 10.0).collect()
}

/// Sets every parameter of a cell (weight_ih, weight_hh, bias_ih, bias_hh)
/// to hand values; gives them by name, as float64.
fn hand_set(m: &dyn Module) -> Result<Vec<Vec<f64>>> {
    let mut all = Vec::new();
    for (seed, (_, p)) in m.named_parameters()?.into_iter().enumerate() {
        let v = hand_values(p.numel()?, seed);
        p.copy_from(&to_f32(&v))?;
        all.push(v);
    }
    Ok(all)
}

/// Each cell with hand-set weights gives PyTorch's documented equations,
/// computed here in float64.
#[test]
fn cells_with_hand_set_weights_are_their_closed_forms() -> Result<()> {
    const H: usize = 2;
    let x = [0.8f64, -1.5, 0.3];
    let (h, c) = ([0.5f64, -0.25], [-0.4f64, 0.9]);
    let xt = Tensor::from_slice(&to_f32(&x), &[1, 3])?;
    let (ht, ct) = (Tensor::from_slice(&to_f32(&h), &[1, 2])?, Tensor::from_slice(&to_f32(&c), &[1, 2])?);

    let lstm = LstmCell::new(3, 2, true)?;
    let p = hand_set(&lstm)?;
    let (gi, gh) = (affine(&p[0], &x, &p[2]), affine(&p[1], &h, &p[3]));
    let gate = |k: usize, j: usize| gi[k * H + j] + gh[k * H + j];
    let c_want: Vec<f64> =
        (0..H).map(|j| sigmoid(gate(1, j)) * c[j] + sigmoid(gate(0, j)) * gate(2, j).tanh()).collect();
    let h_want: Vec<f64> = (0..H).map(|j| sigmoid(gate(3, j)) * c_want[j].tanh()).collect();
    let (h_out, c_out) = lstm.forward_with(&xt, Some(&ht), Some(&ct))?;
    assert_close(&values(&h_out), &h_want, 1e-6, 1e-7, "LSTMCell h'");
    assert_close(&values(&c_out), &c_want, 1e-6, 1e-7, "LSTMCell c'");

    let gru = GruCell::new(3, 2, true)?;
    let p = hand_set(&gru)?;
    let (gi, gh) = (affine(&p[0], &x, &p[2]), affine(&p[1], &h, &p[3]));
    let h_want: Vec<f64> = (0..H)
        .map(|j| {
            let r = sigmoid(gi[j] + gh[j]);
            let z = sigmoid(gi[H + j] + gh[H + j]);
            let n = (gi[2 * H + j] + r * gh[2 * H + j]).tanh();
            (1.0 - z) * n + z * h[j]
        })
        .collect();
    assert_close(&values(&gru.forward_with(&xt, Some(&ht))?), &h_want, 1e-6, 1e-7, "GRUCell h'");

    for n in [Nonlinearity::Tanh, Nonlinearity::Relu] {
        let rnn = RnnCell::new(3, 2, true, n)?;
        let p = hand_set(&rnn)?;
        let pre: Vec<f64> = affine(&p[0], &x, &p[2]).iter().zip(affine(&p[1], &h, &p[3])).map(|(a, b)| a + b).collect();
        let h_want: Vec<f64> =
            pre.iter().map(|&v| if n == Nonlinearity::Relu { v.max(0.0) } else { v.tanh() }).collect();
        assert!(pre.iter().any(|&v| v < 0.0), "{:?} does not exercise relu", pre);
        assert_close(&values(&rnn.forward_with(&xt, Some(&ht))?), &h_want, 1e-6, 1e-7, &format!("RNNCell {:?}", n));
        // The module's forward starts from h = 0.
        let from_zero: Vec<f64> = affine(&p[0], &x, &p[2]).iter().zip(&p[3]).map(|(a, b)| a + b).collect();
        let from_zero: Vec<f64> =
            from_zero.iter().map(|&v| if n == Nonlinearity::Relu { v.max(0.0) } else { v.tanh() }).collect();
        assert_close(&values(&rnn.forward(&xt)?), &from_zero, 1e-6, 1e-7, "RNNCell from zeros");
    }
    Ok(())
}

/// Copies a one-layer, one-direction layer's parameters ("weight_ih_l0", ...) to a cell ("weight_ih", ...).
fn copy_to_cell(layer: &dyn Module, cell: &dyn Module) -> Result<()> {
    for (name, p) in cell.named_parameters()? {
        p.copy_from(&layer.parameter(&format!("{}_l0", name))?.to_vec::<f32>()?)?;
    }
    Ok(())
}

/// A one-layer layer is its cell applied step by step: output[t] is h_t,
/// h_n (and c_n) the last step's; a one-step sequence is one cell step.
#[test]
fn layers_are_their_cells_unrolled() -> Result<()> {
    let x = Tensor::randn(&[4, 2, 3], DType::Float32)?;
    let (h0, c0) = (Tensor::randn(&[1, 2, 5], DType::Float32)?, Tensor::randn(&[1, 2, 5], DType::Float32)?);
    for kind in ["lstm", "gru", "rnn_tanh", "rnn_relu"] {
        let layer = Layer::new(kind, 3, 5, RnnOptions::default())?;
        let r = layer.run(&x, None, Some(&h0), Some(&c0).filter(|_| kind == "lstm"))?;
        // One step of the cell with the layer's weights: (x_t, h, c) -> (h', c'), c' = c but for the LSTM.
        type Step = Box<dyn Fn(&Tensor, &Tensor, &Tensor) -> Result<(Tensor, Tensor)>>;
        let step: Step = match kind {
            "lstm" => {
                let cell = LstmCell::new(3, 5, true)?;
                copy_to_cell(layer.module(), &cell)?;
                Box::new(move |x, h, c| cell.forward_with(x, Some(h), Some(c)))
            }
            "gru" => {
                let cell = GruCell::new(3, 5, true)?;
                copy_to_cell(layer.module(), &cell)?;
                Box::new(move |x, h, c| Ok((cell.forward_with(x, Some(h))?, c.shallow_clone()?)))
            }
            _ => {
                let n = if kind == "rnn_relu" { Nonlinearity::Relu } else { Nonlinearity::Tanh };
                let cell = RnnCell::new(3, 5, true, n)?;
                copy_to_cell(layer.module(), &cell)?;
                Box::new(move |x, h, c| Ok((cell.forward_with(x, Some(h))?, c.shallow_clone()?)))
            }
        };
        let (mut h, mut c) = (h0.select(0, 0)?, c0.select(0, 0)?);
        for t in 0..4 {
            (h, c) = step(&x.select(0, t)?, &h, &c)?;
            assert_close(&values(&r.output.select(0, t)?), &values(&h), 1e-5, 1e-6, &format!("{} step {}", kind, t));
        }
        assert_close(&values(&r.h_n), &values(&h), 1e-5, 1e-6, &format!("{} h_n", kind));
        match &r.c_n {
            Some(c_n) => assert_close(&values(c_n), &values(&c), 1e-5, 1e-6, "c_n"),
            None => assert_ne!(kind, "lstm"),
        }
        // Module::forward is the output from zero states.
        let zero_states = layer.run(&x, None, None, None)?;
        assert_eq!(values(&layer.module().forward(&x)?), values(&zero_states.output), "{}", kind);
        assert_ne!(values(&zero_states.output), values(&r.output), "{}: h0 is used", kind);
    }
    Ok(())
}

/// Each entry of a padded batch gives what its sequence alone gives: its
/// output steps, zeros past its end, and its final states, for every kind,
/// two layers, both directions, time- and batch-major.
#[test]
fn padded_entries_are_their_sequences_alone() -> Result<()> {
    let lengths = [3i64, 5, 1, 4];
    for (kind, batch_first) in [("lstm", false), ("gru", true), ("rnn_relu", false), ("lstm", true)] {
        let o = RnnOptions { num_layers: 2, bidirectional: true, batch_first, ..Default::default() };
        let layer = Layer::new(kind, 3, 4, o)?;
        let (time, batch) = if batch_first { (1, 0) } else { (0, 1) };
        let x = Tensor::randn(if batch_first { &[4, 5, 3] } else { &[5, 4, 3] }, DType::Float32)?;
        let h0 = Tensor::randn(&[4, 4, 4], DType::Float32)?;
        let c0 = if kind == "lstm" { Some(Tensor::randn(&[4, 4, 4], DType::Float32)?) } else { None };
        let all = layer.run(&x, Some(&lengths), Some(&h0), c0.as_ref())?;
        assert_eq!(all.output.shape()?, if batch_first { [4, 5, 8] } else { [5, 4, 8] });
        for (b, &n) in lengths.iter().enumerate() {
            let b = b as i64;
            let what = format!("{} batch_first {} entry {}", kind, batch_first, b);
            let c0_b = match &c0 {
                Some(c0) => Some(c0.narrow(1, b, 1)?),
                None => None,
            };
            let alone = layer.run(
                &x.narrow(batch, b, 1)?.narrow(time, 0, n)?,
                None,
                Some(&h0.narrow(1, b, 1)?),
                c0_b.as_ref(),
            )?;
            let entry = all.output.narrow(batch, b, 1)?;
            assert_close(&values(&entry.narrow(time, 0, n)?), &values(&alone.output), 1e-5, 1e-6, &what);
            assert!(values(&entry.narrow(time, n, 5 - n)?).iter().all(|&v| v == 0.0), "{}: past its end", what);
            assert_close(&values(&all.h_n.narrow(1, b, 1)?), &values(&alone.h_n), 1e-5, 1e-6, &what);
            if let (Some(c_n), Some(alone_c_n)) = (&all.c_n, &alone.c_n) {
                assert_close(&values(&c_n.narrow(1, b, 1)?), &values(alone_c_n), 1e-5, 1e-6, &what);
            }
        }
    }
    Ok(())
}

/// The shapes of output, h_n and (when there) c_n.
fn shapes(r: &RnnOutput) -> Result<Vec<Vec<i64>>> {
    let mut all = vec![r.output.shape()?, r.h_n.shape()?];
    if let Some(c_n) = &r.c_n {
        all.push(c_n.shape()?);
    }
    Ok(all)
}

/// The shapes PyTorch gives (from its documentation) for each layout, and
/// its parameter names and shapes.
#[test]
fn shapes_and_parameter_names_are_pytorchs() -> Result<()> {
    let o = RnnOptions { num_layers: 2, bidirectional: true, batch_first: true, proj_size: 2, ..Default::default() };
    let lstm = Lstm::new(3, 5, o)?;
    let x = Tensor::randn(&[4, 7, 3], DType::Float32)?;
    assert_eq!(shapes(&lstm.forward_states(&x)?)?, [[4, 7, 4], [4, 4, 2], [4, 4, 5]]);
    let named: Vec<(String, Vec<i64>)> =
        lstm.named_parameters()?.into_iter().map(|(n, p)| (n, p.shape().unwrap())).collect();
    let mut want = Vec::new();
    for (layer, input) in [(0, 3), (1, 4)] {
        for suffix in ["", "_reverse"] {
            want.push((format!("weight_ih_l{}{}", layer, suffix), vec![20, input]));
            want.push((format!("weight_hh_l{}{}", layer, suffix), vec![20, 2]));
            want.push((format!("bias_ih_l{}{}", layer, suffix), vec![20]));
            want.push((format!("bias_hh_l{}{}", layer, suffix), vec![20]));
            want.push((format!("weight_hr_l{}{}", layer, suffix), vec![2, 5]));
        }
    }
    assert_eq!(named, want);
    // PyTorch's initialization: uniform in +-1/sqrt(hidden_size).
    let bound = 1.0 / 5f64.sqrt();
    assert!(lstm.parameters()?.iter().flat_map(values).all(|v| v.abs() <= bound));
    assert_eq!(lstm.type_name()?, "LSTM");

    let unbatched = Tensor::randn(&[7, 3], DType::Float32)?;
    let lstm = Lstm::new(3, 5, RnnOptions::default())?;
    assert_eq!(shapes(&lstm.forward_states(&unbatched)?)?, [[7, 5], [1, 5], [1, 5]]);
    let time_major = Tensor::randn(&[7, 4, 3], DType::Float32)?;
    let gru = Gru::new(3, 5, RnnOptions { num_layers: 3, bias: false, ..Default::default() })?;
    assert_eq!(shapes(&gru.forward_states(&time_major)?)?, [[7, 4, 5], [3, 4, 5]]);
    assert_eq!(
        names_of(&gru)?,
        ["weight_ih_l0", "weight_hh_l0", "weight_ih_l1", "weight_hh_l1", "weight_ih_l2", "weight_hh_l2"]
    );
    assert_eq!(gru.parameter("weight_ih_l1")?.shape()?, [15, 5]);
    let rnn = Rnn::new(3, 5, RnnOptions { bidirectional: true, ..Default::default() })?;
    assert_eq!(shapes(&rnn.forward_states(&time_major)?)?, [[7, 4, 10], [2, 4, 5]]);
    assert_eq!(rnn.forward(&time_major)?.shape()?, [7, 4, 10]);
    assert_eq!(
        names_of(&rnn)?,
        [
            "weight_ih_l0",
            "weight_hh_l0",
            "bias_ih_l0",
            "bias_hh_l0",
            "weight_ih_l0_reverse",
            "weight_hh_l0_reverse",
            "bias_ih_l0_reverse",
            "bias_hh_l0_reverse"
        ]
    );

    let cell = LstmCell::new(3, 5, true)?;
    let (h, c) = cell.forward_with(&Tensor::randn(&[4, 3], DType::Float32)?, None, None)?;
    assert_eq!((h.shape()?, c.shape()?), (vec![4, 5], vec![4, 5]));
    let (h, c) = cell.forward_with(&Tensor::randn(&[3], DType::Float32)?, None, None)?;
    assert_eq!((h.shape()?, c.shape()?), (vec![5], vec![5]));
    assert_eq!(names_of(&cell)?, ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]);
    assert_eq!(cell.parameter("weight_hh")?.shape()?, [20, 5]);
    assert_eq!(names_of(&GruCell::new(3, 5, false)?)?, ["weight_ih", "weight_hh"]);
    assert_eq!(
        RnnCell::new(3, 5, true, Nonlinearity::Tanh)?.forward(&Tensor::randn(&[4, 3], DType::Float32)?)?.shape()?,
        [4, 5]
    );

    // A layer moves to another thread and runs there.
    let r =
        std::thread::spawn(move || lstm.forward_states(&unbatched).and_then(|r| r.output.shape())).join().unwrap()?;
    assert_eq!(r, [7, 5]);
    Ok(())
}

/// Dropout between layers acts in train mode only: in eval mode the layer
/// gives what the same weights without dropout give.
#[test]
fn dropout_acts_between_layers_in_train_mode() -> Result<()> {
    let _serial = serial();
    let o = RnnOptions { num_layers: 2, ..Default::default() };
    let plain = Lstm::new(3, 6, o)?;
    let dropped = Lstm::new(3, 6, RnnOptions { dropout: 0.5, ..o })?;
    for ((_, a), (_, b)) in plain.named_parameters()?.iter().zip(dropped.named_parameters()?) {
        b.copy_from(&a.to_vec::<f32>()?)?;
    }
    let x = Tensor::randn(&[5, 2, 3], DType::Float32)?;
    let want = values(&plain.forward(&x)?);
    assert_ne!(values(&dropped.forward(&x)?), want);
    dropped.eval()?;
    assert_eq!(values(&dropped.forward(&x)?), want);
    let one_layer = Lstm::new(3, 6, RnnOptions { dropout: 0.5, ..Default::default() })?;
    let y = one_layer.forward(&x)?; // nothing to drop after the last layer
    assert_eq!(values(&y), values(&one_layer.forward(&x)?));
    Ok(())
}

/// `steps` full-batch steps of opt on model's cross entropy cut it by 4;
/// after_backward looks at each step's gradients.
fn assert_training_cuts_the_loss(
    model: &dyn Module,
    opt: &mut Optimizer,
    x: &Tensor,
    y: &Tensor,
    steps: usize,
    after_backward: impl Fn() -> Result<()>,
) -> Result<()> {
    let mut losses = Vec::new();
    for _ in 0..steps {
        let loss = F::cross_entropy(&model.forward(x)?, y, Reduction::Mean)?;
        opt.zero_grad()?;
        loss.backward()?;
        after_backward()?;
        opt.step()?;
        losses.push(loss.item()?);
    }
    assert!(losses[steps - 1] < 0.25 * losses[0], "losses {:?}", losses);
    Ok(())
}

/// Seed 003's way of writing an LSTM classifier: a module of your own that
/// holds an LSTM and a Linear and classifies the last step.
struct Classifier {
    lstm: Lstm,
    fc: Linear,
}

impl CustomModule for Classifier {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let out = self.lstm.forward_states(x)?.output;
        self.fc.forward(&out.select(1, -1)?)
    }
    fn children(&self) -> Vec<(&str, &dyn Module)> {
        vec![("lstm", &self.lstm), ("fc", &self.fc)]
    }
}

/// Adam on a toy task: is the sum of a sequence positive?
#[test]
fn an_lstm_classifier_in_a_custom_module_trains() -> Result<()> {
    let _serial = serial();
    dl::manual_seed(3)?;
    let o = RnnOptions { batch_first: true, ..Default::default() };
    let net = Custom::new(Classifier { lstm: Lstm::new(1, 8, o)?, fc: Linear::new(8, 2)? })?;
    let names = names_of(&net)?;
    assert_eq!(names[0], "lstm.weight_ih_l0");
    assert_eq!(names[names.len() - 1], "fc.bias");
    let x = Tensor::randn(&[64, 6, 1], DType::Float32)?;
    let labels: Vec<i64> = values(&x).chunks(6).map(|s| (s.iter().sum::<f64>() > 0.0) as i64).collect();
    let y = Tensor::from_slice(&labels, &[64])?;
    let mut opt = Adam::new(&net, AdamOptions { lr: 0.02, ..Default::default() })?;
    assert_training_cuts_the_loss(&net, &mut opt, &x, &y, 60, || Ok(()))?;
    // The LSTM's error reaches the caller of the module's forward.
    let e = net.forward(&Tensor::zeros(&[2, 6, 3], DType::Float32)?).unwrap_err();
    assert_eq!(e.status(), Status::Shape);
    let cause = "dl_lstm_forward: LSTM: argument 'x' of shape [2, 6, 3] must have input_size 1 in its last dim";
    assert!(e.message().starts_with("dl_module_forward: ") && e.message().ends_with(cause), "{}", e);
    Ok(())
}

/// Embedding inside a Sequential trains; the padding row gets no gradient
/// and stays zeros; a lookup gives the weight's rows.
#[test]
fn embedding_in_a_sequential_trains_and_leaves_the_padding_row() -> Result<()> {
    let _serial = serial();
    dl::manual_seed(5)?;
    let emb = Embedding::new(6, 4, EmbeddingOptions { padding_idx: Some(0), ..Default::default() })?;
    let w = values(&emb.weight()?);
    assert_eq!(&w[..4], [0.0; 4]);
    let tokens: Vec<i64> = vec![3, 0, 5, 1, 2, 0];
    let rows = values(&emb.forward(&Tensor::from_slice(&tokens, &[2, 3])?)?);
    let want: Vec<f64> = tokens.iter().flat_map(|&t| w[t as usize * 4..t as usize * 4 + 4].to_vec()).collect();
    assert_eq!(rows, want);

    let model = Sequential::new()?;
    model.push(&emb)?;
    model.push(&Flatten::new(1, -1)?)?;
    model.push(&Linear::new(12, 2)?)?;
    assert_eq!(names_of(&model)?, ["0.weight", "2.weight", "2.bias"]);
    let x = Tensor::randint(0, 6, &[32, 3], DType::Int64)?;
    // The class: is the first token odd?
    let y: Vec<i64> = x.to_vec::<i64>()?.chunks(3).map(|t| t[0] % 2).collect();
    let y = Tensor::from_slice(&y, &[32])?;
    let mut opt = Sgd::new(&model, SgdOptions { lr: 0.5, ..Default::default() })?;
    assert_training_cuts_the_loss(&model, &mut opt, &x, &y, 40, || {
        let grad = values(&emb.weight()?.grad()?.unwrap());
        assert_eq!(&grad[..4], [0.0; 4]);
        assert!(grad[4..].iter().any(|&g| g != 0.0));
        Ok(())
    })?;
    assert_eq!(&values(&emb.weight()?)[..4], [0.0; 4]);
    Ok(())
}

/// The Err of a call: its status and message.
fn assert_err<T: std::fmt::Debug>(r: Result<T>, status: Status, message: &str) {
    let e = r.unwrap_err();
    assert_eq!((e.status(), e.message()), (status, message));
}

/// Wrong shapes, dtypes, lengths and options are Err with libdl's message.
#[test]
fn errors_carry_libdls_message() -> Result<()> {
    let lstm = Lstm::new(3, 4, RnnOptions::default())?;
    let x = Tensor::zeros(&[5, 2, 3], DType::Float32)?;
    assert_err(
        lstm.forward_states(&Tensor::zeros(&[5, 2, 7], DType::Float32)?),
        Status::Shape,
        "dl_lstm_forward: LSTM: argument 'x' of shape [5, 2, 7] must have input_size 3 in its last dim",
    );
    assert_err(
        lstm.forward_states(&x.to_dtype(DType::Float64)?),
        Status::DType,
        "dl_lstm_forward: LSTM: argument 'x' has dtype float64, the parameters float32",
    );
    assert_err(
        lstm.forward_with(&x, Some(&Tensor::zeros(&[1, 3, 4], DType::Float32)?), None),
        Status::Shape,
        "dl_lstm_forward: LSTM: argument 'h0' must have shape [1, 2, 4], got [1, 3, 4]",
    );
    assert_err(
        lstm.forward_padded(&x, &[5, 2, 1], None, None),
        Status::Shape,
        "dl_lstm_forward_padded: LSTM: 3 lengths for a batch of 2",
    );
    assert_err(
        lstm.forward_padded(&x, &[6, 2], None, None),
        Status::InvalidArgument,
        "dl_lstm_forward_padded: LSTM: length 6 of batch entry 0 is not in [1, 5]",
    );
    assert_err(
        Gru::new(3, 4, RnnOptions::default())?.forward_padded(&x, &[], None),
        Status::Shape,
        "dl_rnn_forward_padded: argument 'num_lengths' is 0: a padded batch has a length per entry",
    );
    assert_err(
        Gru::new(3, 4, RnnOptions { proj_size: 2, ..Default::default() }),
        Status::InvalidArgument,
        "dl_gru_new: GRU: proj_size is supported only by LSTM",
    );
    assert_err(
        Lstm::new(3, 4, RnnOptions { num_layers: 0, ..Default::default() }),
        Status::InvalidArgument,
        "dl_lstm_new: LSTM: num_layers must be positive, got 0",
    );
    assert_err(
        Rnn::new(3, 4, RnnOptions { dropout: 1.5, ..Default::default() }),
        Status::InvalidArgument,
        "dl_rnn_new: RNN: dropout must be a probability in [0, 1], got 1.5",
    );
    assert_err(
        LstmCell::new(3, 4, true)?.forward_with(&Tensor::zeros(&[2, 5], DType::Float32)?, None, None),
        Status::Shape,
        "dl_lstm_cell_forward: LSTMCell: argument 'x' of shape [2, 5] must have input_size 3 in its last dim",
    );
    assert_err(
        RnnCell::new(3, 0, true, Nonlinearity::Relu),
        Status::InvalidArgument,
        "dl_rnn_cell_new: RNNCell: hidden_size must be positive, got 0",
    );

    let weight = Tensor::randn(&[10, 3], DType::Float32)?;
    let o = EmbeddingOptions::default();
    assert_err(
        F::embedding(&Tensor::from_slice(&[1i64, 10], &[2])?, &weight, &o),
        Status::InvalidArgument,
        "dl_embedding: index 10 is out of range for 10 embeddings",
    );
    assert_err(
        F::embedding(&Tensor::zeros(&[2], DType::Float32)?, &weight, &o),
        Status::DType,
        "dl_embedding: argument 'indices' must be an int64 or int32 tensor, got float32",
    );
    assert_err(
        Embedding::new(10, 3, EmbeddingOptions { max_norm: Some(-1.0), ..o }),
        Status::InvalidArgument,
        "dl_embedding_new: argument 'o': max_norm must be positive (or 0 for none), got -1",
    );
    // libdl's 0 means no max_norm; PyTorch's max_norm=0 would zero the rows.
    assert_err(
        Embedding::new(10, 3, EmbeddingOptions { max_norm: Some(0.0), ..o }),
        Status::InvalidArgument,
        "EmbeddingOptions: max_norm must be positive, got Some(0.0)",
    );
    assert_err(
        Embedding::new(10, 3, EmbeddingOptions { padding_idx: Some(10), ..o }),
        Status::InvalidArgument,
        "dl_embedding_new: Embedding: padding_idx 10 is not within 10 embeddings",
    );
    Ok(())
}
