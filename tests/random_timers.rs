//! A thousand random timer programs on baton's virtual clock, each
//! compared line by line with what Node logged on its real one
//! (`tests/oracle/random/timers.out`, made by `timers.js` there): an
//! interval that clears itself, timeouts that clear it or each other, set
//! 0 ms timeouts or queue microtasks.

mod random_support;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use baton::{Error, Promise, TimerId, clear_interval, clear_timeout, set_interval, set_timeout};
use random_support::{Log, check_against_node, index, list, number, run_logged, say, text};
use serde_json::Value;

/// The program's timers, for its callbacks to clear.
#[derive(Default)]
struct Timers {
    interval: Cell<Option<TimerId>>,
    timeouts: RefCell<Vec<TimerId>>,
}

fn act(log: &Log, timers: &Rc<Timers>, acts: &Value) {
    for a in list(acts) {
        match a["a"].as_str().expect("an act") {
            "clearInterval" => {
                if let Some(id) = timers.interval.get() {
                    clear_interval(id);
                }
            }
            "clear" => {
                let id = timers.timeouts.borrow().get(index(&a["target"])).copied();
                if let Some(id) = id {
                    clear_timeout(id);
                }
            }
            "nested" => {
                let (log, tag) = (log.clone(), text(&a["tag"]));
                set_timeout(move || say(&log, format!("nested {tag}")), Duration::ZERO);
            }
            _ => {
                let (log, tag) = (log.clone(), text(&a["tag"]));
                drop(
                    Promise::<(), Error>::resolve(())
                        .map(move |()| say(&log, format!("micro {tag}"))),
                );
            }
        }
    }
}

fn run(program: &Value) -> Vec<String> {
    let program = program.clone();
    run_logged(move |log| {
        let timers = Rc::new(Timers::default());
        let (l, t, acts) = (log.clone(), timers.clone(), program["intervalActs"].clone());
        let stop_after = number(&program["stopAfter"]);
        let mut runs = 0;
        let interval = set_interval(
            move || {
                runs += 1;
                say(&l, format!("interval {runs}"));
                act(&l, &t, &acts);
                if runs == stop_after
                    && let Some(id) = t.interval.get()
                {
                    clear_interval(id);
                }
            },
            Duration::from_millis(100),
        );
        timers.interval.set(Some(interval));
        for timeout in list(&program["timeouts"]) {
            let (l, t) = (log.clone(), timers.clone());
            let at = timeout["at"].as_u64().expect("a time");
            let id = set_timeout(
                move || {
                    say(&l, format!("timeout {} at {at}", text(&timeout["tag"])));
                    act(&l, &t, &timeout["acts"]);
                },
                Duration::from_millis(at),
            );
            timers.timeouts.borrow_mut().push(id);
        }
        say(log, "script end".into());
    })
}

#[test]
fn random_timer_programs_log_what_node_logs() {
    check_against_node("timers.out", 1000, run);
}
