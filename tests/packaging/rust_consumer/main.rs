//! Prints libdl's version and a matrix product, with the installed libdl.
use dl::Tensor;

fn main() -> dl::Result<()> {
    let a = Tensor::from_slice(&[1.0f32, 2.0, 3.0, 4.0], &[2, 2])?;
    let b = Tensor::from_slice(&[5.0f32, 6.0, 7.0, 8.0], &[2, 2])?;
    println!("libdl {}: {:?}", dl::version(), a.matmul(&b)?.to_vec::<f32>()?);
    Ok(())
}
