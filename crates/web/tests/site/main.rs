//! The reading site, tested as readers, feed readers, crawlers and browsers meet it:
//! a real server on a loopback port, real HTTP, a real browser.

mod browser;
mod common;
mod crawlers;
mod feeds;
mod hostile;
mod http;
mod pages;
