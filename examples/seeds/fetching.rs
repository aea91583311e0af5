//! Seed 003's `fetchUserData` through the coroutine runner, and seed
//! 004's fetching examples, against a real server on loopback:
//! `fetchUserNames` (a request only when the consumer asks),
//! `resilientFetcher` (a failed fetch yielded as a result, the rest go on)
//! and the three ways to fetch every page (all at once, a callback per
//! item, a stream the consumer can stop).

use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Router, response::IntoResponse};
use baton::async_gen::{fall_off, for_await};
use baton::runner::run;
use baton::{AsyncGen, Co, Error, Gen, Promise, Step, spawn};
use serde_json::{Value, json};

use super::js::Log;
use super::loopback::with_server;
use super::sources::{Params, Requests, get_json, note, noted, param};

const NAMES: [&str; 3] = ["Leanne Graham", "Ervin Howell", "Clementine Bauch"];

fn count(requests: &Requests) -> usize {
    requests.lock().map(|r| r.len()).unwrap_or_default()
}

/// async function* fetchUserNames(userIds) { for (id of userIds) { … yield user.name } }
fn fetch_user_names(base: String, ids: Vec<u32>) -> AsyncGen<String, (), (), Error> {
    AsyncGen::new(move |co: Co<String, (), (), Error>| async move {
        for id in ids {
            let (_, _, user) = get_json(format!("{base}/users?id={id}")).await?;
            co.yield_(user["name"].as_str().unwrap_or_default().to_string())
                .await?;
        }
        fall_off()
    })
}

/// Each name is fetched when it is asked for: the server has answered one
/// request more at each step, none at the end.
pub fn user_names() -> String {
    let requests: Requests = Arc::default();
    let seen = requests.clone();
    let app = Router::new().route(
        "/users",
        get(move |q: Params| {
            let requests = seen.clone();
            async move {
                let id = param(&q, "id");
                note(&requests, format!("user {id}"));
                let name = (id as usize).checked_sub(1).and_then(|i| NAMES.get(i));
                let name = name.copied().unwrap_or("nobody");
                Json(json!({ "id": id, "name": name }))
            }
        }),
    );
    with_server(app, move |base| {
        spawn(async move {
            let log = Log::default();
            let names = fetch_user_names(base, vec![1, 2, 3]);
            for _ in 0..4 {
                let shown = match names.next(()).await? {
                    Step::Yielded(name) => format!("{{ value: {name:?}, done: false }}"),
                    _ => "{ value: undefined, done: true }".into(),
                };
                let fetched = count(&requests);
                log.line(format_args!("{shown} (users fetched: {fetched})"));
            }
            Ok::<_, Error>(log.text())
        })
    })
}

/// What `resilientFetcher` yields for a path: its post's title, or why it
/// failed.
type Fetched = (String, Result<String, String>);

/// async function* resilientFetcher(urls) { for (url of urls) { try { … } catch { … } } }
fn resilient_fetcher(base: String, paths: Vec<&'static str>) -> AsyncGen<Fetched, (), (), Error> {
    AsyncGen::new(move |co: Co<Fetched, (), (), Error>| async move {
        for path in paths {
            let fetched: Result<Value, Error> = async {
                let (status, _, data) = get_json(format!("{base}{path}")).await?;
                if status != 200 {
                    return Err(Error::msg(format!("HTTP {status} for {path}")));
                }
                Ok(data)
            }
            .await;
            let result = fetched
                .map(|data| data["title"].as_str().unwrap_or_default().to_string())
                .map_err(|e| e.to_string());
            co.yield_((path.to_string(), result)).await?;
        }
        fall_off()
    })
}

/// A failed fetch does not end the generator: it yields the failure and
/// goes on to the next URL.
pub fn resilient() -> String {
    let app = Router::new()
        .route(
            "/posts",
            get(|q: Params| async move {
                let titles = ["sunt aut facere", "qui est esse"];
                let at = (param(&q, "id") as usize).checked_sub(1);
                let title = at.and_then(|i| titles.get(i)).copied();
                Json(json!({ "title": title })).into_response()
            }),
        )
        .route(
            "/fail",
            get(|| async {
                (
                    StatusCode::NOT_FOUND,
                    Json(json!({ "error": "no such page" })),
                )
            }),
        );
    with_server(app, move |base| {
        spawn(async move {
            let log = Log::default();
            let paths = vec!["/posts?id=1", "/fail", "/posts?id=2"];
            for_await(resilient_fetcher(base, paths), async |(path, result)| {
                match result {
                    Ok(title) => log.line(format_args!("Success: {path} - {title:?}")),
                    Err(error) => log.line(format_args!("Failed: {path} - {error}")),
                }
                ControlFlow::<()>::Continue(())
            })
            .await?;
            Ok::<_, Error>(log.text())
        })
    })
}

/// The server's pages: two results each, the third the last.
fn pages_app(requests: &Requests) -> Router {
    let seen = requests.clone();
    Router::new().route(
        "/results",
        get(move |q: Params| {
            let requests = seen.clone();
            async move {
                let page = param(&q, "page");
                note(&requests, format!("page {page}"));
                let letter = char::from(b'a' + (page.clamp(1, 26) - 1) as u8);
                let next = (page < 3).then_some(page + 1);
                Json(json!({ "results": [format!("{letter}1"), format!("{letter}2")], "nextPage": next }))
            }
        }),
    )
}

fn results(data: &Value) -> Vec<String> {
    let results = data["results"].as_array().cloned().unwrap_or_default();
    results
        .iter()
        .map(|r| r.as_str().unwrap_or_default().to_string())
        .collect()
}

/// Approach 1: async function fetchAllAtOnce(url): every page first.
fn fetch_all_at_once(url: String) -> Promise<Vec<String>> {
    spawn(async move {
        let mut all = Vec::new();
        let mut page = Some(1);
        while let Some(n) = page {
            let (_, _, data) = get_json(format!("{url}?page={n}")).await?;
            all.extend(results(&data));
            page = data["nextPage"].as_u64();
        }
        Ok::<_, Error>(all)
    })
}

/// Approach 2: async function fetchWithCallback(url, onItem): the fetcher
/// calls (and awaits) the consumer for each item.
async fn fetch_with_callback(
    url: String,
    mut on_item: impl AsyncFnMut(String),
) -> Result<(), Error> {
    let mut page = Some(1);
    while let Some(n) = page {
        let (_, _, data) = get_json(format!("{url}?page={n}")).await?;
        for item in results(&data) {
            on_item(item).await;
        }
        page = data["nextPage"].as_u64();
    }
    Ok(())
}

/// Approach 3: async function* fetchAsStream(url): the consumer pulls.
fn fetch_as_stream(url: String) -> AsyncGen<String, (), (), Error> {
    AsyncGen::new(move |co: Co<String, (), (), Error>| async move {
        let mut page = Some(1);
        while let Some(n) = page {
            let (_, _, data) = get_json(format!("{url}?page={n}")).await?;
            for item in results(&data) {
                co.yield_(item).await?;
            }
            page = data["nextPage"].as_u64();
        }
        fall_off()
    })
}

/// The same pages three ways, with the requests made by the time each
/// item reaches the consumer: all at once waits for every page; a
/// callback sees each as it comes but cannot stop the fetcher; a stream
/// does both, and stopping it after three items leaves the last page
/// unrequested.
pub fn approaches() -> String {
    let requests: Requests = Arc::new(Mutex::new(Vec::new()));
    let app = pages_app(&requests);
    with_server(app, move |base| {
        spawn(async move {
            let log = Log::default();
            let url = format!("{base}/results");
            let restart = || {
                if let Ok(mut r) = requests.lock() {
                    r.clear();
                }
            };

            let all = fetch_all_at_once(url.clone()).await?;
            log.line(format_args!(
                "all at once: {} items, the first ({}) after {} requests",
                all.len(),
                all.first().map_or("none", String::as_str),
                count(&requests)
            ));

            restart();
            log.line("a callback per item:");
            fetch_with_callback(url.clone(), async |item| {
                log.line(format_args!("  {item} (requests: {})", count(&requests)));
            })
            .await?;

            restart();
            log.line("a stream, stopped after three items:");
            let mut taken = 0;
            for_await(fetch_as_stream(url), async |item| {
                log.line(format_args!("  {item} (requests: {})", count(&requests)));
                taken += 1;
                if taken == 3 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
            .await?;
            log.line(format_args!("stopped after {} requests", count(&requests)));
            Ok::<_, Error>(log.text())
        })
    })
}

/// function* fetchUserData(userId) { const user = yield fetch(…); … return { user, posts, comments } }
/// (seed 003's coroutine runner), driven by `run`: each yielded promise's
/// value comes back at its `yield`.
fn fetch_user_data(base: String, user_id: u32) -> Promise<Value> {
    run(Gen::new(
        move |co: Co<Promise<Value>, Value, Value, Error>| async move {
            let json = |path: String| get_json(format!("{base}{path}")).map(|(_, _, body)| body);
            let user = co.yield_(json(format!("/api/users/{user_id}"))).await?;
            let posts = co
                .yield_(json(format!("/api/users/{user_id}/posts")))
                .await?;
            let first = posts[0]["id"].as_u64().unwrap_or_default();
            let comments = co
                .yield_(json(format!("/api/posts/{first}/comments")))
                .await?;
            Ok(json!({ "user": user, "posts": posts, "comments": comments }))
        },
    ))
}

/// `run(fetchUserData, 42).then(data => console.log(data))`, against a
/// server that logs each request.
pub fn user_data() -> String {
    let requests: Requests = Arc::default();
    let (users, posts, comments) = (requests.clone(), requests.clone(), requests.clone());
    let app = Router::new()
        .route(
            "/api/users/42",
            get(move || async move {
                note(&users, "GET /api/users/42".into());
                Json(json!({ "id": 42, "name": "Ada" }))
            }),
        )
        .route(
            "/api/users/42/posts",
            get(move || async move {
                note(&posts, "GET /api/users/42/posts".into());
                Json(json!([{ "id": 7, "title": "Notes" }, { "id": 8, "title": "Engines" }]))
            }),
        )
        .route(
            "/api/posts/7/comments",
            get(move || async move {
                note(&comments, "GET /api/posts/7/comments".into());
                Json(json!([{ "body": "first!" }]))
            }),
        );
    let data = with_server(app, move |base| {
        fetch_user_data(base, 42).map(|data| format!("{data}\n"))
    });
    let asked = noted(&requests, "\n");
    format!("{asked}\n{data}")
}
