//! Seed 003's sagas with a real fetch: every `call(fetch, url)` is an HTTP
//! GET to a server on loopback that answers after 100 ms. The sagas are the
//! ones `saga.rs` runs on timers and `tests/saga.rs` steps with no I/O.

use std::cell::RefCell;
use std::time::Duration;

use axum::Router;
use axum::http::Uri;
use baton::saga::run_saga;
use baton::{Error, Promise, spawn};

use super::js::Log;
use super::loopback::with_server;
use super::saga::{mixed_flow_with, parallel_with, sequential_with};

thread_local! {
    /// The loopback server's address, for `http_fetch`.
    static BASE: RefCell<String> = const { RefCell::new(String::new()) };
}

/// `fetch(url).then(r => r.text())` against the loopback server.
pub fn http_fetch(path: String) -> Promise<String> {
    let url = BASE.with(|b| format!("{}{path}", b.borrow()));
    spawn(async move {
        let response = reqwest::get(&url).await.map_err(Error::new)?;
        response.text().await.map_err(Error::new)
    })
}

/// Answers any path with `<path>:http` after 100 ms.
fn app() -> Router {
    Router::new().fallback(|uri: Uri| async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        format!("{}:http", uri.path())
    })
}

pub fn over_http() -> String {
    with_server(app(), |base| {
        BASE.with(|b| *b.borrow_mut() = base);
        let log = Log::default();
        spawn(async move {
            let r = run_saga(sequential_with(http_fetch)).await?;
            log.line(format_args!("sequential: {}", r.join(" ")));
            let r = run_saga(parallel_with(http_fetch)).await?;
            log.line(format_args!("parallel: {}", r.join(" ")));
            let r = run_saga(mixed_flow_with(http_fetch, 7)).await?;
            log.line(format_args!("mixedFlow: {}", r.join(" ")));
            Ok::<_, Error>(log.text())
        })
    })
}
