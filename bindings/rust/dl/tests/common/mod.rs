//! Helpers of the integration tests: PyTorch's fixtures (tests/fixtures/*.json,
//! written by the scripts beside them) read with a small JSON reader (the
//! crate depends on std only), tensors from them, and comparisons.
#![allow(dead_code)] // each test binary uses part of this

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use dl::{DType, Tensor};

/// A JSON value.
#[derive(Debug, Clone)]
pub enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) {
        self.ws();
        assert_eq!(self.s[self.i] as char, c as char, "JSON: expected {:?} at byte {}", c as char, self.i);
        self.i += 1;
    }

    fn string(&mut self) -> String {
        self.eat(b'"');
        let mut out = String::new();
        loop {
            let c = self.s[self.i];
            self.i += 1;
            match c {
                b'"' => return out,
                b'\\' => {
                    let e = self.s[self.i];
                    self.i += 1;
                    match e {
                        b'n' => out.push('\n'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hex = std::str::from_utf8(&self.s[self.i..self.i + 4]).unwrap();
                            out.push(char::from_u32(u32::from_str_radix(hex, 16).unwrap()).unwrap_or('?'));
                            self.i += 4;
                        }
                        other => out.push(other as char),
                    }
                }
                _ => {
                    // Copy a UTF-8 sequence whole.
                    let start = self.i - 1;
                    while self.i < self.s.len() && (self.s[self.i] & 0xC0) == 0x80 {
                        self.i += 1;
                    }
                    out.push_str(std::str::from_utf8(&self.s[start..self.i]).unwrap());
                }
            }
        }
    }

    fn value(&mut self) -> Json {
        self.ws();
        match self.s[self.i] {
            b'{' => {
                self.i += 1;
                let mut fields = Vec::new();
                self.ws();
                if self.s[self.i] == b'}' {
                    self.i += 1;
                    return Json::Obj(fields);
                }
                loop {
                    let k = self.string();
                    self.eat(b':');
                    fields.push((k, self.value()));
                    self.ws();
                    self.i += 1;
                    if self.s[self.i - 1] == b'}' {
                        return Json::Obj(fields);
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.s[self.i] == b']' {
                    self.i += 1;
                    return Json::Arr(items);
                }
                loop {
                    items.push(self.value());
                    self.ws();
                    self.i += 1;
                    if self.s[self.i - 1] == b']' {
                        return Json::Arr(items);
                    }
                }
            }
            b'"' => Json::Str(self.string()),
            b't' => {
                self.i += 4;
                Json::Bool(true)
            }
            b'f' => {
                self.i += 5;
                Json::Bool(false)
            }
            b'n' => {
                self.i += 4;
                Json::Null
            }
            _ => {
                let start = self.i;
                while self.i < self.s.len() && b"+-0123456789.eE".contains(&self.s[self.i]) {
                    self.i += 1;
                }
                let text = std::str::from_utf8(&self.s[start..self.i]).unwrap();
                Json::Num(text.parse().unwrap_or_else(|_| panic!("JSON: bad number {:?}", text)))
            }
        }
    }
}

impl Json {
    pub fn parse(text: &str) -> Json {
        Parser { s: text.as_bytes(), i: 0 }.value()
    }

    /// The field `key` of an object (panics when absent).
    pub fn get(&self, key: &str) -> &Json {
        self.field(key).unwrap_or_else(|| panic!("JSON: no field {:?}", key))
    }

    pub fn field(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn f64(&self) -> f64 {
        match self {
            Json::Num(x) => *x,
            other => panic!("JSON: {:?} is not a number", other),
        }
    }

    pub fn str(&self) -> &str {
        match self {
            Json::Str(s) => s,
            other => panic!("JSON: {:?} is not a string", other),
        }
    }

    pub fn bool(&self) -> bool {
        matches!(self, Json::Bool(true))
    }

    pub fn arr(&self) -> &[Json] {
        match self {
            Json::Arr(items) => items,
            other => panic!("JSON: {:?} is not an array", other),
        }
    }

    pub fn f64s(&self) -> Vec<f64> {
        self.arr().iter().map(Json::f64).collect()
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    /// {"dtype", "shape", "data"} as written by tensor_json() in the scripts.
    pub fn tensor(&self) -> Tensor {
        let shape: Vec<i64> = self.get("shape").f64s().iter().map(|&s| s as i64).collect();
        let data = self.get("data").f64s();
        match self.get("dtype").str() {
            "float64" => Tensor::from_slice(&data, &shape),
            "float32" => Tensor::from_slice(&data.iter().map(|&x| x as f32).collect::<Vec<_>>(), &shape),
            "int64" => Tensor::from_slice(&data.iter().map(|&x| x as i64).collect::<Vec<_>>(), &shape),
            other => panic!("fixture dtype {} not handled", other),
        }
        .unwrap()
    }
}

/// tests/fixtures/<name>, parsed.
pub fn fixture(name: &str) -> Json {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {}", path.display(), e));
    Json::parse(&text)
}

/// A tensor's values as float64.
pub fn values(t: &Tensor) -> Vec<f64> {
    t.to_dtype(DType::Float64).unwrap().to_vec::<f64>().unwrap()
}

/// |got - want| <= atol + rtol |want| elementwise, with equal lengths.
pub fn assert_close(got: &[f64], want: &[f64], rtol: f64, atol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{}: lengths", what);
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= atol + rtol * w.abs(), "{} at {}: got {}, want {}", what, i, g, w);
    }
}

/// Compares a tensor with a fixture tensor: shape and values.
pub fn assert_tensor_close(got: &Tensor, want: &Json, rtol: f64, atol: f64, what: &str) {
    let want_t = want.tensor();
    assert_eq!(got.shape().unwrap(), want_t.shape().unwrap(), "{}: shape", what);
    assert_close(&values(got), &values(&want_t), rtol, atol, what);
}

/// Serializes the tests of one binary that depend on the global generator
/// (cargo runs a binary's tests on several threads).
pub fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

/// A fresh directory under the system's temporary directory.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dl-rust-{}-{}", name, std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
