//! Printing values the way Node prints them, so traces compare line by line.

use std::cell::RefCell;
use std::fmt::{self, Display};
use std::rc::Rc;

use baton::Step;

/// A dynamically typed value, for ports where JavaScript mixes types.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Js {
    #[default]
    Undefined,
    Num(f64),
    Str(String),
}

impl From<i32> for Js {
    fn from(n: i32) -> Self {
        Js::Num(f64::from(n))
    }
}

impl From<&str> for Js {
    fn from(s: &str) -> Self {
        Js::Str(s.to_string())
    }
}

/// `console.log(value)`: strings bare.
impl Display for Js {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Js::Undefined => f.write_str("undefined"),
            Js::Num(n) => write!(f, "{n}"),
            Js::Str(s) => f.write_str(s),
        }
    }
}

/// How Node shows a value inside an object (`util.inspect`) and in
/// `JSON.stringify` (`None` for `undefined`, which JSON omits).
pub trait Inspect {
    fn inspect(&self) -> String;
    fn json(&self) -> Option<String>;
}

impl Inspect for () {
    fn inspect(&self) -> String {
        "undefined".into()
    }
    fn json(&self) -> Option<String> {
        None
    }
}

impl Inspect for i32 {
    fn inspect(&self) -> String {
        self.to_string()
    }
    fn json(&self) -> Option<String> {
        Some(self.to_string())
    }
}

impl Inspect for &str {
    fn inspect(&self) -> String {
        format!("'{self}'")
    }
    fn json(&self) -> Option<String> {
        Some(format!("{self:?}"))
    }
}

impl Inspect for Js {
    fn inspect(&self) -> String {
        match self {
            Js::Undefined => ().inspect(),
            Js::Num(n) => n.to_string(),
            Js::Str(s) => s.as_str().inspect(),
        }
    }
    fn json(&self) -> Option<String> {
        match self {
            Js::Undefined => None,
            Js::Num(n) => Some(n.to_string()),
            Js::Str(s) => s.as_str().json(),
        }
    }
}

/// `console.log(step)`: `{ value: 1, done: false }`.
pub fn step<Y: Inspect, T: Inspect>(step: &Step<Y, T>) -> String {
    let (value, done) = parts(step);
    format!("{{ value: {}, done: {done} }}", value.inspect())
}

/// `JSON.stringify(step)`: `{"value":1,"done":false}`.
pub fn step_json<Y: Inspect, T: Inspect>(step: &Step<Y, T>) -> String {
    let (value, done) = parts(step);
    match value.json() {
        Some(v) => format!("{{\"value\":{v},\"done\":{done}}}"),
        None => format!("{{\"done\":{done}}}"),
    }
}

fn parts<Y: Inspect, T: Inspect>(step: &Step<Y, T>) -> (&dyn Inspect, bool) {
    match step {
        Step::Yielded(y) => (y, false),
        Step::Returned(t) => (t, true),
        Step::Done => (&(), true),
    }
}

/// `step.value` printed by `console.log`: strings bare, `undefined` for none.
pub fn value<Y: Display, T: Display>(step: &Step<Y, T>) -> String {
    match step {
        Step::Yielded(y) => y.to_string(),
        Step::Returned(t) => t.to_string(),
        Step::Done => "undefined".into(),
    }
}

/// A `console.log` that generator bodies and the caller share.
#[derive(Clone, Default)]
pub struct Log(Rc<RefCell<String>>);

/// Shown as what it stands for, when passed as an effect's argument.
impl fmt::Debug for Log {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("console")
    }
}

impl Log {
    pub fn line(&self, line: impl Display) {
        let mut out = self.0.borrow_mut();
        fmt::Write::write_fmt(&mut *out, format_args!("{line}\n")).expect("writing to a String");
    }

    pub fn text(&self) -> String {
        self.0.borrow().clone()
    }
}
