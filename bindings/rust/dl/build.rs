//! The run-time path of this crate's own tests, examples and doc tests: the
//! directory dl-sys found libdl.so in ($DEP_DL_LIBDIR). A program that uses
//! this crate does the same in its build.rs (see examples/rust/build.rs), or
//! finds libdl.so through the loader's path.
fn main() {
    if let Some(dir) = std::env::var_os("DEP_DL_LIBDIR") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.to_string_lossy());
    }
}
