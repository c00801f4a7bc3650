//! The reading site, tested as readers, feed readers, crawlers and browsers meet it:
//! a real server on a loopback port, real HTTP, a real browser.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions may unwrap: a failure is a test failure"
)]

mod admin;
mod browser;
mod common;
mod crawlers;
mod feeds;
mod ghost_api;
mod hostile;
mod http;
mod import;
mod languages;
mod media;
mod newsletter;
mod pages;
mod reach;
mod search;
mod sections;
mod security;
mod support;
mod translations;
mod two_factor;
mod validity;
mod webhooks;
