//! `TokenCache`: one access token shared by every thread, fetched once per refresh.
//!
//! Written once here, so Kotlin, Swift and Python all get the same one: the fetch is a foreign
//! trait (the app's HTTP call), the waiting is a `Condvar` in Rust. The rule of when to refresh
//! is the core's ([`AccessToken::needs_refresh`]).

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, ThreadId};

use snapsign_core::access_token::TokenResponse;
use snapsign_core::token_lifetime::{AccessToken, DEFAULT_REFRESH_MARGIN_SECONDS};
use zeroize::Zeroizing;

use super::{now_unix_millis, response_code_text, SnapError};

/// The app's access-token request, implemented in Kotlin, Swift or Python: sign it
/// (`tokenRequestHeaders`), send it, and return the response body exactly as received, success
/// or not (the cache parses it, and turns an error `responseCode` into `TokenRefused`).
///
/// Called by [`TokenCache`] on the thread that asked for the token, while the others wait; never
/// twice at once for one cache. It must not ask its own cache for a token.
#[uniffi::export(foreign)]
pub trait TokenFetcher: Send + Sync {
    /// Requests a new access token and returns the response body.
    fn fetch(&self) -> Result<Vec<u8>, SnapError>;
}

/// The state behind the lock.
#[derive(Default)]
struct State {
    /// The last token fetched.
    token: Option<AccessToken>,
    /// The thread running the fetch, while one runs.
    fetching: Option<ThreadId>,
    /// Fetches finished so far (a waiter knows its fetch ended when this moves on).
    fetches: u64,
    /// The error of the last fetch, when it failed.
    failure: Option<SnapError>,
}

/// An access token shared by all threads: [`token`](Self::token) returns the cached token while
/// it has more than `margin_seconds` to live (the core's `needs_refresh`), and otherwise fetches a
/// new one through the [`TokenFetcher`]. When many threads ask at once, one of them calls `fetch`
/// and the others wait for its result (the token, or the same error): one fetch per refresh. A
/// failed fetch is not retried for the threads that waited on it; the next call tries again.
///
/// The clock is this machine's ([`token_at`](Self::token_at) takes yours). A response without
/// `expiresIn` is taken to live the standard's 900 s.
#[derive(uniffi::Object)]
pub struct TokenCache {
    fetcher: Arc<dyn TokenFetcher>,
    margin_seconds: u32,
    state: Mutex<State>,
    finished: Condvar,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache").field("margin_seconds", &self.margin_seconds).finish_non_exhaustive()
    }
}

/// Ends a fetch even when it unwinds (a panic in a callback), so that no waiter waits forever.
struct Fetch<'a> {
    cache: &'a TokenCache,
    outcome: Option<Result<AccessToken, SnapError>>,
}

impl Drop for Fetch<'_> {
    fn drop(&mut self) {
        let outcome = self.outcome.take().unwrap_or_else(|| {
            Err(SnapError::Internal { reason: "the token fetch panicked (a bug: please report it)".to_owned() })
        });
        let mut s = self.cache.lock();
        s.fetching = None;
        s.fetches = s.fetches.wrapping_add(1);
        match outcome {
            Ok(token) => {
                s.token = Some(token);
                s.failure = None;
            }
            Err(e) => s.failure = Some(e),
        }
        drop(s);
        self.cache.finished.notify_all();
    }
}

impl TokenCache {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Nothing panics while holding the lock; if something did, the state is still whole.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The token for the time `now()` gives; a fetched token counts from `now()` after the fetch.
    fn get(&self, now: impl Fn() -> i64) -> Result<String, SnapError> {
        let me = thread::current().id();
        let mut s = self.lock();
        loop {
            if let Some(t) = &s.token {
                if !t.needs_refresh(now(), self.margin_seconds) {
                    return Ok(t.token().to_owned());
                }
            }
            match s.fetching {
                None => break,
                Some(id) if id == me => {
                    return Err(SnapError::FetchFailed {
                        reason: "the token fetcher asked its own TokenCache for a token".to_owned(),
                    })
                }
                Some(_) => {}
            }
            let fetch = s.fetches;
            while s.fetching.is_some() && s.fetches == fetch {
                s = self.finished.wait(s).unwrap_or_else(PoisonError::into_inner);
            }
            // The fetch this thread waited for: its result, whatever the margin says of it.
            if s.fetches == fetch.wrapping_add(1) {
                if let Some(e) = &s.failure {
                    return Err(e.clone());
                }
                if let Some(t) = &s.token {
                    return Ok(t.token().to_owned());
                }
            }
        }
        s.fetching = Some(me);
        drop(s);
        let mut fetch = Fetch { cache: self, outcome: None };
        let outcome = self.fetch(&now);
        let result = outcome.as_ref().map(|t| t.token().to_owned()).map_err(Clone::clone);
        fetch.outcome = Some(outcome);
        drop(fetch);
        result
    }

    fn fetch(&self, now: &impl Fn() -> i64) -> Result<AccessToken, SnapError> {
        let body = Zeroizing::new(self.fetcher.fetch()?);
        let received = now();
        let response = TokenResponse::parse(&body)?;
        let code = response.response_code;
        if !code.is_success() {
            let response_code = response_code_text(code);
            let response_message = response.response_message.as_str().to_owned();
            let meaning = code.describe().message.unwrap_or("a code the standard does not list");
            return Err(SnapError::TokenRefused {
                reason: format!(
                    "the provider refused the access-token request: {response_code} {response_message:?} \
                     (the standard: {meaning})"
                ),
                response_code,
                response_message,
            });
        }
        Ok(AccessToken::from_response(response, received)?)
    }
}

#[uniffi::export]
impl TokenCache {
    /// A cache over `fetcher`, refreshing `margin_seconds` (default 60) before the token
    /// expires. Nothing is fetched until the first [`token`](Self::token).
    #[uniffi::constructor(default(margin_seconds = 60))]
    pub fn new(fetcher: Arc<dyn TokenFetcher>, margin_seconds: u32) -> Self {
        TokenCache { fetcher, margin_seconds, state: Mutex::new(State::default()), finished: Condvar::new() }
    }

    /// The access token (without `Bearer `), fetched first when there is none or it has
    /// `margin_seconds` or less to live. Errors: those of the fetcher, `TokenRefused`, the
    /// response's `InvalidJson` / `InvalidResponse`.
    pub fn token(&self) -> Result<String, SnapError> {
        self.get(now_unix_millis)
    }

    /// [`token`](Self::token) at `now_unix_millis` by your clock instead of this machine's (a
    /// token fetched now counts as received then).
    pub fn token_at(&self, now_unix_millis: i64) -> Result<String, SnapError> {
        self.get(|| now_unix_millis)
    }

    /// Forgets the token, so that the next call fetches a new one: after the provider answered
    /// `401xx01` (invalid token) to a call made with it.
    pub fn invalidate(&self) {
        self.lock().token = None;
    }

    /// When the cached token expires (Unix milliseconds), `None` when there is none.
    pub fn expires_at_unix_millis(&self) -> Option<i64> {
        self.lock().token.as_ref().map(AccessToken::expires_at_unix_millis)
    }

    /// The margin this cache refreshes with.
    pub fn margin_seconds(&self) -> u32 {
        self.margin_seconds
    }
}

const _: () = assert!(DEFAULT_REFRESH_MARGIN_SECONDS == 60, "the constructor's default(margin_seconds = 60)");

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Barrier;
    use std::time::Duration;

    use super::*;

    struct Counting {
        calls: AtomicUsize,
        body: &'static [u8],
    }

    impl TokenFetcher for Counting {
        fn fetch(&self) -> Result<Vec<u8>, SnapError> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            // Long enough for every other thread to arrive and wait (a late one would find the
            // token fresh; after a failure it would fetch again, hence longer).
            thread::sleep(Duration::from_millis(if self.body.is_empty() { 500 } else { 50 }));
            if self.body.is_empty() {
                return Err(SnapError::FetchFailed { reason: format!("network down ({n})") });
            }
            Ok(self.body.to_vec())
        }
    }

    fn cache(body: &'static [u8]) -> (Arc<Counting>, TokenCache) {
        let f = Arc::new(Counting { calls: AtomicUsize::new(0), body });
        (f.clone(), TokenCache::new(f, DEFAULT_REFRESH_MARGIN_SECONDS))
    }

    const OK: &[u8] = br#"{"responseCode":"2007300","accessToken":"tok","tokenType":"Bearer","expiresIn":"900"}"#;

    fn at_once(c: &TokenCache, threads: usize, now: i64) -> Vec<Result<String, SnapError>> {
        let barrier = Barrier::new(threads);
        thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        barrier.wait();
                        c.token_at(now)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        })
    }

    #[test]
    fn one_fetch_per_refresh_for_32_threads() {
        let (f, c) = cache(OK);
        assert!(at_once(&c, 32, 0).iter().all(|r| r.as_deref() == Ok("tok")));
        assert_eq!(f.calls.load(Ordering::SeqCst), 1);
        assert_eq!(c.expires_at_unix_millis(), Some(900_000));
        // Fresh until expiry - margin.
        assert!(at_once(&c, 32, 839_999).iter().all(|r| r.as_deref() == Ok("tok")));
        assert_eq!(f.calls.load(Ordering::SeqCst), 1);
        assert!(at_once(&c, 32, 840_000).iter().all(|r| r.as_deref() == Ok("tok")));
        assert_eq!(f.calls.load(Ordering::SeqCst), 2);
        c.invalidate();
        assert_eq!(c.expires_at_unix_millis(), None);
        assert_eq!(c.token_at(840_000).as_deref(), Ok("tok"));
        assert_eq!(f.calls.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn a_failed_fetch_is_shared_by_its_waiters_and_retried_by_the_next_call() {
        let (f, c) = cache(b"");
        let results = at_once(&c, 8, 0);
        assert_eq!(f.calls.load(Ordering::SeqCst), 1);
        assert!(results.iter().all(|r| r == &Err(SnapError::FetchFailed { reason: "network down (1)".into() })));
        assert!(c.token_at(0).is_err());
        assert_eq!(f.calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_refused_token_request_names_its_code() {
        let (_, c) = cache(br#"{"responseCode":"4017300","responseMessage":"Unauthorized. Unknown Client"}"#);
        let e = c.token_at(0).unwrap_err();
        let SnapError::TokenRefused { response_code, response_message, reason } = e else { panic!("{e:?}") };
        assert_eq!((response_code.as_str(), response_message.as_str()), ("4017300", "Unauthorized. Unknown Client"));
        assert_eq!(
            reason,
            "the provider refused the access-token request: 4017300 \"Unauthorized. Unknown Client\" (the standard: \
             Unauthorized. [reason])"
        );
        let (_, c) = cache(b"{");
        assert!(matches!(c.token_at(0), Err(SnapError::InvalidJson { offset: 1, .. })));
    }

    struct Reentrant(std::sync::OnceLock<Arc<TokenCache>>);

    impl TokenFetcher for Reentrant {
        fn fetch(&self) -> Result<Vec<u8>, SnapError> {
            self.0.get().unwrap().token_at(0).map(String::into_bytes)
        }
    }

    #[test]
    fn a_fetcher_asking_its_own_cache_fails_instead_of_waiting_forever() {
        let f = Arc::new(Reentrant(std::sync::OnceLock::new()));
        let c = Arc::new(TokenCache::new(f.clone(), 60));
        f.0.set(c.clone()).unwrap();
        assert!(matches!(c.token_at(0), Err(SnapError::FetchFailed { .. })));
    }

    struct Panics;

    impl TokenFetcher for Panics {
        fn fetch(&self) -> Result<Vec<u8>, SnapError> {
            panic!("bug")
        }
    }

    #[test]
    fn a_panicking_fetch_ends_the_fetch() {
        let c = Arc::new(TokenCache::new(Arc::new(Panics), 60));
        // The panic ends the calling thread (as uniffi reports it to the foreign caller).
        let panics = || {
            let c = Arc::clone(&c);
            std::thread::spawn(move || c.token_at(0)).join().is_err()
        };
        assert!(panics());
        // Not stuck: the next call fetches (and panics) again rather than waiting.
        assert!(panics());
        assert!(c.lock().fetching.is_none());
    }
}
