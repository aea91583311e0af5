//! The seeds' examples ported to baton. Each port returns the trace it
//! prints; `tests/seeds.rs` compares every trace with Node's output for the
//! JavaScript original under `tests/oracle/`.

pub mod adder;
pub mod adder_throw;
pub mod async_await;
pub mod async_gen;
pub mod async_gen_basics;
pub mod counts;
pub mod echo;
#[cfg(feature = "tokio")]
pub mod fetching;
pub mod joined_loops;
#[cfg(feature = "tokio")]
pub mod journey;
pub mod js;
#[cfg(feature = "tokio")]
pub mod log_pipeline;
#[cfg(feature = "tokio")]
pub mod login;
pub mod loop_going_on;
#[cfg(feature = "tokio")]
pub mod loopback;
pub mod make_counter;
pub mod per_core;
pub mod printer;
pub mod promises;
pub mod protocol;
pub mod relayed_turns;
pub mod resilience;
pub mod runner;
pub mod saga;
#[cfg(feature = "tokio")]
pub mod saga_http;
#[cfg(feature = "tokio")]
pub mod sources;

/// One ported example: the JavaScript it mirrors and the Rust that prints
/// the same trace.
pub struct Port {
    /// The oracle's name: `tests/oracle/<chapter>/<name>.js` and `.out`.
    pub name: &'static str,
    pub chapter: &'static str,
    pub heading: &'static str,
    pub run: fn() -> String,
}

const fn port(
    chapter: &'static str,
    name: &'static str,
    heading: &'static str,
    run: fn() -> String,
) -> Port {
    Port {
        name,
        chapter,
        heading,
        run,
    }
}

/// Every port, in the order the tour walks through them.
pub const PORTS: &[Port] = &[
    port(
        "generators",
        "counts",
        "counts(): a generator generates values",
        counts::generator,
    ),
    port(
        "generators",
        "counts",
        "counts() pinned in place (PinnedGen): the same trace, nothing allocated",
        counts::pinned,
    ),
    port(
        "generators",
        "counts_machine",
        "counts() as a hand-written state machine",
        counts::machine,
    ),
    port(
        "generators",
        "make_counter",
        "makeCounter(): a closure pauses between calls",
        make_counter::closure,
    ),
    port(
        "generators",
        "printer",
        "printer(): a generator consumes values",
        printer::generator,
    ),
    port(
        "generators",
        "printer_machine",
        "printer() as a state machine",
        printer::machine,
    ),
    port(
        "generators",
        "adder",
        "adder(): producer and consumer at once",
        adder::generator,
    ),
    port(
        "generators",
        "adder_machine",
        "adder() as a state machine",
        adder::machine,
    ),
    port(
        "generators",
        "adder_throw",
        "throw() into the adder reverts the sum",
        adder_throw::generator,
    ),
    port(
        "generators",
        "adder_throw_machine",
        "the throwing adder as a state machine",
        adder_throw::machine,
    ),
    port(
        "generators",
        "echo",
        "echo(): next(value) talks back",
        echo::generator,
    ),
    port(
        "generators",
        "protocol",
        "the protocol's corners: return, finally, yield*",
        protocol::generator,
    ),
    port(
        "generators",
        "for_of_break",
        "for…of: break calls return(), so the generator's finally runs",
        protocol::for_of_break::run,
    ),
    port(
        "promises",
        "resolve_kinds",
        "resolving with a promise, a value, a thenable",
        promises::resolve_kinds,
    ),
    port(
        "promises",
        "handler_returns_promise",
        "a handler returning a promise is adopted",
        promises::handler_returns_promise,
    ),
    port(
        "promises",
        "async_return_promise",
        "an async function returning a promise",
        promises::async_return_promise,
    ),
    port(
        "promises",
        "await_kinds",
        "await takes one turn",
        promises::await_kinds,
    ),
    port(
        "promises",
        "await_runs_on",
        "awaits of settled promises, turn after turn",
        promises::await_runs_on,
    ),
    port(
        "promises",
        "await_woken_runs_on",
        "awaits of promises pending when awaited, then of settled ones",
        promises::await_woken_runs_on,
    ),
    port(
        "promises",
        "microtasks_vs_timers",
        "microtasks before timers",
        promises::microtasks_vs_timers,
    ),
    port(
        "promises",
        "settled_subscriptions",
        "handlers on a settled promise",
        promises::settled_subscriptions,
    ),
    port(
        "promises",
        "nested_timers",
        "timers setting timers",
        promises::nested_timers,
    ),
    port(
        "promises",
        "clear_from_callback",
        "clearing timers from callbacks",
        promises::clear_from_callback,
    ),
    port(
        "promises",
        "finally_passthrough",
        "finally passes the outcome through",
        promises::finally_passthrough,
    ),
    port(
        "promises",
        "finally_override",
        "a failing finally overrides",
        promises::finally_override,
    ),
    port(
        "promises",
        "combinators",
        "all, allSettled, race, any",
        promises::combinators,
    ),
    port(
        "promises",
        "unhandled_rejection",
        "unhandled and late-handled rejections",
        promises::unhandled_rejection,
    ),
    port(
        "promises",
        "equal_delays",
        "equal delays fire in order",
        promises::equal_delays,
    ),
    port(
        "promises",
        "executor",
        "the executor runs synchronously, once",
        promises::executor,
    ),
    port(
        "promises",
        "error_chain",
        "a rejection skips to the nearest catch",
        promises::error_chain,
    ),
    port(
        "async_await",
        "two_timers",
        "c() awaits two timers (2 s and 5 s, instantly)",
        async_await::two_timers,
    ),
    port(
        "async_await",
        "returns",
        "an async function returns 🐶+🐷 through a promise",
        async_await::returns,
    ),
    port(
        "async_await",
        "composing",
        "async functions compose: dog() and pig()",
        async_await::composing,
    ),
    port(
        "async_await",
        "try_catch_finally",
        "try/catch/finally across awaits",
        async_await::try_catch_finally,
    ),
    port(
        "async_await",
        "try_catch_finally_machine",
        "the same, hand-lowered like regenerator",
        async_await::try_catch_finally_machine,
    ),
    port(
        "runner",
        "run_order",
        "run() steps one microtask after each yield",
        runner::run_order,
    ),
    port(
        "runner",
        "run_runs_on",
        "run() over settled promises, turn after turn",
        runner::run_runs_on,
    ),
    port(
        "runner",
        "run_woken_runs_on",
        "run() over promises pending when yielded, then settled ones",
        runner::run_woken_runs_on,
    ),
    port(
        "runner",
        "run_rejection_caught",
        "a rejected yield is caught at the yield",
        runner::run_rejection_caught,
    ),
    port(
        "runner",
        "run_throw_after_catch",
        "throwing after catching rejects run()",
        runner::run_throw_after_catch,
    ),
    port(
        "runner",
        "sequential",
        "genSequential beside nativeSequential",
        runner::sequential,
    ),
    port(
        "runner",
        "token_cancelled",
        "awaiting a token's cancellation, and child tokens: Node's AbortSignal order",
        runner::token_cancelled,
    ),
    port(
        "runner",
        "co_extras",
        "co's extras: arrays, objects, thunks, nested generators",
        runner::co_extras,
    ),
    port(
        "runner",
        "co_turns",
        "co 4.6 itself, turn by turn: arrays, objects, thunks, generators",
        runner::co_turns,
    ),
    port(
        "runner",
        "cancellable",
        "runCancellable: cancel runs cleanup, rejects, skips the next step",
        runner::cancellable,
    ),
    port(
        "async_gen",
        "basics",
        "seed 004's first examples: asyncCounter, greetSlowly, simple(), EventStream, collecting, helpers, withTimeout",
        async_gen_basics::basics,
    ),
    port(
        "async_gen",
        "both_protocols",
        "the protocol by hand (its return() cleans up) and an async generator: the same values",
        async_gen_basics::both_protocols,
    ),
    port(
        "async_gen",
        "for_await_turns",
        "for await, turn by turn",
        async_gen::for_await_turns,
    ),
    port(
        "async_gen",
        "for_await_turns",
        "the same over generators pinned in place (PinnedAsyncGen)",
        async_gen::for_await_turns_pinned,
    ),
    port(
        "async_gen",
        "taken_over",
        "for await over an async generator it holds alone, taken over and driven pinned",
        async_gen::taken_over,
    ),
    port(
        "async_gen",
        "taken_over",
        "the same, the generator shared with another handle (its machine serves the loop)",
        async_gen::taken_over_shared,
    ),
    port(
        "async_gen",
        "joined_loops",
        "for-await loops over chains of stages, joined in one task: one turn each in turn",
        joined_loops::joined_loops,
    ),
    port(
        "async_gen",
        "joined_loops",
        "the same, each loop a task of its own, every generator shared (machines serve the loops)",
        joined_loops::joined_loops_spawned_shared,
    ),
    port(
        "async_gen",
        "relayed_turns",
        "a loop over a chain of stages beside ticks, a queued microtask and an async function",
        relayed_turns::relayed_turns,
    ),
    port(
        "async_gen",
        "loop_going_on",
        "a loop over an async generator beside ticks, a queued microtask, awaits and a promise it resolves",
        loop_going_on::loop_going_on,
    ),
    port(
        "async_gen",
        "loop_going_on",
        "the same, the async functions joined in one task",
        loop_going_on::loop_going_on_joined,
    ),
    port(
        "async_gen",
        "loop_going_on",
        "the same over a pinned generator (`PinnedAsyncGen`), joined in one task",
        loop_going_on::loop_going_on_pinned_joined,
    ),
    port(
        "async_gen",
        "loop_going_on",
        "the same, each a task of its own, the generator shared (its machine serves the loop)",
        loop_going_on::loop_going_on_shared,
    ),
    port(
        "async_gen",
        "delegate_turns",
        "yield* in an async generator, turn by turn",
        async_gen::delegate_turns,
    ),
    port(
        "async_gen",
        "for_await_array_turns",
        "for await over arrays of promises, turn by turn",
        async_gen::for_await_array_turns,
    ),
    port(
        "async_gen",
        "for_await_runs_on",
        "for await over settled values runs on, in Node's order",
        async_gen::for_await_runs_on,
    ),
    port(
        "async_gen",
        "owed_delivery",
        "a yield's delivery with work beside the request, in Node's order",
        async_gen::owed_delivery,
    ),
    port(
        "async_gen",
        "owed_delivery",
        "the same over generators pinned in place (PinnedAsyncGen)",
        async_gen::owed_delivery_pinned,
    ),
    port(
        "async_gen",
        "basic",
        "next() returns a promise; yields in microtask order",
        async_gen::basic,
    ),
    port(
        "async_gen",
        "request_queue",
        "requests queue and settle in order; return() waits its turn",
        async_gen::request_queue,
    ),
    port(
        "async_gen",
        "return_turns",
        "return() and throw() queued behind next(), turn by turn",
        async_gen::return_turns,
    ),
    port(
        "async_gen",
        "finally_yields",
        "a finally that yields answers the return() that ran it",
        async_gen::finally_yields,
    ),
    port(
        "async_gen",
        "throw_in",
        "throw() caught at a yield; return() before start",
        async_gen::throw_in,
    ),
    port(
        "async_gen",
        "managed",
        "throw() and return() return promises; finally runs",
        async_gen::managed,
    ),
    port(
        "async_gen",
        "countdown",
        "for await over a countdown, and the loop by hand",
        async_gen::countdown_loops,
    ),
    port(
        "async_gen",
        "unstable",
        "an error inside the generator leaves the loop",
        async_gen::unstable,
    ),
    port(
        "async_gen",
        "early_break",
        "break calls return() and waits for the cleanup",
        async_gen::early_break,
    ),
    port(
        "async_gen",
        "helper_close",
        "a helper closed by return() or throw() while its source's cleanup fails",
        async_gen::helper_close,
    ),
    port(
        "async_gen",
        "map_concurrent",
        "map_concurrent: up to n steps at once, results in order, the source closed early",
        async_gen::map_concurrent,
    ),
    port(
        "async_gen",
        "async_range",
        "the async iteration protocol by hand",
        async_gen::async_range,
    ),
    port(
        "async_gen",
        "promise_array",
        "for await over an array of already-running promises",
        async_gen::promise_array,
    ),
    port(
        "async_gen",
        "dual_iterable",
        "sync for for, async for for-await",
        async_gen::dual_iterable,
    ),
    port(
        "saga",
        "effects",
        "effects as data: call and all, sequential, parallel, mixed",
        saga::effects,
    ),
    port(
        "saga",
        "calls_run_on",
        "calls answered at once, turn after turn",
        saga::calls_run_on,
    ),
    port(
        "saga",
        "calls_woken_run_on",
        "calls answered a turn later, then at once",
        saga::calls_woken_run_on,
    ),
    port(
        "saga",
        "race_turns",
        "seed 003's runner turn by turn: race, all and call",
        saga::race_turns,
    ),
    port(
        "saga",
        "race_in_turn",
        "seed 003's runner performs and subscribes to each racer in turn",
        saga::race_in_turn,
    ),
    port(
        "saga",
        "fork_tree",
        "the fork tree where seed 003 is silent: redux-saga's order",
        saga::fork_tree,
    ),
    port(
        "saga",
        "channel_order",
        "a channel where seed 003 is silent: redux-saga's order",
        saga::channel_order,
    ),
    port(
        "saga",
        "store_order",
        "a store's put, take and select: redux-saga's order",
        saga::store_order,
    ),
    port(
        "saga",
        "store_subscribe",
        "a store's subscribers: redux's subscribe and unsubscribe",
        saga::store_subscribe,
    ),
    port(
        "saga",
        "multicast",
        "a multicast channel: every waiting saga hears a put, END ends their takes",
        saga::multicast,
    ),
    port(
        "saga",
        "saga_stack",
        "a failure's saga stack: the task it began in, the tasks it went up through",
        saga::saga_stack,
    ),
    port(
        "saga",
        "race_take",
        "a race or an all decided by a take: the saga goes on inside the put, and sees every action",
        saga::race_take,
    ),
    port(
        "saga",
        "all_at_once",
        "effects known as they are performed (a take finding its message, a fork) inside an all or a race: the saga goes on at once",
        saga::all_at_once,
    ),
    port(
        "saga",
        "put_overflow",
        "a put that overflows a fixed buffer throws into its saga inside the put: its next puts wait until it waits",
        saga::put_overflow,
    ),
    port(
        "saga",
        "store_end",
        "redux-saga's END: takes end their sagas, which clean up and wait for their children",
        saga::store_end,
    ),
    port(
        "saga",
        "context",
        "getContext and setContext: each task's context falls through to its parent's",
        saga::context,
    ),
    port(
        "saga",
        "race",
        "race({ data, timeout }): the winner, or the timeout thrown in",
        saga::race_timeout,
    ),
    port(
        "saga",
        "branches",
        "a saga's branches stepped from where they part: a cloneable stepper, cloned there",
        saga::branches,
    ),
    port(
        "saga",
        "download",
        "downloadFiles as a saga, cancelled after 200 ms: its finally runs effects",
        saga::download,
    ),
    port(
        "saga",
        "retry",
        "retryable: exponential backoff with jitter, on the virtual clock",
        resilience::retry,
    ),
    port(
        "saga",
        "booking",
        "bookingTransaction: undo completed steps in reverse; a failing undo is reported",
        resilience::booking,
    ),
    port(
        "saga",
        "resources",
        "withResources: acquire in order, release in reverse, report a failed release",
        resilience::resources,
    ),
    port(
        "saga",
        "managed",
        "managedConnection: return() runs the finally, which still yields a close call",
        resilience::managed,
    ),
    port(
        "saga",
        "using",
        "using: dispose after the body, on success and on failure; disposing is a call",
        resilience::using,
    ),
    port(
        "saga",
        "breaker",
        "circuitBreaker (the generator): open after 3 failures, half-open after the timeout",
        resilience::breaker,
    ),
];

/// Prints every port of one chapter, each under its heading.
pub fn print_chapter(chapter: &str) {
    for port in PORTS.iter().filter(|p| p.chapter == chapter) {
        println!("--- {} ({}.js) ---", port.heading, port.name);
        print!("{}", (port.run)());
        println!();
    }
}
