//! Operators on tensors: `+ - * /` between tensors (broadcasting) and with
//! an `f64` on either side, and unary `-`. An operation can fail (shapes
//! that do not broadcast), so each gives a `Result<Tensor>`. A `Result`
//! takes the next operator with a tensor, so a chain of tensor operations
//! needs one `?`; before an `f64` it needs its own `?` (Rust does not let a
//! crate define `Result + f64`):
//!
//! ```
//! # fn main() -> dl::Result<()> {
//! use dl::Tensor;
//! let x = Tensor::from_slice(&[1.0f32, 2.0], &[2])?;
//! let w = Tensor::from_slice(&[3.0f32, 4.0], &[2])?;
//! let y = ((&x * &w + &x)? - 1.0)?; // x * w + x - 1
//! assert_eq!(y.to_vec::<f32>()?, [3.0, 9.0]);
//! assert_eq!((2.0 / &x)?.to_vec::<f32>()?, [2.0, 1.0]);
//! let bad = Tensor::from_slice(&[1.0f32, 2.0, 3.0], &[3])?;
//! assert_eq!((&x + &bad).unwrap_err().status(), dl::Status::Shape);
//! # Ok(()) }
//! ```
use std::ops::{Add, Div, Mul, Neg, Sub};

use crate::error::Result;
use crate::tensor::Tensor;

/// One operator between tensors (owned or borrowed) and from a `Result`
/// on the left, as `Tensor::$method`, and with an `f64` on the right as
/// `Tensor::$scalar`.
macro_rules! tensor_operator {
    ($Op:ident, $op:ident, $method:ident, $scalar:ident) => {
        impl $Op<&Tensor> for &Tensor {
            type Output = Result<Tensor>;
            fn $op(self, rhs: &Tensor) -> Result<Tensor> {
                Tensor::$method(&self, rhs)
            }
        }
        impl $Op<Tensor> for &Tensor {
            type Output = Result<Tensor>;
            fn $op(self, rhs: Tensor) -> Result<Tensor> {
                Tensor::$method(&self, &rhs)
            }
        }
        impl $Op<&Tensor> for Tensor {
            type Output = Result<Tensor>;
            fn $op(self, rhs: &Tensor) -> Result<Tensor> {
                Tensor::$method(&self, rhs)
            }
        }
        impl $Op<Tensor> for Tensor {
            type Output = Result<Tensor>;
            fn $op(self, rhs: Tensor) -> Result<Tensor> {
                Tensor::$method(&self, &rhs)
            }
        }
        impl $Op<&Tensor> for Result<Tensor> {
            type Output = Result<Tensor>;
            fn $op(self, rhs: &Tensor) -> Result<Tensor> {
                Tensor::$method(&self?, rhs)
            }
        }
        impl $Op<Tensor> for Result<Tensor> {
            type Output = Result<Tensor>;
            fn $op(self, rhs: Tensor) -> Result<Tensor> {
                Tensor::$method(&self?, &rhs)
            }
        }
        impl $Op<Result<Tensor>> for &Tensor {
            type Output = Result<Tensor>;
            fn $op(self, rhs: Result<Tensor>) -> Result<Tensor> {
                Tensor::$method(&self, &rhs?)
            }
        }
        impl $Op<Result<Tensor>> for Tensor {
            type Output = Result<Tensor>;
            fn $op(self, rhs: Result<Tensor>) -> Result<Tensor> {
                Tensor::$method(&self, &rhs?)
            }
        }
        impl $Op<f64> for &Tensor {
            type Output = Result<Tensor>;
            fn $op(self, rhs: f64) -> Result<Tensor> {
                Tensor::$scalar(&self, rhs)
            }
        }
        impl $Op<f64> for Tensor {
            type Output = Result<Tensor>;
            fn $op(self, rhs: f64) -> Result<Tensor> {
                Tensor::$scalar(&self, rhs)
            }
        }
    };
}

tensor_operator!(Add, add, add, add_scalar);
tensor_operator!(Sub, sub, sub, sub_scalar);
tensor_operator!(Mul, mul, mul, mul_scalar);
tensor_operator!(Div, div, div, div_scalar);

/// `s op x` for a scalar on the left, as `$body(x, s)`.
macro_rules! scalar_on_left {
    ($Op:ident, $op:ident, $body:expr) => {
        impl $Op<&Tensor> for f64 {
            type Output = Result<Tensor>;
            fn $op(self, rhs: &Tensor) -> Result<Tensor> {
                let f: fn(&Tensor, f64) -> Result<Tensor> = $body;
                f(rhs, self)
            }
        }
        impl $Op<Tensor> for f64 {
            type Output = Result<Tensor>;
            fn $op(self, rhs: Tensor) -> Result<Tensor> {
                self.$op(&rhs)
            }
        }
    };
}

scalar_on_left!(Add, add, |x, s| x.add_scalar(s));
scalar_on_left!(Mul, mul, |x, s| x.mul_scalar(s));
// s - x = (-x) + s exactly (negation is exact).
scalar_on_left!(Sub, sub, |x, s| x.neg()?.add_scalar(s));
// s / x: a tensor of s in x's dtype divided by x (the same rounding as one division).
scalar_on_left!(Div, div, |x, s| crate::Tensor::full(&[], s, x.dtype()?)?.div(x));

impl Neg for &Tensor {
    type Output = Result<Tensor>;
    fn neg(self) -> Result<Tensor> {
        Tensor::neg(self)
    }
}

impl Neg for Tensor {
    type Output = Result<Tensor>;
    fn neg(self) -> Result<Tensor> {
        Tensor::neg(&self)
    }
}
