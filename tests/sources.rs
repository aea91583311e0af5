//! Seed 004's real sources: exact transcripts over real HTTP, a real file
//! and a real event stream.

#[allow(dead_code)]
#[path = "../examples/seeds/mod.rs"]
mod seeds;

use seeds::{fetching, sources};

#[test]
fn pagination_stops_requesting_when_the_consumer_breaks() {
    let items: String = (1..=7).map(|i| format!("item {i}\n")).collect();
    assert_eq!(
        sources::paginated(),
        format!("{items}requested: page 1, page 2, page 3\n")
    );
}

#[test]
fn cursor_pagination_follows_link_headers_to_the_end() {
    let expected: String = (0..3)
        .flat_map(|c| (0..2).map(move |i| format!("event-{c}-{i}\n")))
        .collect();
    assert_eq!(sources::cursor(), expected);
}

#[test]
fn polling_backs_off_until_healthy() {
    assert_eq!(
        sources::polling(),
        "status 503, retrying in 10 ms\nstatus 503, retrying in 20 ms\nstatus 503, retrying in 40 ms\nhealthy\n"
    );
}

#[test]
fn a_file_is_read_in_fixed_chunks_with_the_remainder_last() {
    let sum: u64 = (0..10_000u32).map(|i| u64::from(i % 251)).sum();
    assert_eq!(
        sources::file_chunks(),
        format!(
            "chunk of 4096 bytes, 40% read\nchunk of 4096 bytes, 81% read\nchunk of 1808 bytes, 100% read\n10000 bytes, checksum {sum}\n"
        )
    );
}

#[test]
fn server_sent_events_arrive_in_order_and_early_exit_closes_the_connection() {
    let events: String = (0..5).map(|i| format!("received tick {i}\n")).collect();
    assert_eq!(
        sources::server_sent_events(),
        format!(
            "{events}consumer: done after 5 events\nserver: the client closed the connection\n"
        )
    );
}

#[test]
fn the_log_pipeline_saves_enriched_warnings_and_errors_into_sqlite() {
    let path = std::env::temp_dir().join(format!("baton-test-logs-{}.sqlite", std::process::id()));
    let transcript = seeds::log_pipeline::run_into(&path);
    assert_eq!(
        transcript,
        "saved 266 entries in batches of [50, 50, 50, 50, 50, 16]\nuser lookups over HTTP: 7\n"
    );
    let db = rusqlite::Connection::open(&path).expect("database");
    let count: i64 = db
        .query_row("SELECT COUNT(*) FROM logs", [], |r| r.get(0))
        .expect("count");
    assert_eq!(count, 266);
    let infos: i64 = db
        .query_row("SELECT COUNT(*) FROM logs WHERE level = 'info'", [], |r| {
            r.get(0)
        })
        .expect("infos");
    assert_eq!(infos, 0, "info entries were filtered out");
    let (id, level, user, msg): (i64, String, String, String) = db
        .query_row(
            "SELECT id, level, user_name, msg FROM logs WHERE id = 8",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("row 8");
    assert_eq!(
        (id, level.as_str(), user.as_str(), msg.as_str()),
        (8, "error", "user-1", "event 8")
    );
    let names: i64 = db
        .query_row("SELECT COUNT(DISTINCT user_name) FROM logs", [], |r| {
            r.get(0)
        })
        .expect("names");
    assert_eq!(names, 7);
    drop(db);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn each_user_is_fetched_when_the_consumer_asks_for_it() {
    assert_eq!(
        fetching::user_names(),
        "{ value: \"Leanne Graham\", done: false } (users fetched: 1)\n\
         { value: \"Ervin Howell\", done: false } (users fetched: 2)\n\
         { value: \"Clementine Bauch\", done: false } (users fetched: 3)\n\
         { value: undefined, done: true } (users fetched: 3)\n"
    );
}

#[test]
fn a_failed_fetch_is_yielded_and_the_rest_go_on() {
    assert_eq!(
        fetching::resilient(),
        "Success: /posts?id=1 - \"sunt aut facere\"\n\
         Failed: /fail - HTTP 404 for /fail\n\
         Success: /posts?id=2 - \"qui est esse\"\n"
    );
}

#[test]
fn a_stream_gives_the_first_item_after_one_request_and_stops_with_its_consumer() {
    let by_callback: String = ["a1 (requests: 1)", "a2 (requests: 1)", "b1 (requests: 2)"]
        .into_iter()
        .chain(["b2 (requests: 2)", "c1 (requests: 3)", "c2 (requests: 3)"])
        .map(|line| format!("  {line}\n"))
        .collect();
    assert_eq!(
        fetching::approaches(),
        format!(
            "all at once: 6 items, the first (a1) after 3 requests\n\
             a callback per item:\n{by_callback}\
             a stream, stopped after three items:\n  a1 (requests: 1)\n  a2 (requests: 1)\n  \
             b1 (requests: 2)\nstopped after 2 requests\n"
        )
    );
}

#[test]
fn the_coroutine_runner_fetches_a_user_then_posts_then_comments() {
    assert_eq!(
        fetching::user_data(),
        "GET /api/users/42\nGET /api/users/42/posts\nGET /api/posts/7/comments\n\
         {\"comments\":[{\"body\":\"first!\"}],\"posts\":[{\"id\":7,\"title\":\"Notes\"},\
         {\"id\":8,\"title\":\"Engines\"}],\"user\":{\"id\":42,\"name\":\"Ada\"}}\n"
    );
}
