//! Finds libdl.so and links it. The directory comes from $DL_LIB_DIR (a
//! build tree's capi/ directory, or an installed lib/), else from
//! `pkg-config --variable=libdir dl` ($PKG_CONFIG_PATH=<prefix>/lib/pkgconfig
//! for an install under a prefix of its own). Its -L path comes first, so
//! -ldl finds libdl.so there rather than glibc's old libdl (README.md).
//! Crates that depend on dl-sys read the directory in $DEP_DL_LIBDIR and set
//! their binaries' run-time path to it; this crate does so for its own tests.
use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

fn from_pkg_config() -> Result<PathBuf, String> {
    let output = Command::new("pkg-config")
        .args(["--variable=libdir", "dl"])
        .output()
        .map_err(|e| format!("cannot run pkg-config: {}", e))?;
    if !output.status.success() {
        return Err(format!("pkg-config does not know dl: {}", String::from_utf8_lossy(&output.stderr).trim()));
    }
    let dir = String::from_utf8_lossy(&output.stdout).trim().to_string();
    if dir.is_empty() {
        return Err("pkg-config gave dl no libdir".to_string());
    }
    Ok(PathBuf::from(dir))
}

fn main() {
    println!("cargo:rerun-if-env-changed=DL_LIB_DIR");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    let dir = match env::var_os("DL_LIB_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => from_pkg_config().unwrap_or_else(|e| {
            panic!(
                "dl-sys: libdl not found ({}). Set DL_LIB_DIR to the directory of libdl.so, \
                 or PKG_CONFIG_PATH to <prefix>/lib/pkgconfig of an installed libdl",
                e
            )
        }),
    };
    if !Path::new(&dir).join("libdl.so").exists() {
        panic!("dl-sys: {} has no libdl.so (DL_LIB_DIR or pkg-config's libdir)", dir.display());
    }
    println!("cargo:rerun-if-changed={}", dir.join("libdl.so").display());
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-lib=dylib=dl");
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
    println!("cargo:libdir={}", dir.display());
}
