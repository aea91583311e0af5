//! Seed 004's log pipeline: pages of logs from an HTTP API → keep warnings
//! and errors → enrich each with its user (a cached lookup) → batches of 50
//! → each batch saved into SQLite in one transaction.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use axum::extract::{Path as UrlPath, Query};
use axum::routing::get;
use axum::{Json, Router};
use baton::async_gen::{AsyncIteratorExt, for_await};
use baton::{AsyncGen, Co, Error, Promise, spawn};
use serde_json::{Value, json};

use super::loopback::with_server;

const PAGES: u32 = 4;
const PER_PAGE: u32 = 100;
const LEVELS: [&str; 3] = ["info", "warn", "error"];

/// The log API, and how many user lookups reached it.
fn api(user_lookups: Arc<Mutex<u32>>) -> Router {
    Router::new()
        .route(
            "/logs",
            get(|Query(q): Query<HashMap<String, u32>>| async move {
                let page = q.get("page").copied().unwrap_or(1);
                let entries: Vec<Value> = (0..PER_PAGE)
                    .map(|i| {
                        let id = page.saturating_sub(1) * PER_PAGE + i;
                        json!({
                            "id": id,
                            "level": LEVELS[(id % 3) as usize],
                            "user": id % 7,
                            "msg": format!("event {id}"),
                        })
                    })
                    .collect();
                Json(json!({"page": page, "last_page": PAGES, "entries": entries}))
            }),
        )
        .route(
            "/users/{id}",
            get(move |UrlPath(id): UrlPath<u32>| {
                let lookups = user_lookups.clone();
                async move {
                    if let Ok(mut n) = lookups.lock() {
                        *n += 1;
                    }
                    Json(json!({"id": id, "name": format!("user-{id}")}))
                }
            }),
        )
}

fn get_json(url: String) -> Promise<Value> {
    spawn(async move {
        let response = reqwest::get(&url).await.map_err(Error::new)?;
        response.json::<Value>().await.map_err(Error::new)
    })
}

/// async function* logEntries() { for (page…) { const data = await fetch…; yield* data.entries } }
fn log_entries(base: String) -> AsyncGen<Value, (), (), Error> {
    AsyncGen::new(move |co: Co<Value, (), (), Error>| async move {
        let mut page = 1;
        loop {
            let body = get_json(format!("{base}/logs?page={page}")).await?;
            for entry in body["entries"].as_array().cloned().unwrap_or_default() {
                co.yield_(entry).await?;
            }
            if body["page"] == body["last_page"] {
                return Ok(());
            }
            page += 1;
        }
    })
}

/// One SQLite row per enriched entry.
fn save_batch(db: &rusqlite::Connection, batch: &[Value]) -> rusqlite::Result<()> {
    let tx = db.unchecked_transaction()?;
    for entry in batch {
        tx.execute(
            "INSERT INTO logs (id, level, user_name, msg) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![
                entry["id"].as_i64().unwrap_or_default(),
                entry["level"].as_str().unwrap_or_default(),
                entry["user_name"].as_str().unwrap_or_default(),
                entry["msg"].as_str().unwrap_or_default(),
            ],
        )?;
    }
    tx.commit()
}

/// Runs the pipeline into the database at `db_path`; returns the transcript.
pub fn run_into(db_path: &Path) -> String {
    let lookups = Arc::new(Mutex::new(0u32));
    let db = match rusqlite::Connection::open(db_path).and_then(|db| {
        db.execute_batch(
            "DROP TABLE IF EXISTS logs;
             CREATE TABLE logs (id INTEGER PRIMARY KEY, level TEXT, user_name TEXT, msg TEXT);",
        )?;
        Ok(db)
    }) {
        Ok(db) => Rc::new(db),
        Err(e) => return format!("could not open the database: {e}\n"),
    };
    let text = with_server(api(lookups.clone()), move |base| {
        let users: Rc<RefCell<HashMap<u64, Promise<Value>>>> = Rc::default();
        let user_base = base.clone();
        let batches = log_entries(base)
            .filter(|entry| entry["level"] != "info")
            .map_async(move |mut entry| {
                // A cached lookup: one request per user, shared by all waiters.
                let id = entry["user"].as_u64().unwrap_or_default();
                let user = users
                    .borrow_mut()
                    .entry(id)
                    .or_insert_with(|| get_json(format!("{user_base}/users/{id}")))
                    .clone();
                user.map(move |user| {
                    entry["user_name"] = user["name"].clone();
                    entry
                })
            })
            .batch(50);
        spawn(async move {
            let mut saved = 0;
            let mut batch_sizes = Vec::new();
            let failed = for_await(batches, async |batch| match save_batch(&db, &batch) {
                Ok(()) => {
                    saved += batch.len();
                    batch_sizes.push(batch.len());
                    ControlFlow::Continue(())
                }
                Err(e) => ControlFlow::Break(e),
            })
            .await?;
            if let Some(e) = failed {
                return Err(Error::new(e));
            }
            Ok::<_, Error>(format!(
                "saved {saved} entries in batches of {batch_sizes:?}\n"
            ))
        })
    });
    let lookups = lookups.lock().map(|n| *n).unwrap_or_default();
    format!("{text}user lookups over HTTP: {lookups}\n")
}

/// A scratch database path for this process.
pub fn scratch_db() -> PathBuf {
    std::env::temp_dir().join(format!("baton-logs-{}.sqlite", std::process::id()))
}

pub fn log_pipeline() -> String {
    let path = scratch_db();
    let mut text = run_into(&path);
    if let Ok(db) = rusqlite::Connection::open(&path) {
        let counts: rusqlite::Result<Vec<(String, i64)>> = db
            .prepare("SELECT level, COUNT(*) FROM logs GROUP BY level ORDER BY level")
            .and_then(|mut q| q.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect());
        if let Ok(counts) = counts {
            for (level, n) in counts {
                text += &format!("rows with level {level}: {n}\n");
            }
        }
    }
    let _ = std::fs::remove_file(&path);
    text
}
