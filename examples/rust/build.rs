//! The programs find libdl.so at run time where dl-sys found it at build
//! time ($DEP_DL_LIBDIR, given to crates that depend on dl-sys).
fn main() {
    if let Some(dir) = std::env::var_os("DEP_DL_LIBDIR") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.to_string_lossy());
    }
}
