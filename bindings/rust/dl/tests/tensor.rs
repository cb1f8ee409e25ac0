//! Tensors in and out of Rust slices, creation, operators and operations
//! (closed forms), errors with libdl's messages, Send, and scopes.
mod common;

use common::{assert_close, serial, values};
use dl::{DType, Device, Scope, Status, Tensor};

#[test]
fn slices_in_and_out_for_every_element_type() {
    let f = Tensor::from_slice(&[1.5f32, -2.0, 3.25, 4.0, 5.0, 6.0], &[2, 3]).unwrap();
    assert_eq!(f.shape().unwrap(), [2, 3]);
    assert_eq!(f.ndim().unwrap(), 2);
    assert_eq!(f.numel().unwrap(), 6);
    assert_eq!(f.size(-1).unwrap(), 3);
    assert_eq!(f.strides().unwrap(), [3, 1]);
    assert_eq!(f.dtype().unwrap(), DType::Float32);
    assert_eq!(f.device().unwrap(), Device::Cpu);
    assert_eq!(f.to_vec::<f32>().unwrap(), [1.5, -2.0, 3.25, 4.0, 5.0, 6.0]);
    let d = Tensor::from_slice(&[0.1f64, 1e300], &[2]).unwrap();
    assert_eq!(d.to_vec::<f64>().unwrap(), [0.1, 1e300]);
    let l = Tensor::from_slice(&[i64::MIN, 7, i64::MAX], &[3]).unwrap();
    assert_eq!(l.to_vec::<i64>().unwrap(), [i64::MIN, 7, i64::MAX]);
    let i = Tensor::from_slice(&[-3i32, 9], &[1, 2]).unwrap();
    assert_eq!(i.to_vec::<i32>().unwrap(), [-3, 9]);
    let u = Tensor::from_slice(&[0u8, 255, 17], &[3]).unwrap();
    assert_eq!(u.to_vec::<u8>().unwrap(), [0, 255, 17]);
    let b = Tensor::from_slice(&[true, false, true], &[3]).unwrap();
    assert_eq!(b.to_vec::<bool>().unwrap(), [true, false, true]);
    let s = Tensor::scalar(2.5f64).unwrap();
    assert_eq!(s.ndim().unwrap(), 0);
    assert_eq!(s.item().unwrap(), 2.5);

    let mut out = [0f32; 6];
    f.copy_to(&mut out).unwrap();
    assert_eq!(out, [1.5, -2.0, 3.25, 4.0, 5.0, 6.0]);
    f.copy_from(&[6f32, 5.0, 4.0, 3.0, 2.0, 1.0]).unwrap();
    assert_eq!(f.to_vec::<f32>().unwrap(), [6.0, 5.0, 4.0, 3.0, 2.0, 1.0]);
}

#[test]
fn slice_errors_change_nothing() {
    let e = Tensor::from_slice(&[1f32, 2.0, 3.0], &[2, 2]).unwrap_err();
    assert_eq!(e.status(), Status::Shape);
    assert!(e.message().contains("shape [2, 2] has 4 elements, the slice 3"), "{}", e);
    assert_eq!(Tensor::from_slice(&[1f32], &[-1]).unwrap_err().status(), Status::Shape);

    let t = Tensor::from_slice(&[1f32, 2.0], &[2]).unwrap();
    assert_eq!(t.to_vec::<f64>().unwrap_err().status(), Status::DType);
    let mut short = [0f32; 1];
    let e = t.copy_to(&mut short).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().starts_with("dl_tensor_copy_to: "), "{}", e);
    let e = t.copy_from(&[1f32, 2.0, 3.0]).unwrap_err();
    assert!(e.message().starts_with("dl_tensor_copy_from: "), "{}", e);
    assert_eq!(t.to_vec::<f32>().unwrap(), [1.0, 2.0]);
    assert_eq!(t.item().unwrap_err().status(), Status::Shape);
}

#[test]
fn creation_closed_forms() {
    assert_eq!(Tensor::zeros(&[2, 2], DType::Float64).unwrap().to_vec::<f64>().unwrap(), [0.0; 4]);
    assert_eq!(Tensor::ones(&[3], DType::Int64).unwrap().to_vec::<i64>().unwrap(), [1, 1, 1]);
    assert_eq!(Tensor::full(&[2], -0.5, DType::Float32).unwrap().to_vec::<f32>().unwrap(), [-0.5, -0.5]);
    assert_eq!(
        Tensor::arange(1.0, 2.0, 0.25, DType::Float64).unwrap().to_vec::<f64>().unwrap(),
        [1.0, 1.25, 1.5, 1.75]
    );
    assert_eq!(Tensor::eye(2, Some(3), DType::Int32).unwrap().to_vec::<i32>().unwrap(), [1, 0, 0, 0, 1, 0]);
    assert_eq!(Tensor::eye(2, None, DType::Float32).unwrap().shape().unwrap(), [2, 2]);
    let e = Tensor::arange(0.0, 1.0, -1.0, DType::Float32).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().starts_with("dl_tensor_arange: "), "{}", e);
    let r = Tensor::randint(3, 5, &[100], DType::Int64).unwrap().to_vec::<i64>().unwrap();
    assert!(r.iter().all(|&v| v == 3 || v == 4) && r.contains(&3) && r.contains(&4));
    let c = Tensor::from_slice(&[-1.7f32, 2.9], &[2]).unwrap().to_dtype(DType::Int32).unwrap();
    assert_eq!(c.to_vec::<i32>().unwrap(), [-1, 2]); // truncation toward zero
    assert_eq!(
        Tensor::zeros(&[1], DType::Float32).unwrap().to_device(Device::Cuda(0)).unwrap_err().status(),
        Status::Unsupported
    );
}

#[test]
fn seeded_random_numbers_repeat_and_have_their_moments() {
    let _serial = serial();
    dl::manual_seed(7).unwrap();
    let a = values(&Tensor::randn(&[20000], DType::Float64).unwrap());
    dl::manual_seed(7).unwrap();
    let b = values(&Tensor::randn(&[20000], DType::Float64).unwrap());
    dl::manual_seed(8).unwrap();
    let c = values(&Tensor::randn(&[20000], DType::Float64).unwrap());
    assert_eq!(a, b);
    assert_ne!(a, c);
    let mean = a.iter().sum::<f64>() / a.len() as f64;
    let var = a.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / a.len() as f64;
    assert!(mean.abs() < 0.03 && (var - 1.0).abs() < 0.05, "normal(0, 1): mean {} var {}", mean, var);
    let u = values(&Tensor::rand(&[20000], DType::Float32).unwrap());
    assert!(u.iter().all(|&x| (0.0..1.0).contains(&x)));
    let umean = u.iter().sum::<f64>() / u.len() as f64;
    assert!((umean - 0.5).abs() < 0.01, "uniform mean {}", umean);
}

#[test]
fn operators_broadcast_and_chain() {
    let x = Tensor::from_slice(&[1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).unwrap();
    let r = Tensor::from_slice(&[10.0f64, 20.0, 30.0], &[3]).unwrap();
    assert_eq!((&x + &r).unwrap().to_vec::<f64>().unwrap(), [11.0, 22.0, 33.0, 14.0, 25.0, 36.0]);
    assert_eq!((&r - &x).unwrap().to_vec::<f64>().unwrap(), [9.0, 18.0, 27.0, 6.0, 15.0, 24.0]);
    assert_eq!((&x * &x - &x).unwrap().to_vec::<f64>().unwrap(), [0.0, 2.0, 6.0, 12.0, 20.0, 30.0]);
    assert_eq!((&x / 2.0).unwrap().to_vec::<f64>().unwrap(), [0.5, 1.0, 1.5, 2.0, 2.5, 3.0]);
    assert_eq!((1.0 - &x).unwrap().to_vec::<f64>().unwrap(), [0.0, -1.0, -2.0, -3.0, -4.0, -5.0]);
    assert_eq!((12.0 / &x).unwrap().to_vec::<f64>().unwrap(), [12.0, 6.0, 4.0, 3.0, 2.4, 2.0]);
    assert_eq!(((2.0 * &r).unwrap() + 1.0).unwrap().to_vec::<f64>().unwrap(), [21.0, 41.0, 61.0]);
    assert_eq!((-&r).unwrap().to_vec::<f64>().unwrap(), [-10.0, -20.0, -30.0]);
    // Owned operands and a Result on either side.
    let owned = (x.shallow_clone().unwrap() + r.shallow_clone().unwrap()).unwrap();
    let chained = (&x + (&r * &r)).unwrap();
    assert_eq!(owned.to_vec::<f64>().unwrap()[0], 11.0);
    assert_eq!(chained.to_vec::<f64>().unwrap()[2], 903.0);
    // float32 * a scalar stays float32.
    let f = Tensor::ones(&[2], DType::Float32).unwrap();
    assert_eq!((&f * 2.5).unwrap().dtype().unwrap(), DType::Float32);
    // A failure anywhere in a chain is the chain's error.
    let bad = Tensor::ones(&[4], DType::Float64).unwrap();
    let e = (&x + &bad + &r).unwrap_err();
    assert_eq!(e.status(), Status::Shape);
    assert!(e.message().starts_with("dl_add: "), "{}", e);
}

#[test]
fn shape_mismatch_is_an_err_with_the_c_message() {
    let a = Tensor::zeros(&[64, 784], DType::Float32).unwrap();
    let b = Tensor::zeros(&[128, 10], DType::Float32).unwrap();
    let e = a.matmul(&b).unwrap_err();
    assert_eq!(e.status(), Status::Shape);
    assert_eq!(e.message(), "dl_matmul: shapes [64, 784] and [128, 10] cannot be multiplied");
    assert_eq!(e.to_string(), "dl_matmul: shapes [64, 784] and [128, 10] cannot be multiplied (DL_ERR_SHAPE)");
    assert_eq!(Status::Shape.name(), "DL_ERR_SHAPE");
}

#[test]
fn reductions_and_indexing_closed_forms() {
    let x = Tensor::from_slice(&[1.0f64, 5.0, 3.0, 4.0, 2.0, 6.0], &[2, 3]).unwrap();
    assert_eq!(x.sum_all().unwrap().item().unwrap(), 21.0);
    assert_eq!(x.sum(&[0], false).unwrap().to_vec::<f64>().unwrap(), [5.0, 7.0, 9.0]);
    assert_eq!(x.mean(&[1], true).unwrap().shape().unwrap(), [2, 1]);
    assert_eq!(x.mean(&[1], false).unwrap().to_vec::<f64>().unwrap(), [3.0, 4.0]);
    assert_eq!(x.amax(&[1], false).unwrap().to_vec::<f64>().unwrap(), [5.0, 6.0]);
    assert_eq!(x.amin(&[], false).unwrap().item().unwrap(), 1.0);
    // var of [1, 5, 3] = 4 (unbiased), of [4, 2, 6] = 4; biased: 8/3.
    assert_eq!(x.var(&[1], 1, false).unwrap().to_vec::<f64>().unwrap(), [4.0, 4.0]);
    assert_close(&values(&x.std(&[1], 0, false).unwrap()), &[(8.0f64 / 3.0).sqrt(); 2], 1e-15, 0.0, "std");
    let (v, i) = x.max_dim(1, false).unwrap();
    assert_eq!((v.to_vec::<f64>().unwrap(), i.to_vec::<i64>().unwrap()), (vec![5.0, 6.0], vec![1, 2]));
    let (v, i) = x.min_dim(0, false).unwrap();
    assert_eq!((v.to_vec::<f64>().unwrap(), i.to_vec::<i64>().unwrap()), (vec![1.0, 2.0, 3.0], vec![0, 1, 0]));
    assert_eq!(x.argmax(1, false).unwrap().to_vec::<i64>().unwrap(), [1, 2]);
    assert_eq!(x.argmin(1, false).unwrap().to_vec::<i64>().unwrap(), [0, 1]);
    let idx = Tensor::from_slice(&[2i64, 0], &[2]).unwrap();
    assert_eq!(x.index_select(1, &idx).unwrap().to_vec::<f64>().unwrap(), [3.0, 1.0, 6.0, 4.0]);
    let g = Tensor::from_slice(&[0i64, 0, 1, 0], &[2, 2]).unwrap();
    assert_eq!(x.gather(1, &g).unwrap().to_vec::<f64>().unwrap(), [1.0, 1.0, 2.0, 4.0]);
    assert_eq!(x.narrow(1, 1, 2).unwrap().to_vec::<f64>().unwrap(), [5.0, 3.0, 2.0, 6.0]);
    assert_eq!(x.select(0, 1).unwrap().to_vec::<f64>().unwrap(), [4.0, 2.0, 6.0]);
    let t = x.transpose(0, 1).unwrap();
    assert_eq!(t.strides().unwrap(), [1, 3]);
    assert!(!t.is_contiguous().unwrap());
    assert_eq!(t.to_vec::<f64>().unwrap(), [1.0, 4.0, 5.0, 2.0, 3.0, 6.0]);
    assert!(t.contiguous().unwrap().is_contiguous().unwrap());
    assert_eq!(x.permute(&[1, 0]).unwrap().shape().unwrap(), [3, 2]);
    assert_eq!(x.reshape(&[-1]).unwrap().shape().unwrap(), [6]);
    assert_eq!(t.view(&[6]).unwrap_err().status(), Status::Shape);
    assert_eq!(x.unsqueeze(0).unwrap().shape().unwrap(), [1, 2, 3]);
    assert_eq!(x.unsqueeze(0).unwrap().squeeze(0).unwrap().shape().unwrap(), [2, 3]);
    assert_eq!(x.reshape(&[1, 2, 1, 3]).unwrap().squeeze_all().unwrap().shape().unwrap(), [2, 3]);
    assert_eq!(Tensor::ones(&[3, 1], DType::Float32).unwrap().expand(&[3, 4]).unwrap().shape().unwrap(), [3, 4]);
    assert_eq!(x.flatten(0, -1).unwrap().shape().unwrap(), [6]);
    let cat = Tensor::cat(&[&x, &x], 0).unwrap();
    assert_eq!(cat.shape().unwrap(), [4, 3]);
    assert_eq!(Tensor::stack(&[&x, &x, &x], 1).unwrap().shape().unwrap(), [2, 3, 3]);
    assert_eq!(x.clamp(Some(2.0), Some(5.0)).unwrap().to_vec::<f64>().unwrap(), [2.0, 5.0, 3.0, 4.0, 2.0, 5.0]);
    assert_eq!(x.clamp(None, Some(2.0)).unwrap().to_vec::<f64>().unwrap(), [1.0, 2.0, 2.0, 2.0, 2.0, 2.0]);
    let mask = x.gt(&Tensor::scalar(3.0f64).unwrap()).unwrap();
    assert_eq!(mask.to_vec::<bool>().unwrap(), [false, true, false, true, false, true]);
    assert_eq!(x.masked_fill(&mask, 0.0).unwrap().to_vec::<f64>().unwrap(), [1.0, 0.0, 3.0, 0.0, 2.0, 0.0]);
    let w = Tensor::where_cond(&mask, &x, &Tensor::scalar(-1.0f64).unwrap()).unwrap();
    assert_eq!(w.to_vec::<f64>().unwrap(), [-1.0, 5.0, -1.0, 4.0, -1.0, 6.0]);
    let copy = x.copy().unwrap();
    copy.copy_from(&[0.0f64; 6]).unwrap();
    assert_eq!(x.sum_all().unwrap().item().unwrap(), 21.0); // copy() owns its data
    let shared = x.shallow_clone().unwrap();
    shared.copy_from(&[1.0f64; 6]).unwrap();
    assert_eq!(x.sum_all().unwrap().item().unwrap(), 6.0); // shallow_clone() shares it
}

#[test]
fn elementwise_functions_match_std() {
    let xs = [-2.0f64, -0.5, 0.0, 0.75, 3.0];
    let x = Tensor::from_slice(&xs, &[5]).unwrap();
    let check = |got: Tensor, f: &dyn Fn(f64) -> f64, what: &str| {
        let want: Vec<f64> = xs.iter().map(|&v| f(v)).collect();
        assert_close(&values(&got), &want, 1e-14, 1e-15, what);
    };
    check(x.exp().unwrap(), &f64::exp, "exp");
    check(x.abs().unwrap(), &f64::abs, "abs");
    check(x.tanh().unwrap(), &f64::tanh, "tanh");
    check(x.sigmoid().unwrap(), &|v| 1.0 / (1.0 + (-v).exp()), "sigmoid");
    check(x.relu().unwrap(), &|v| v.max(0.0), "relu");
    check(x.leaky_relu(0.1).unwrap(), &|v| if v > 0.0 { v } else { 0.1 * v }, "leaky_relu");
    check(x.elu(1.0).unwrap(), &|v| if v > 0.0 { v } else { v.exp() - 1.0 }, "elu");
    check(x.abs().unwrap().sqrt().unwrap(), &|v| v.abs().sqrt(), "sqrt");
    check(x.pow_scalar(2.0).unwrap(), &|v| v * v, "pow");
    check(x.maximum(&Tensor::scalar(0.5f64).unwrap()).unwrap(), &|v| v.max(0.5), "maximum");
    let sum: f64 = xs.iter().map(|v| v.exp()).sum();
    check(x.softmax(0).unwrap(), &|v| v.exp() / sum, "softmax");
    check(x.log_softmax(0).unwrap(), &|v| v - sum.ln(), "log_softmax");
}

#[test]
fn tensors_move_between_threads() {
    let t = Tensor::from_slice(&[1.0f32, 2.0, 3.0], &[3]).unwrap();
    let doubled = std::thread::spawn(move || (&t * 2.0).unwrap()).join().unwrap();
    assert_eq!(doubled.to_vec::<f32>().unwrap(), [2.0, 4.0, 6.0]);
}

#[test]
fn scopes_release_what_they_did_not_keep() {
    let outside = Tensor::ones(&[4], DType::Float32).unwrap();
    let (kept, released);
    {
        let scope = Scope::new().unwrap();
        let a = (&outside * 2.0).unwrap();
        let b = (&outside * 3.0).unwrap();
        kept = scope.keep(b).unwrap();
        released = a;
    }
    assert_eq!(kept.to_vec::<f32>().unwrap(), [3.0; 4]);
    assert_eq!(outside.to_vec::<f32>().unwrap(), [1.0; 4]);
    let e = released.numel().unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().contains("released by scope"), "{}", e);
    drop(released); // freeing a released handle is correct
                    // A kept tensor left every scope: it may move to another thread.
    std::thread::spawn(move || assert_eq!(kept.numel().unwrap(), 4)).join().unwrap();
}

#[test]
fn nested_scopes_keep_into_the_enclosing_one() {
    let one = Tensor::ones(&[2], DType::Float64).unwrap();
    let outer = Scope::new().unwrap();
    let kept_to_outer = {
        let inner = Scope::new().unwrap();
        inner.keep((&one + 1.0).unwrap()).unwrap()
    };
    assert_eq!(kept_to_outer.to_vec::<f64>().unwrap(), [2.0, 2.0]);
    drop(outer);
    assert!(kept_to_outer.numel().unwrap_err().message().contains("released by scope"));
}

#[test]
fn a_scoped_tensor_is_refused_on_another_thread() {
    let scope = Scope::new().unwrap();
    let t = Tensor::ones(&[2], DType::Float32).unwrap();
    let e = std::thread::spawn(move || {
        let e = t.numel().unwrap_err();
        drop(t); // handed back to the scope's thread, which frees it at the scope's end
        e
    })
    .join()
    .unwrap();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().contains("inside a dl::Scope of another thread"), "{}", e);
    drop(scope);
}

#[test]
fn library_information() {
    assert_eq!(dl::version(), "0.1.0");
    assert_eq!(dl::abi_version(), 0);
    assert!(!dl::blas_info().is_empty());
    dl::empty_cache().unwrap();
    let e = dl::set_num_threads(0).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().starts_with("dl_set_num_threads: "), "{}", e);
    assert!(dl::num_threads().unwrap() >= 1);
}

/// Every handle type may move to another thread (the C ABI allows distinct
/// handles on distinct threads); none is Sync (one handle, one thread at a time).
#[test]
fn handle_types_are_send() {
    fn send<T: Send>() {}
    send::<Tensor>();
    send::<dl::nn::AnyModule>();
    send::<dl::nn::Linear>();
    send::<dl::nn::Sequential>();
    send::<dl::nn::Lstm>();
    send::<dl::nn::Gru>();
    send::<dl::nn::Rnn>();
    send::<dl::nn::LstmCell>();
    send::<dl::nn::GruCell>();
    send::<dl::nn::RnnCell>();
    send::<dl::nn::Embedding>();
    send::<dl::nn::RnnOutput>();
    send::<dl::optim::Optimizer>();
    send::<dl::optim::Sgd>();
    send::<dl::optim::Scheduler>();
    send::<dl::optim::LambdaLR>();
    send::<dl::optim::ReduceLROnPlateau>();
    send::<dl::data::Dataset>();
    send::<dl::data::DataLoader>();
}
