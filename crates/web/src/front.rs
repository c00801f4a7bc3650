//! The front door: every request passes here before the router. It knows the
//! client's address (for the render gate and the access log), counts and times the
//! request, and adds the headers every answer carries: the security policy and its
//! companions, `Onion-Location` on clearnet pages, `Strict-Transport-Security` when
//! the site is served over https.
//!
//! A page the cache holds is answered here at once, without routing, extractors or
//! the handlers' own middleware. That is the page a handler would answer from the
//! cache: the cache's keys are the canonical addresses the handlers render (an
//! edition's with its prefix), so a plain `GET` for exactly a key reaches the handler
//! that kept it, and what the skipped middleware does concerns other requests only —
//! errors get the themed page (a kept page here is a 200), an unknown address may
//! lead to an imported site's old one (a 404 only), long addresses and trailing
//! slashes are refused or redirected (never a key). Anything else (a query string,
//! `HEAD`, another method, a page not kept) takes the router as before.

use std::convert::Infallible;
use std::future::{Future, Ready, ready};
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;

use futures_util::future::Either;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Method, Request, StatusCode, header};
use axum::response::Response;
use tower::{Service, ServiceExt};

use crate::metrics::Timing;
use crate::state::AppState;

/// The front door before `inner` (the router): what each connection's
/// [`ConnectionDoor`] is made from.
#[derive(Clone)]
pub struct FrontDoor<S> {
    state: AppState,
    hsts: Option<HeaderValue>,
    inner: S,
}

/// The service one connection is served by: the door, knowing the client's address.
pub struct ConnectionDoor<S> {
    door: FrontDoor<S>,
    peer: SocketAddr,
}

impl<S> FrontDoor<S> {
    /// `hsts`: the `Strict-Transport-Security` value every answer carries (none
    /// for a site served over plain http).
    pub fn new(state: AppState, hsts: Option<HeaderValue>, inner: S) -> Self {
        Self { state, hsts, inner }
    }

    /// The door for one connection from `peer`: its requests reach the router
    /// with `ConnectInfo(peer)`, as axum's extractor expects; kept pages never
    /// need it.
    #[must_use]
    pub fn for_peer(&self, peer: SocketAddr) -> ConnectionDoor<S>
    where
        S: Clone,
    {
        ConnectionDoor {
            door: self.clone(),
            peer,
        }
    }

    /// The kept page `request` asks for, when it may be answered here.
    fn kept<B>(&self, request: &Request<B>) -> Option<std::sync::Arc<crate::cache::CachedPage>> {
        if request.method() != Method::GET || request.uri().query().is_some() {
            return None;
        }
        self.state
            .cache
            .hit(request.uri().path())
            .filter(|page| page.status == StatusCode::OK)
    }
}

/// What the door notes about a request on its way in, to finish its answer with.
struct Visit {
    timing: Timing,
    peer: IpAddr,
    onion: Option<HeaderValue>,
}

impl Visit {
    fn begin<B>(state: &AppState, request: &Request<B>, peer: SocketAddr) -> Self {
        Self {
            timing: state.metrics.start(request),
            peer: peer.ip(),
            onion: crate::site::onion_location(&state.site(), request.headers(), request.uri()),
        }
    }

    /// Finishes `response`. `secured`: it carries the security headers already (a
    /// kept page's answer), so they need not be looked for one by one.
    fn end(
        self,
        state: &AppState,
        hsts: Option<&HeaderValue>,
        mut response: Response,
        secured: bool,
    ) -> Response {
        let is_html = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
        let headers = response.headers_mut();
        if let Some(onion) = self.onion.filter(|_| is_html) {
            headers.insert("onion-location", onion);
        }
        if !secured {
            crate::headers::add_security_headers(headers);
        }
        if let Some(hsts) = hsts {
            headers
                .entry(header::STRICT_TRANSPORT_SECURITY)
                .or_insert_with(|| hsts.clone());
        }
        state
            .metrics
            .finish(self.timing, response.status(), self.peer);
        response
    }
}

type Routed = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

/// A kept page answered at once, or the router's answer to come.
pub type Answer = Either<Ready<Result<Response, Infallible>>, Routed>;

impl<S> ConnectionDoor<S>
where
    S: Service<Request<Body>, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send,
{
    /// Answers `request`: at once from the cache, or through the router.
    fn answer<B>(&self, request: Request<B>) -> Answer
    where
        B: hyper::body::Body<Data = bytes::Bytes> + Send + 'static,
        B::Error: Into<axum::BoxError>,
    {
        let door = &self.door;
        let visit = Visit::begin(&door.state, &request, self.peer);
        if let Some(page) = door.kept(&request) {
            let response = page.respond(request.headers());
            return Either::Left(ready(Ok(visit.end(
                &door.state,
                door.hsts.as_ref(),
                response,
                true,
            ))));
        }
        let mut request = request.map(Body::new);
        request.extensions_mut().insert(ConnectInfo(self.peer));
        let inner = door.inner.clone();
        let state = door.state.clone();
        let hsts = door.hsts.clone();
        Either::Right(Box::pin(async move {
            let Ok(response) = crate::gate::serving(visit.peer, inner.oneshot(request)).await;
            Ok(visit.end(&state, hsts.as_ref(), response, false))
        }))
    }
}

/// The door as a connection's service: hyper calls it by reference, so nothing is
/// cloned for a kept page.
impl<S, B> hyper::service::Service<Request<B>> for ConnectionDoor<S>
where
    S: Service<Request<Body>, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send,
    B: hyper::body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Answer;

    fn call(&self, request: Request<B>) -> Answer {
        self.answer(request)
    }
}
