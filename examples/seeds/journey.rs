//! Seed 000's journey: fetch a profile, then its interests, then
//! recommendations for each interest, then render the page — written six
//! ways, from callback hell to async/await. The fetches are real HTTP calls
//! (reqwest) to a small JSON server (axum) on loopback; all six print the
//! same page.

use std::cell::RefCell;
use std::rc::Rc;

use axum::extract::{Path, Query};
use axum::routing::get;
use axum::{Json, Router};
use baton::promise::all;
use baton::runner::run;
use baton::{Co, Error, Gen, Promise, spawn};
use serde_json::{Value, json};

/// The loopback API the page is built from.
fn api() -> Router {
    Router::new()
        .route(
            "/users/{id}",
            get(|Path(id): Path<u32>| async move { Json(json!({"id": id, "name": "Ada Lovelace"})) }),
        )
        .route(
            "/users/{id}/interests",
            get(|Path(_id): Path<u32>| async { Json(json!(["engines", "poetry"])) }),
        )
        .route(
            "/recommendations",
            get(|Query(q): Query<std::collections::HashMap<String, String>>| async move {
                let topic = q.get("topic").cloned().unwrap_or_default();
                let items = match topic.as_str() {
                    "engines" => json!(["The Difference Engine", "Notes on the Analytical Engine"]),
                    "poetry" => json!(["Childe Harold", "She Walks in Beauty"]),
                    _ => json!([]),
                };
                Json(json!({"topic": topic, "items": items}))
            }),
        )
}

/// `fetchJson(url)`: a promise of the parsed JSON body.
fn fetch_json(url: String) -> Promise<Value> {
    spawn(async move {
        let response = reqwest::get(&url).await.map_err(Error::new)?;
        response.json::<Value>().await.map_err(Error::new)
    })
}

/// The callback flavour: `fetchJson(url, (err, body) => …)`.
fn fetch_json_cb(url: String, callback: impl FnOnce(Result<Value, Error>) + 'static) {
    fetch_json(url)
        .then_else(|body| Ok(Ok(body)), |e| Ok(Err(e)))
        .map(callback);
}

fn render(profile: &Value, interests: &Value, recommendations: &[Value]) -> String {
    let mut page = format!("<h1>{}</h1>\n", profile["name"].as_str().unwrap_or("?"));
    let topics: Vec<&str> = interests
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    page += &format!("<p>interests: {}</p>\n", topics.join(", "));
    for rec in recommendations {
        let items: Vec<&str> = rec["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        page += &format!(
            "<li>{}: {}</li>\n",
            rec["topic"].as_str().unwrap_or("?"),
            items.join("; ")
        );
    }
    page
}

pub struct Api {
    base: String,
}

impl Api {
    fn profile(&self) -> String {
        format!("{}/users/1", self.base)
    }
    fn interests(&self, profile: &Value) -> String {
        format!("{}/users/{}/interests", self.base, profile["id"])
    }
    fn recommendations(&self, topic: &Value) -> String {
        format!(
            "{}/recommendations?topic={}",
            self.base,
            topic.as_str().unwrap_or("")
        )
    }
    fn topics(interests: &Value) -> Vec<Value> {
        interests.as_array().cloned().unwrap_or_default()
    }
}

/// Way 1: Callback hell: each step nests inside the previous one's callback.
fn with_callbacks(api: Rc<Api>) -> Promise<String> {
    Promise::new(move |page| {
        let a = api.clone();
        fetch_json_cb(api.profile(), move |profile| {
            let Ok(profile) = profile.map_err(|e| page.reject(e)) else {
                return;
            };
            let a2 = a.clone();
            fetch_json_cb(a.interests(&profile), move |interests| {
                let Ok(interests) = interests.map_err(|e| page.reject(e)) else {
                    return;
                };
                let topics = Api::topics(&interests);
                let results = Rc::new(RefCell::new(vec![None; topics.len()]));
                let remaining = Rc::new(RefCell::new(topics.len()));
                for (i, topic) in topics.iter().enumerate() {
                    let (results, remaining, page) =
                        (results.clone(), remaining.clone(), page.clone());
                    let (profile, interests) = (profile.clone(), interests.clone());
                    fetch_json_cb(a2.recommendations(topic), move |rec| {
                        let Ok(rec) = rec.map_err(|e| page.reject(e)) else {
                            return;
                        };
                        results.borrow_mut()[i] = Some(rec);
                        *remaining.borrow_mut() -= 1;
                        if *remaining.borrow() == 0 {
                            let recs: Vec<Value> =
                                results.borrow_mut().drain(..).flatten().collect();
                            page.resolve(render(&profile, &interests, &recs));
                        }
                    });
                }
            });
        });
    })
}

/// Way 2: A flat promise chain. In JavaScript the last link cannot see
/// `profile` or `interests`; in Rust it cannot even name them (a compile
/// error, not a runtime surprise). The only way to keep a flat chain is to
/// thread every earlier value through each link's result.
fn with_promise_chain(api: Rc<Api>) -> Promise<String> {
    let (a, b) = (api.clone(), api.clone());
    fetch_json(api.profile())
        .then(move |profile| {
            fetch_json(a.interests(&profile)).map(move |interests| (profile, interests))
        })
        .then(move |(profile, interests)| {
            let recs = all(Api::topics(&interests)
                .iter()
                .map(|t| fetch_json(b.recommendations(t))));
            recs.map(move |recs| (profile, interests, recs))
        })
        .map(|(profile, interests, recs)| render(&profile, &interests, &recs))
}

/// Way 3: Nested promises: each `then` nests the next, so inner handlers see
/// outer values — the pyramid is back.
fn with_nested_promises(api: Rc<Api>) -> Promise<String> {
    let a = api.clone();
    fetch_json(api.profile()).then(move |profile| {
        let b = a.clone();
        fetch_json(a.interests(&profile)).then(move |interests| {
            all(Api::topics(&interests)
                .iter()
                .map(|t| fetch_json(b.recommendations(t))))
            .map(move |recs| render(&profile, &interests, &recs))
        })
    })
}

/// Way 4: A flat chain with closure "caches": the values are stashed in
/// captured cells, and the handlers' own arguments must be named
/// differently (`fetched_user`, `fetched_interests`) so as not to shadow
/// them.
fn with_closures(api: Rc<Api>) -> Promise<String> {
    let user: Rc<RefCell<Value>> = Rc::default();
    let interests: Rc<RefCell<Value>> = Rc::default();
    let (a, b) = (api.clone(), api.clone());
    let (u1, u2) = (user.clone(), user);
    let (i1, i2) = (interests.clone(), interests);
    fetch_json(api.profile())
        .then(move |fetched_user| {
            let url = a.interests(&fetched_user);
            *u1.borrow_mut() = fetched_user;
            fetch_json(url)
        })
        .then(move |fetched_interests| {
            let recs = all(Api::topics(&fetched_interests)
                .iter()
                .map(|t| fetch_json(b.recommendations(t))));
            *i1.borrow_mut() = fetched_interests;
            recs
        })
        .map(move |recs| render(&u2.borrow(), &i2.borrow(), &recs))
}

/// Way 5: A generator driven by `run` (co): straight-line code again.
fn with_generator(api: Rc<Api>) -> Promise<String> {
    run(Gen::new(
        move |co: Co<Promise<Value>, Value, String, Error>| async move {
            let profile = co.yield_(fetch_json(api.profile())).await?;
            let interests = co.yield_(fetch_json(api.interests(&profile))).await?;
            let waits = Api::topics(&interests)
                .into_iter()
                .map(|t| fetch_json(api.recommendations(&t)));
            let recs = co.yield_(all(waits).map(Value::Array)).await?;
            let recs = recs.as_array().cloned().unwrap_or_default();
            Ok(render(&profile, &interests, &recs))
        },
    ))
}

/// Way 6: async/await.
fn with_async_await(api: Rc<Api>) -> Promise<String> {
    spawn(async move {
        let profile = fetch_json(api.profile()).await?;
        let interests = fetch_json(api.interests(&profile)).await?;
        let recs = all(Api::topics(&interests)
            .iter()
            .map(|t| fetch_json(api.recommendations(t))))
        .await?;
        Ok::<_, Error>(render(&profile, &interests, &recs))
    })
}

type Way = fn(Rc<Api>) -> Promise<String>;

pub const WAYS: [(&str, Way); 6] = [
    ("callbacks", with_callbacks),
    (
        "promise chain (values threaded through)",
        with_promise_chain,
    ),
    ("nested promises", with_nested_promises),
    ("closures with renamed captures", with_closures),
    ("generator driven by run (co)", with_generator),
    ("async/await", with_async_await),
];

/// Starts the server, renders the page each way, returns the transcript.
pub fn journey() -> String {
    super::loopback::with_server(api(), |base| {
        let api = Rc::new(Api { base });
        spawn(async move {
            let mut out = String::new();
            for (name, way) in WAYS {
                let page = way(api.clone()).await?;
                out += &format!("[{name}]\n{page}");
            }
            Ok::<_, Error>(out)
        })
    })
}
