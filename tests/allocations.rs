//! A generator allocates once (its boxed body) and never per resume; one
//! pinned in place (`PinnedGen`) never allocates.
//! Its own test binary: the counting allocator sees the whole process, so
//! this file holds a single test.

#[path = "shared/counting_allocator.rs"]
mod counting_allocator;

use std::pin::pin;

use baton::{Abrupt, Co, Gen, PinnedGen, Step};
use counting_allocator::allocations_during;

#[test]
fn one_allocation_per_generator_none_per_resume() {
    let (created, mut g) = allocations_during(|| {
        Gen::new(|co: Co<u64, u64, u64, &'static str>| async move {
            let mut sum = 0;
            loop {
                match co.yield_(sum).await {
                    Ok(n) => sum += n,
                    Err(Abrupt::Throw(_)) => sum = 0,
                    Err(closing) => return Err(closing),
                }
            }
        })
    });
    assert_eq!(created, 1, "the boxed body");

    let (resumed, last) = allocations_during(|| {
        let mut last = Step::Done;
        for i in 0..10_000 {
            last = g.next(i).expect("never throws out");
            if i % 100 == 0 {
                last = g.throw("reset").expect("caught");
            }
        }
        last
    });
    assert_eq!(resumed, 0, "no allocation per next/throw");
    assert_eq!(last, Step::Yielded((9_901..=9_999).sum()), "reset at 9_900");

    let (closed, done) = allocations_during(|| g.r#return(7));
    assert_eq!(closed, 0);
    assert_eq!(done, Ok(Step::Returned(7)));

    let (pinned_allocations, sum) = allocations_during(|| {
        let mut g = pin!(PinnedGen::new(|co: Co<u64, u64, u64>| async move {
            let mut sum = 0;
            loop {
                sum += co.yield_(sum).await?;
            }
        }));
        let mut last = Step::Done;
        for i in 0..10_000 {
            last = g.next(i).expect("never throws");
        }
        (last, g.r#return(7))
    });
    assert_eq!(
        pinned_allocations, 0,
        "a pinned generator, made, resumed and closed"
    );
    assert_eq!(
        sum,
        (Step::Yielded((1..10_000).sum()), Ok(Step::Returned(7)))
    );
}
