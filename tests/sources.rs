//! Seed 004's real sources: exact transcripts over real HTTP, a real file
//! and a real event stream.

#[allow(dead_code)]
#[path = "../examples/seeds/mod.rs"]
mod seeds;

use seeds::sources;

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
