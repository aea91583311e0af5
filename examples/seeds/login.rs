//! Seed 003's `loginSaga` on a store: `take(LOGIN_REQUEST)` → `put(LOADING)`
//! → `call(login)` → `put(SUCCESS | FAILURE)`, forever. The login call is a
//! real HTTP request to a server on loopback here; `tests/saga_store.rs`
//! steps the same saga with nothing performed.

use axum::Router;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::routing::get;
use baton::saga::{Action, Effect, Runtime, SagaCo, Store, Value, call, put, take};
use baton::{Body, Error, Gen, Promise, set_timeout, spawn};

use super::js::Log;
use super::loopback::with_server;

#[derive(Clone, Debug, PartialEq)]
pub enum Login {
    Request { username: String },
    Loading,
    Success { payload: String },
    Failure { payload: String },
}

impl Action for Login {
    fn action_type(&self) -> &str {
        match self {
            Login::Request { .. } => "LOGIN_REQUEST",
            Login::Loading => "LOGIN_LOADING",
            Login::Success { .. } => "LOGIN_SUCCESS",
            Login::Failure { .. } => "LOGIN_FAILURE",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Session {
    pub loading: bool,
    pub user: Option<String>,
    pub error: Option<String>,
}

pub fn reducer(state: &mut Session, action: &Login) {
    match action {
        Login::Request { .. } => {}
        Login::Loading => state.loading = true,
        Login::Success { payload } => {
            *state = Session {
                loading: false,
                user: Some(payload.clone()),
                error: None,
            }
        }
        Login::Failure { payload } => {
            state.loading = false;
            state.error = Some(payload.clone());
        }
    }
}

/// function* loginSaga() { while (true) { const action = yield take("LOGIN_REQUEST"); … } }
pub fn login_saga(
    login: impl Fn(String) -> Promise<String> + Copy + 'static,
) -> Gen<impl Body<(), Error>, Effect, Value, (), Error> {
    Gen::new(move |co: SagaCo<()>| async move {
        loop {
            let Login::Request { username } = take(&co, "LOGIN_REQUEST").await? else {
                continue;
            };
            put(&co, Login::Loading).await?;
            match call(&co, login, username).await {
                Ok(payload) => put(&co, Login::Success { payload }).await?,
                Err(baton::Abrupt::Throw(e)) => {
                    put(
                        &co,
                        Login::Failure {
                            payload: e.to_string(),
                        },
                    )
                    .await?
                }
                Err(abrupt) => return Err(abrupt),
            }
        }
    })
}

thread_local! {
    static BASE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// `fetch("/api/login?user=…")`: the session token, or the server's error.
pub fn http_login(username: String) -> Promise<String> {
    let url = BASE.with(|b| format!("{}/api/login?user={username}", b.borrow()));
    spawn(async move {
        let response = reqwest::get(&url).await.map_err(Error::new)?;
        let status = response.status();
        let text = response.text().await.map_err(Error::new)?;
        if status.is_success() {
            Ok(text)
        } else {
            Err(Error::msg(format!("{status}: {text}")))
        }
    })
}

fn app() -> Router {
    type Params = Query<std::collections::HashMap<String, String>>;
    Router::new().route(
        "/api/login",
        get(|q: Params| async move {
            match q.get("user").map(String::as_str) {
                Some("alice") => (StatusCode::OK, "token-for-alice".to_string()),
                other => (
                    StatusCode::UNAUTHORIZED,
                    format!("unknown user {}", other.unwrap_or("")),
                ),
            }
        }),
    )
}

/// Two login attempts dispatched to the store; the log shows every action
/// and the state after it.
pub fn over_http() -> String {
    with_server(app(), |base| {
        BASE.with(|b| *b.borrow_mut() = base);
        let log = Log::default();
        let store = Store::new(Session::default(), reducer);
        let l = log.clone();
        let s = store.clone();
        store.subscribe(move |action: &Login| {
            l.line(format_args!("{action:?} → {:?}", s.state()));
        });
        let runtime = Runtime::new().with_store(&store);
        let task = runtime.run("loginSaga", login_saga(http_login));
        let (done, finish) = Promise::<String, Error>::with_resolver();
        let attempts = [("mallory", 0), ("alice", 300)];
        for (user, at) in attempts {
            let store = store.clone();
            set_timeout(
                move || {
                    store.dispatch(Login::Request {
                        username: user.into(),
                    })
                },
                std::time::Duration::from_millis(at),
            );
        }
        set_timeout(
            move || {
                task.cancel(Error::msg("done"));
                finish.resolve(log.text());
            },
            std::time::Duration::from_millis(600),
        );
        done
    })
}
