//! A real HTTP server on loopback for the examples: an axum app served on
//! a current-thread tokio runtime, with baton's loop running inside it.

use baton::{EventLoop, Promise};

/// Serves `app` on 127.0.0.1 (a free port), runs `body(base_url)` on a
/// real-clock baton loop inside the same runtime, and returns the text its
/// promise resolves to (or what went wrong).
pub fn with_server(
    app: axum::Router,
    body: impl FnOnce(String) -> Promise<String> + 'static,
) -> String {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return format!("could not start a runtime: {e}\n"),
    };
    runtime.block_on(async {
        let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
            Ok(listener) => listener,
            Err(e) => return format!("could not listen on loopback: {e}\n"),
        };
        let base = match listener.local_addr() {
            Ok(addr) => format!("http://{addr}"),
            Err(e) => return format!("no local address: {e}\n"),
        };
        tokio::spawn(async move { axum::serve(listener, app).await });
        let transcript = EventLoop::real_clock().run_async(move || body(base)).await;
        match transcript.peek() {
            Some(Ok(text)) => text,
            Some(Err(e)) => format!("failed: {e}\n"),
            None => "never finished\n".to_string(),
        }
    })
}
