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

/// The service every connection is served by: the front door before `inner` (the
/// router).
#[derive(Clone)]
pub struct FrontDoor<S> {
    state: AppState,
    hsts: Option<HeaderValue>,
    inner: S,
    /// The client's address, for a door serving one connection (see
    /// [`FrontDoor::for_peer`]); none in the door each connection's is made from.
    peer: Option<SocketAddr>,
}

impl<S> FrontDoor<S> {
    /// `hsts`: the `Strict-Transport-Security` value every answer carries (none
    /// for a site served over plain http).
    pub fn new(state: AppState, hsts: Option<HeaderValue>, inner: S) -> Self {
        Self {
            state,
            hsts,
            inner,
            peer: None,
        }
    }

    /// The door for one connection from `peer`: its requests reach the router
    /// with `ConnectInfo(peer)`, as axum's extractor expects; kept pages never
    /// need it.
    #[must_use]
    pub fn for_peer(&self, peer: SocketAddr) -> Self
    where
        S: Clone,
    {
        Self {
            peer: Some(peer),
            ..self.clone()
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
    peer: Option<IpAddr>,
    onion: Option<HeaderValue>,
}

impl Visit {
    fn begin<B>(state: &AppState, request: &Request<B>, peer: Option<SocketAddr>) -> Self {
        Self {
            timing: state.metrics.start(request),
            peer: peer.map(|peer| peer.ip()),
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

impl<S> FrontDoor<S>
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
        let visit = Visit::begin(&self.state, &request, self.peer);
        if let Some(page) = self.kept(&request) {
            let response = page.respond(request.headers());
            return Either::Left(ready(Ok(visit.end(
                &self.state,
                self.hsts.as_ref(),
                response,
                true,
            ))));
        }
        let mut request = request.map(Body::new);
        if let Some(peer) = self.peer {
            request.extensions_mut().insert(ConnectInfo(peer));
        }
        let inner = self.inner.clone();
        let state = self.state.clone();
        let hsts = self.hsts.clone();
        Either::Right(Box::pin(async move {
            let routed = inner.oneshot(request);
            let Ok(response) = match visit.peer {
                Some(peer) => crate::gate::serving(peer, routed).await,
                None => routed.await,
            };
            Ok(visit.end(&state, hsts.as_ref(), response, false))
        }))
    }
}

/// The door as a connection's service: hyper calls it by reference, so nothing is
/// cloned for a kept page.
impl<S, B> hyper::service::Service<Request<B>> for FrontDoor<S>
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
