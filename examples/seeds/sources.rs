//! Seed 004's real sources, against real components: page-number and
//! cursor (`Link` header) pagination and health polling over HTTP on
//! loopback, a real file read in chunks, and server-sent events bridged
//! push-to-pull.

use std::ops::ControlFlow;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::get;
use axum::{Json, Router};
use baton::async_gen::{AsyncIteratorExt, for_await, push_queue};
use baton::{AsyncGen, Co, Error, Promise, spawn};
use serde_json::{Value, json};

use super::js::Log;
use super::loopback::with_server;
use super::promises::sleep;

pub(super) type Params = Query<std::collections::HashMap<String, String>>;
pub(super) type Requests = Arc<Mutex<Vec<String>>>;

/// Notes a request the server answered.
pub(super) fn note(requests: &Requests, what: String) {
    if let Ok(mut log) = requests.lock() {
        log.push(what);
    }
}

/// The requests noted so far, joined by `separator`.
pub(super) fn noted(requests: &Requests, separator: &str) -> String {
    requests
        .lock()
        .map(|r| r.join(separator))
        .unwrap_or_default()
}

pub(super) fn param(q: &Params, key: &str) -> u32 {
    q.get(key).and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// A response: status, headers, JSON body.
pub(super) type Response = (u16, Vec<(String, String)>, Value);

/// GET `url` → (status, headers, JSON body).
pub(super) fn get_json(url: String) -> Promise<Response> {
    spawn(async move {
        let response = reqwest::get(&url).await.map_err(Error::new)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
            .collect();
        let body = response.json::<Value>().await.map_err(Error::new)?;
        Ok::<_, Error>((status, headers, body))
    })
}

fn items(body: &Value) -> Vec<Value> {
    body["items"].as_array().cloned().unwrap_or_default()
}

/// Page-number pagination: pages are fetched only as the consumer pulls,
/// and stop once it breaks.
pub fn paginated() -> String {
    let requests: Requests = Arc::default();
    let seen = requests.clone();
    let app = Router::new().route(
        "/items",
        get(move |q: Params| {
            let requests = seen.clone();
            async move {
                let page = param(&q, "page");
                note(&requests, format!("page {page}"));
                let items: Vec<u32> = (1..=3).map(|i| page.saturating_sub(1) * 3 + i).collect();
                Json(json!({"page": page, "items": items, "last_page": 10}))
            }
        }),
    );
    let text = with_server(app, move |base| {
        // async function* fetchAllItems() { let page = 1; while (…) { … yield* data.items } }
        let all_items = AsyncGen::new(move |co: Co<Value, (), (), Error>| async move {
            let mut page = 1;
            loop {
                let (_, _, body) = get_json(format!("{base}/items?page={page}")).await?;
                for item in items(&body) {
                    co.yield_(item).await?;
                }
                if body["page"] == body["last_page"] {
                    return Ok(());
                }
                page += 1;
            }
        });
        spawn(async move {
            let log = Log::default();
            for_await(all_items, async |item| {
                log.line(format_args!("item {item}"));
                if item == 7 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
            .await?;
            Ok::<_, Error>(log.text())
        })
    });
    let pages = noted(&requests, ", ");
    format!("{text}requested: {pages}\n")
}

/// Cursor pagination: follow `Link: <…>; rel="next"` until there is none.
pub fn cursor() -> String {
    let app = Router::new().route(
        "/events",
        get(|q: Params| async move {
            let cursor = param(&q, "cursor");
            let mut headers = HeaderMap::new();
            if cursor < 2 {
                let next = format!("</events?cursor={}>; rel=\"next\"", cursor + 1);
                if let Ok(value) = next.parse() {
                    headers.insert(header::LINK, value);
                }
            }
            let events: Vec<String> = (0..2).map(|i| format!("event-{cursor}-{i}")).collect();
            (headers, Json(json!({"items": events})))
        }),
    );
    with_server(app, |base| {
        let events = AsyncGen::new(move |co: Co<Value, (), (), Error>| async move {
            let mut url = Some(format!("{base}/events"));
            while let Some(current) = url.take() {
                let (_, headers, body) = get_json(current).await?;
                for item in items(&body) {
                    co.yield_(item).await?;
                }
                url = headers
                    .iter()
                    .find(|(k, _)| k == "link")
                    .and_then(|(_, v)| next_link(v))
                    .map(|path| format!("{base}{path}"));
            }
            Ok(())
        });
        spawn(async move {
            let all = events.to_vec().await?;
            let shown: Vec<String> = all
                .iter()
                .map(|v| v.as_str().unwrap_or("?").to_string())
                .collect();
            Ok::<_, Error>(format!("{}\n", shown.join("\n")))
        })
    })
}

/// The target of `<…>; rel="next"` in a `Link` header.
fn next_link(header: &str) -> Option<String> {
    header
        .split(',')
        .find(|part| part.contains("rel=\"next\""))
        .and_then(|part| {
            let start = part.find('<')? + 1;
            let end = part.find('>')?;
            part.get(start..end).map(str::to_string)
        })
}

/// Polling a health endpoint, backing off after each failure.
pub fn polling() -> String {
    let calls = Arc::new(Mutex::new(0u32));
    let app = Router::new().route(
        "/health",
        get(move || {
            let calls = calls.clone();
            async move {
                let n = calls.lock().map(|mut c| {
                    *c += 1;
                    *c
                });
                match n {
                    Ok(n) if n > 3 => (StatusCode::OK, Json(json!({"status": "ok"}))),
                    _ => (
                        StatusCode::SERVICE_UNAVAILABLE,
                        Json(json!({"status": "starting"})),
                    ),
                }
            }
        }),
    );
    with_server(app, |base| {
        // async function* poll(url) { let backoff = 10; while (true) { … yield status; await sleep(backoff) } }
        let statuses = AsyncGen::new(move |co: Co<(u16, u64), (), (), Error>| async move {
            let mut backoff = 10;
            loop {
                let (status, _, _) = get_json(format!("{base}/health")).await?;
                co.yield_((status, backoff)).await?;
                if status == 200 {
                    return Ok(());
                }
                sleep(backoff).await?;
                backoff *= 2;
            }
        });
        spawn(async move {
            let log = Log::default();
            for_await(statuses, async |(status, backoff)| {
                if status == 200 {
                    log.line("healthy");
                    ControlFlow::Break(())
                } else {
                    log.line(format_args!("status {status}, retrying in {backoff} ms"));
                    ControlFlow::Continue(())
                }
            })
            .await?;
            Ok::<_, Error>(log.text())
        })
    })
}

/// Reading a real file in fixed-size chunks, with progress.
pub fn file_chunks() -> String {
    let path = std::env::temp_dir().join(format!("baton-chunks-{}.bin", std::process::id()));
    let content: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
    if let Err(e) = std::fs::write(&path, &content) {
        return format!("could not write {}: {e}\n", path.display());
    }
    let reading = path.clone();
    let text = with_server(Router::new(), move |_| {
        let chunks = AsyncGen::new(move |co: Co<Vec<u8>, (), (), Error>| async move {
            use tokio::io::AsyncReadExt;
            let mut file = tokio::fs::File::open(&reading).await?;
            loop {
                let mut chunk = vec![0u8; 4096];
                let mut filled = 0;
                while filled < chunk.len() {
                    let n = file.read(&mut chunk[filled..]).await?;
                    if n == 0 {
                        break;
                    }
                    filled += n;
                }
                if filled == 0 {
                    return Ok(());
                }
                chunk.truncate(filled);
                co.yield_(chunk).await?;
            }
        });
        spawn(async move {
            let log = Log::default();
            let mut read = 0usize;
            let mut sum = 0u64;
            for_await(chunks, async |chunk| {
                read += chunk.len();
                sum += chunk.iter().map(|&b| u64::from(b)).sum::<u64>();
                log.line(format_args!(
                    "chunk of {} bytes, {}% read",
                    chunk.len(),
                    read * 100 / 10_000
                ));
                ControlFlow::<()>::Continue(())
            })
            .await?;
            log.line(format_args!("{read} bytes, checksum {sum}"));
            Ok::<_, Error>(log.text())
        })
    });
    let _ = std::fs::remove_file(&path);
    text
}

/// A server-sent-events stream that ticks forever and notes when the client
/// goes away.
struct Ticker {
    n: u32,
    interval: tokio::time::Interval,
    log: Requests,
}

impl futures_core::Stream for Ticker {
    type Item = Result<String, std::convert::Infallible>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.interval.poll_tick(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(_) => {
                let n = self.n;
                self.n += 1;
                Poll::Ready(Some(Ok(format!("data: tick {n}\n\n"))))
            }
        }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        if let Ok(mut log) = self.log.lock() {
            log.push("server: the client closed the connection".into());
        }
    }
}

/// Server-sent events, bridged push-to-pull: a reader task pushes events
/// into a queue as they arrive; the consumer pulls five and stops, and the
/// reader then closes the connection.
pub fn server_sent_events() -> String {
    let server_log: Requests = Arc::default();
    let log_for_server = server_log.clone();
    let app = Router::new().route(
        "/events",
        get(move || {
            let log = log_for_server.clone();
            async move {
                let ticker = Ticker {
                    n: 0,
                    interval: tokio::time::interval(Duration::from_millis(5)),
                    log,
                };
                (
                    [(header::CONTENT_TYPE, "text/event-stream")],
                    Body::from_stream(ticker),
                )
            }
        }),
    );
    let text = with_server(app, move |base| {
        let (pusher, events) = push_queue::<String, Error>();
        // The push side: read chunks as they arrive, parse events, push.
        let reader = pusher.clone();
        spawn(async move {
            let mut response = reqwest::get(format!("{base}/events"))
                .await
                .map_err(Error::new)?;
            let mut buffer = String::new();
            while !reader.consumer_gone() {
                let Some(chunk) = response.chunk().await.map_err(Error::new)? else {
                    break;
                };
                buffer.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buffer.find("\n\n") {
                    let event: String = buffer.drain(..end + 2).collect();
                    if let Some(data) = event.trim().strip_prefix("data: ") {
                        reader.push(data.to_string());
                    }
                }
            }
            drop(response); // closes the connection
            reader.close();
            Ok::<_, Error>(())
        });
        // The pull side: five events, then stop.
        spawn(async move {
            let log = Log::default();
            let mut count = 0;
            for_await(events, async |event| {
                log.line(format_args!("received {event}"));
                count += 1;
                if count == 5 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
            .await?;
            log.line("consumer: done after 5 events");
            // Give the server a moment to notice the closed connection.
            sleep(100).await?;
            Ok::<_, Error>(log.text())
        })
    });
    let server = server_log.lock().map(|l| l.join("\n")).unwrap_or_default();
    format!("{text}{server}\n")
}

/// Every source, for the tour and `cargo run --example sources`.
type Source = (&'static str, fn() -> String);

pub const ALL: [Source; 10] = [
    (
        "fetchUserData: the coroutine runner over real requests",
        super::fetching::user_data,
    ),
    (
        "fetchUserNames: a user fetched when asked for",
        super::fetching::user_names,
    ),
    (
        "resilientFetcher: a failed fetch yielded, the rest go on",
        super::fetching::resilient,
    ),
    (
        "every page three ways: at once, by callback, as a stream",
        super::fetching::approaches,
    ),
    ("page-number pagination, stopped by the consumer", paginated),
    ("cursor pagination over Link headers", cursor),
    ("polling a health endpoint with backoff", polling),
    ("a file read in 4 KiB chunks", file_chunks),
    ("server-sent events, push to pull", server_sent_events),
    (
        "the log pipeline into SQLite",
        super::log_pipeline::log_pipeline,
    ),
];
