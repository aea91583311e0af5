//! Property tests: for any sequence of `next` / `throw` / `return`, a
//! generator behaves exactly like a reference model of JavaScript's
//! semantics, its `finally` runs at most once (exactly once if it started
//! and completed), and its destructors run exactly once: with its body
//! boxed (`Gen`) and pinned in place (`PinnedGen`) alike.

use std::cell::Cell;
use std::rc::Rc;

use std::pin::pin;

use baton::{Abrupt, Co, Gen, PinnedGen, Resume, Step, StepResult};
use proptest::prelude::*;

/// The program under test, in JavaScript:
///
/// ```js
/// function* g() {
///   let i = 0, outcome;
///   try {
///     while (i < len) {
///       try { yield i; i += 1 } catch (c) { if (c % 2) throw c; i += 100 }
///     }
///     outcome = i;
///   } finally {
///     cleanups++;
///     if (yieldInFinally) yield 999;
///   }
///   return outcome;
/// }
/// ```
#[derive(Debug, Clone, Copy)]
struct Program {
    len: u32,
    yield_in_finally: bool,
}

#[derive(Debug, Clone, Copy)]
enum Model {
    Fresh,
    Loop(u32),
    Finally(Result<u32, Abrupt<u8, u32>>),
    Done,
}

impl Program {
    /// The body, for `Gen::new` or `PinnedGen::new`.
    fn body(
        self,
        co: Co<u32, (), u32, u8>,
        cleanups: Rc<Cell<u32>>,
        drops: Rc<Cell<u32>>,
    ) -> impl Future<Output = Result<u32, Abrupt<u8, u32>>> {
        struct Guard(Rc<Cell<u32>>);
        impl Drop for Guard {
            fn drop(&mut self) {
                self.0.set(self.0.get() + 1);
            }
        }
        let guard = Guard(drops);
        async move {
            let _guard = guard;
            let mut i = 0;
            let outcome = loop {
                if i >= self.len {
                    break Ok(i);
                }
                match co.yield_(i).await {
                    Ok(()) => i += 1,
                    Err(Abrupt::Throw(c)) if c % 2 == 0 => i += 100,
                    Err(other) => break Err(other),
                }
            };
            cleanups.set(cleanups.get() + 1);
            if self.yield_in_finally {
                co.yield_(999).await?;
            }
            outcome
        }
    }

    /// The reference: JavaScript's semantics for the program, by hand.
    fn model(self, state: &mut Model, how: Resume<(), u8, u32>) -> StepResult<u32, u32, u8> {
        let finish = |outcome: Result<u32, Abrupt<u8, u32>>| match outcome {
            Ok(v) | Err(Abrupt::Return(v)) => Ok(Step::Returned(v)),
            Err(Abrupt::Throw(c)) => Err(c),
        };
        let enter_finally = |state: &mut Model, outcome| {
            if self.yield_in_finally {
                *state = Model::Finally(outcome);
                Ok(Step::Yielded(999))
            } else {
                *state = Model::Done;
                finish(outcome)
            }
        };
        let at = |state: &mut Model, i: u32| {
            if i >= self.len {
                enter_finally(state, Ok(i))
            } else {
                *state = Model::Loop(i);
                Ok(Step::Yielded(i))
            }
        };
        match (*state, how) {
            (Model::Fresh, Resume::Next(())) => at(state, 0),
            (Model::Loop(i), Resume::Next(())) => at(state, i + 1),
            (Model::Loop(i), Resume::Throw(c)) if c % 2 == 0 => at(state, i + 100),
            (Model::Loop(_), Resume::Throw(c)) => enter_finally(state, Err(Abrupt::Throw(c))),
            (Model::Loop(_), Resume::Return(v)) => enter_finally(state, Err(Abrupt::Return(v))),
            (Model::Finally(outcome), Resume::Next(())) => {
                *state = Model::Done;
                finish(outcome)
            }
            (_, Resume::Next(())) => {
                *state = Model::Done;
                Ok(Step::Done)
            }
            (_, Resume::Throw(c)) => {
                *state = Model::Done;
                Err(c)
            }
            (_, Resume::Return(v)) => {
                *state = Model::Done;
                Ok(Step::Returned(v))
            }
        }
    }
}

fn resume_strategy() -> impl Strategy<Value = Resume<(), u8, u32>> {
    prop_oneof![
        4 => Just(Resume::Next(())),
        2 => any::<u8>().prop_map(Resume::Throw),
        1 => (0..50u32).prop_map(Resume::Return),
    ]
}

/// The two homes of a body, driven alike.
trait Driven {
    fn resume(&mut self, how: Resume<(), u8, u32>) -> StepResult<u32, u32, u8>;
    fn is_done(&self) -> bool;
}

impl<F: Future<Output = Result<u32, Abrupt<u8, u32>>>> Driven for Gen<F, u32, (), u32, u8> {
    fn resume(&mut self, how: Resume<(), u8, u32>) -> StepResult<u32, u32, u8> {
        Gen::resume(self, how)
    }
    fn is_done(&self) -> bool {
        Gen::is_done(self)
    }
}

impl<F: Future<Output = Result<u32, Abrupt<u8, u32>>>> Driven
    for std::pin::Pin<&mut PinnedGen<F, u32, (), u32, u8>>
{
    fn resume(&mut self, how: Resume<(), u8, u32>) -> StepResult<u32, u32, u8> {
        PinnedGen::resume(self, how)
    }
    fn is_done(&self) -> bool {
        PinnedGen::is_done(self)
    }
}

/// Runs `calls` on a fresh generator of `program`, boxed or pinned, against
/// the model.
fn check(
    program: Program,
    calls: &[Resume<(), u8, u32>],
    pinned: bool,
) -> Result<(), TestCaseError> {
    let cleanups = Rc::new(Cell::new(0));
    let drops = Rc::new(Cell::new(0));
    let body = |co| program.body(co, cleanups.clone(), drops.clone());
    // The pinned generator is a temporary of this statement: it is dropped
    // at its end, as the boxed one is at the end of `follow`.
    if pinned {
        follow(
            program,
            calls,
            pin!(PinnedGen::new(body)),
            &cleanups,
            &drops,
        )?;
    } else {
        follow(program, calls, Gen::new(body), &cleanups, &drops)?;
    }
    prop_assert_eq!(drops.get(), 1, "destructors run exactly once");
    prop_assert!(cleanups.get() <= 1);
    Ok(())
}

fn follow(
    program: Program,
    calls: &[Resume<(), u8, u32>],
    mut g: impl Driven,
    cleanups: &Cell<u32>,
    drops: &Cell<u32>,
) -> Result<(), TestCaseError> {
    let mut model = Model::Fresh;
    let mut started = false;
    for &how in calls {
        started |= matches!((&model, &how), (Model::Fresh, Resume::Next(())));
        let expected = program.model(&mut model, how);
        let actual = g.resume(how);
        prop_assert_eq!(actual, expected);
        prop_assert_eq!(g.is_done(), matches!(model, Model::Done));
        prop_assert!(cleanups.get() <= 1, "finally ran {} times", cleanups.get());
    }
    if g.is_done() {
        prop_assert_eq!(cleanups.get(), u32::from(started));
        prop_assert_eq!(drops.get(), 1, "a completed generator released its body");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn generator_matches_the_javascript_model(
        len in 0..6u32,
        yield_in_finally in any::<bool>(),
        calls in prop::collection::vec(resume_strategy(), 0..16),
    ) {
        let program = Program { len, yield_in_finally };
        check(program, &calls, false)?;
        check(program, &calls, true)?;
    }
}
