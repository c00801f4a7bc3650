//! The test harness: a real Kolokol server on a free loopback port, with a fresh
//! database, driven over HTTP.
//!
//! `TestApp::demo()` is one server per test binary with the demo newsroom loaded
//! (drawing its pictures takes a few seconds); tests that change content or the theme
//! start their own with `TestApp::empty()`.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the harness"
)]

use kolokol_testkit::fixtures::Fixtures;
use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::{Duration, Utc};
use kolokol_core::{ArticleStatus, NewArticle, SiteConfig, Slug};
use kolokol_render::Theme;
use kolokol_store::DynStore;
use kolokol_web::AppState;
use tempfile::TempDir;

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub store: DynStore,
    pub data: PathBuf,
    _dir: Option<TempDir>,
}

/// What a test server is started with; everything is given to the state as it is
/// built.
#[derive(Default)]
struct Setup {
    theme: Option<PathBuf>,
    demo: bool,
    mailer: Option<kolokol_mail::DynMailer>,
    limits: kolokol_core::config::ServerConfig,
    revenue: Option<kolokol_core::RevenueConfig>,
    delivery: Option<kolokol_web::newsletter::Delivery>,
    /// A database URL; a new SQLite file otherwise.
    database: Option<String>,
    /// Webhooks may go to this machine (the tests' receivers).
    webhooks_to_private: bool,
    /// A fresh install in this language (nothing but the language, the address and
    /// the zone configured), instead of the demo's English settings.
    fresh_in: Option<&'static str>,
    /// Where pictures go; the data folder's `media` otherwise.
    media: Option<kolokol_core::MediaConfig>,
}

impl Setup {
    /// Mail and newsletters to the local SMTP server `sink`.
    fn mailing_to(sink: &kolokol_testkit::SmtpSink) -> Self {
        let mailer = kolokol_mail::SmtpMailer::new(
            &format!("smtp://{}", sink.address()),
            "The Northern Bell <newsroom@bell.example>",
        )
        .unwrap();
        let newsletter = kolokol_mail::bulk::BulkSender::new(
            &format!("smtp://{}", sink.address()),
            "The Weekly <weekly@bell.example>",
            2,
            None,
        )
        .unwrap();
        Setup {
            mailer: Some(std::sync::Arc::new(mailer)),
            delivery: Some(kolokol_web::newsletter::Delivery {
                sender: std::sync::Arc::new(newsletter),
                connections: 2,
                rate_per_second: 1000,
            }),
            ..Setup::default()
        }
    }
}

/// The site settings tests run with.
pub fn test_site(base: &str) -> SiteConfig {
    let mut site = kolokol_demo::site_config(base).unwrap();
    site.articles_per_page = 12;
    site
}

impl TestApp {
    /// The shared demo server of this test binary.
    pub fn demo() -> &'static TestApp {
        static APP: OnceLock<TestApp> = OnceLock::new();
        APP.get_or_init(|| {
            let (sender, receiver) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async move {
                    let app = TestApp::start(None, true).await;
                    sender.send(app).unwrap();
                    std::future::pending::<()>().await;
                });
            });
            receiver.recv().unwrap()
        })
    }

    /// A server of its own with an empty database: for tests that change things.
    pub async fn empty() -> TestApp {
        TestApp::start(None, false).await
    }

    /// A fresh install configured only with `language` (and the zone Europe/Riga),
    /// mailing to a local SMTP sink, as a new newsroom starts.
    pub async fn fresh_in(
        language: &'static str,
        revenue: Option<kolokol_core::RevenueConfig>,
    ) -> (TestApp, kolokol_testkit::SmtpSink) {
        let sink = kolokol_testkit::SmtpSink::start();
        let app = TestApp::start_set_up(Setup {
            fresh_in: Some(language),
            revenue,
            ..Setup::mailing_to(&sink)
        })
        .await;
        (app, sink)
    }

    /// A server of its own whose theme folder is `theme`.
    pub async fn with_theme(theme: PathBuf) -> TestApp {
        TestApp::start(Some(theme), false).await
    }

    /// A server of its own that sends mail to a local SMTP sink.
    pub async fn with_mail() -> (TestApp, kolokol_testkit::SmtpSink) {
        TestApp::with_mail_and_revenue(None).await
    }

    /// A server of its own that sends mail to a local SMTP sink and, when given,
    /// takes money through `revenue`.
    pub async fn with_mail_and_revenue(
        revenue: Option<kolokol_core::RevenueConfig>,
    ) -> (TestApp, kolokol_testkit::SmtpSink) {
        let sink = kolokol_testkit::SmtpSink::start();
        let app = TestApp::start_set_up(Setup {
            revenue,
            ..Setup::mailing_to(&sink)
        })
        .await;
        (app, sink)
    }

    /// A server of its own whose webhooks may go to this machine, as the tests'
    /// receivers listen on loopback.
    pub async fn with_local_webhooks() -> TestApp {
        TestApp::start_set_up(Setup {
            webhooks_to_private: true,
            ..Setup::default()
        })
        .await
    }

    /// One of several servers on the database `database` (as nodes behind a load
    /// balancer are), mailing to `sink`.
    pub async fn node_of(database: &str, sink: &kolokol_testkit::SmtpSink) -> TestApp {
        TestApp::start_set_up(Setup {
            database: Some(database.to_owned()),
            ..Setup::mailing_to(sink)
        })
        .await
    }

    /// One of several servers on the database `database` keeping pictures in the
    /// store `media` (a bucket they share).
    pub async fn node_with_media(database: &str, media: kolokol_core::MediaConfig) -> TestApp {
        TestApp::start_set_up(Setup {
            database: Some(database.to_owned()),
            media: Some(media),
            ..Setup::default()
        })
        .await
    }

    /// A server of its own with the demo newsroom on the database `database`.
    pub async fn demo_on(database: &str) -> TestApp {
        TestApp::start_set_up(Setup {
            database: Some(database.to_owned()),
            demo: true,
            ..Setup::default()
        })
        .await
    }

    /// A server of its own taking money through `revenue` (the demo provider, or
    /// Stripe pointed at a local fake).
    pub async fn with_revenue(revenue: kolokol_core::RevenueConfig) -> TestApp {
        TestApp::start_set_up(Setup {
            revenue: Some(revenue),
            ..Setup::default()
        })
        .await
    }

    async fn start(theme: Option<PathBuf>, demo: bool) -> TestApp {
        TestApp::start_set_up(Setup {
            theme,
            demo,
            ..Setup::default()
        })
        .await
    }

    /// A server of its own that hands mail to `mailer`.
    pub async fn with_mailer(mailer: kolokol_mail::DynMailer) -> TestApp {
        TestApp::start_set_up(Setup {
            mailer: Some(mailer),
            ..Setup::default()
        })
        .await
    }

    /// A server of its own whose main address (`site.base_url`) is `base`.
    pub async fn with_base(base: &str) -> TestApp {
        let app = TestApp::start_set_up(Setup::default()).await;
        let mut site = (*app.state.site()).clone();
        site.base_url = base.to_owned();
        let state = AppState::new(
            app.store.clone(),
            Theme::new(None, site.tz()).unwrap(),
            site,
            app.data.join("media"),
            None,
        )
        .await
        .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let local = format!("http://{}", listener.local_addr().unwrap());
        let serving = state.clone();
        tokio::spawn(async move {
            kolokol_web::serve(
                listener,
                serving,
                &Default::default(),
                std::future::pending(),
            )
            .await
        });
        TestApp {
            base: local,
            state,
            ..app
        }
    }

    /// A server of its own with the connection limits of `limits`.
    pub async fn with_limits(limits: kolokol_core::config::ServerConfig) -> TestApp {
        TestApp::start_set_up(Setup {
            limits,
            ..Setup::default()
        })
        .await
    }

    /// Starts a server with everything in `setup` given to the state as it is built.
    async fn start_set_up(setup: Setup) -> TestApp {
        let Setup {
            theme,
            demo,
            mailer,
            limits,
            revenue,
            delivery,
            database,
            webhooks_to_private,
            fresh_in,
            media: media_config,
        } = setup;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().to_path_buf();
        let database =
            database.unwrap_or_else(|| format!("sqlite://{}", data.join("kolokol.db").display()));
        let store = kolokol_store::connect(&database).await.unwrap();
        store.migrate().await.unwrap();
        let media = data.join("media");
        std::fs::create_dir_all(&media).unwrap();
        let media_store = kolokol_media::MediaStore::from_config(
            &media_config.unwrap_or_default(),
            media.clone(),
        )
        .unwrap();
        if demo {
            kolokol_demo::seed(&store, &media_store, Utc::now())
                .await
                .unwrap();
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let site = match fresh_in {
            Some(language) => SiteConfig {
                base_url: base.clone(),
                language: language.into(),
                timezone: "Europe/Riga".into(),
                ..SiteConfig::default()
            },
            None => test_site(&base),
        };
        let theme = Theme::new(theme, site.tz()).unwrap();
        let state = AppState::build(kolokol_web::AppParts {
            mailer,
            revenue: revenue.map_or_else(kolokol_web::revenue::Revenue::none, |r| {
                kolokol_web::revenue::Revenue::from_config(r).unwrap()
            }),
            newsletter_delivery: delivery,
            search_dir: Some(data.join("search")),
            server: kolokol_core::config::ServerConfig {
                webhooks_to_private_addresses: webhooks_to_private,
                // Every test talks from 127.0.0.1: only the test of the limit has one.
                searches_per_minute: if limits == kolokol_core::config::ServerConfig::default() {
                    1_000_000
                } else {
                    limits.searches_per_minute
                },
                ..limits.clone()
            },
            media: media_store,
            ..kolokol_web::AppParts::new(store.clone(), theme, site, media)
        })
        .await
        .unwrap();
        let serving = state.clone();
        tokio::spawn(async move {
            kolokol_web::serve(listener, serving, &limits, std::future::pending()).await
        });
        TestApp {
            base,
            state,
            store,
            data,
            _dir: Some(dir),
        }
    }

    /// A new HTTP client. Not shared: each test has its own runtime, and pooled
    /// connections must not outlive the runtime that opened them. No automatic
    /// decompression and no redirects: the tests check those themselves.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .no_gzip()
            .no_brotli()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client().get(self.url(path)).send().await.unwrap()
    }

    /// GETs a page that must exist and returns its text.
    pub async fn text(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.text().await.unwrap()
    }

    /// Signs `email` up to the newsletter with consent on the form at `path`
    /// (`/newsletter`, `/ru/newsletter`), waits for the mail it sends, and gives
    /// back what the sink received by then.
    pub async fn sign_up_on(
        &self,
        path: &str,
        email: &str,
        sink: &kolokol_testkit::SmtpSink,
    ) -> Vec<kolokol_testkit::ReceivedMail> {
        let signed = self
            .client()
            .post(self.url(path))
            .form(&[("email", email), ("consent", "yes")])
            .send()
            .await
            .unwrap();
        assert_eq!(signed.status(), 303, "POST {path}");
        self.state.outbox.settled().await;
        sink.messages()
    }

    /// From now on SQLite answers every insert into `table` as a full disk does,
    /// until [`TestApp::disk_has_room_again`].
    pub async fn disk_full_for(&self, table: &str) {
        self.on_database(&format!(
            "CREATE TRIGGER full_disk BEFORE INSERT ON {table} \
             BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        ))
        .await;
    }

    pub async fn disk_has_room_again(&self) {
        self.on_database("DROP TRIGGER full_disk").await;
    }

    /// Runs `sql` on the server's database, behind the store's back.
    pub async fn on_database(&self, sql: &str) {
        use sqlx::Connection;
        let url = format!("sqlite://{}", self.data.join("kolokol.db").display());
        let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::raw_sql(sql).execute(&mut db).await.unwrap();
    }

    pub async fn html(&self, path: &str) -> scraper::Html {
        scraper::Html::parse_document(&self.text(path).await)
    }

    /// Adds the section "News" (`/sections/news`), as a newsroom's first.
    pub async fn add_news_section(&self) -> kolokol_core::Section {
        self.store
            .add_section(&Slug::parse("news").unwrap(), "News", "", 1)
            .await
            .unwrap()
    }

    /// Publishes a minimal article straight into the store (the newsroom's admin
    /// comes later); returns its slug.
    pub async fn publish(&self, headline: &str, body: &str) -> Slug {
        self.publish_tagged(headline, body, vec![]).await
    }

    /// [`TestApp::publish`] with tags.
    pub async fn publish_tagged(&self, headline: &str, body: &str, tag_ids: Vec<i64>) -> Slug {
        let section = match self.store.sections().await.unwrap().into_iter().next() {
            Some(section) => section,
            None => self.add_news_section().await,
        };
        let author = match self
            .store
            .author_by_slug(&Slug::parse("reporter").unwrap())
            .await
            .unwrap()
        {
            Some(author) => author,
            None => self
                .store
                .add_author(&Slug::parse("reporter").unwrap(), "A Reporter", "", "")
                .await
                .unwrap(),
        };
        let slug = Slug::from_title(headline).unwrap();
        let published = Utc::now() - Duration::minutes(1);
        let article = NewArticle {
            slug: slug.clone(),
            headline: headline.into(),
            dek: String::new(),
            body_markdown: body.into(),
            dateline: String::new(),
            section_id: section.id,
            author_ids: vec![author.id],
            tag_ids,
            status: ArticleStatus::Published,
            published_at: Some(published),
            updated_at: None,
            hero_image_id: None,
            hero_alt: String::new(),
            hero_caption: String::new(),
            hero_credit: String::new(),
            seo_title: String::new(),
            seo_description: String::new(),
            corrections: vec![],
            language: self.state.site_all().language.clone(),
            translation_of: None,
        };
        self.store.add_article(&article, published).await.unwrap();
        slug
    }
}

/// Selects with a CSS selector.
pub fn select<'a>(html: &'a scraper::Html, selector: &str) -> Vec<scraper::ElementRef<'a>> {
    let parsed = scraper::Selector::parse(selector).unwrap();
    html.select(&parsed).collect()
}

/// The text of the first match, whitespace folded.
pub fn text_of(html: &scraper::Html, selector: &str) -> String {
    select(html, selector)
        .first()
        .map(|e| {
            e.text()
                .collect::<Vec<_>>()
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

/// A demo article with two authors, a correction and tags.
pub const SUPREME_COURT: &str =
    "/articles/supreme-court-upholds-closure-of-the-country-s-oldest-human-rights-group";
pub const SOVEREIGN_INTERNET: &str =
    "/articles/parliament-passes-sovereign-internet-law-in-a-single-afternoon";
pub const GOVERNOR: &str =
    "/articles/regional-governor-dismissed-after-protests-over-heating-outages";

/// A signed-in staff member's browser: a cookie jar and the session's CSRF token.
pub struct StaffSession {
    pub client: reqwest::Client,
    pub csrf: String,
    pub user: kolokol_core::User,
    base: String,
}

pub const STAFF_PASSWORD: &str = "a long enough password";

impl TestApp {
    /// Creates a staff account with `role` and signs it in through the login form.
    pub async fn sign_in(&self, role: kolokol_core::Role, name: &str) -> StaffSession {
        let email = kolokol_core::Email::parse(&format!(
            "{}@bell.example",
            Slug::from_title(name).unwrap()
        ))
        .unwrap();
        let hash = kolokol_web::admin::password::hash(STAFF_PASSWORD).unwrap();
        let user = self
            .store
            .create_user(
                &email,
                name,
                role,
                &hash,
                &kolokol_core::Audit::new(None, "test", ""),
                Utc::now(),
            )
            .await
            .unwrap();
        let (client, _) = self.password_step(email.as_str()).await;
        let dashboard = client
            .get(self.url("/admin"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let html = scraper::Html::parse_document(&dashboard);
        let csrf = select(&html, "body")[0]
            .value()
            .attr("data-csrf")
            .unwrap()
            .to_owned();
        StaffSession {
            client,
            csrf,
            user,
            base: self.base.clone(),
        }
    }
}

impl TestApp {
    /// Signs in with the password in a fresh browser (a cookie jar); returns it and
    /// where the sign-in sent it.
    pub async fn password_step(&self, email: &str) -> (reqwest::Client, String) {
        let client = browser_at("127.0.0.1");
        let response = self
            .submit_sign_in(
                &client,
                "/admin/login",
                &[("email", email), ("password", STAFF_PASSWORD)],
            )
            .await;
        assert_eq!(response.status(), 303, "signing in as {email}");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        (client, location)
    }

    /// Opens the sign-in form at `path` in `client` and sends it with `fields`.
    pub async fn submit_sign_in(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.submit_form(client, path, fields).await
    }

    /// Opens the form page at `path` in `client`, then posts `fields` with its CSRF
    /// token to the same address.
    pub async fn submit_form(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let csrf = self.form_token(client, path).await;
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        client
            .post(self.url(path))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// The CSRF token of the form page at `path`, as `client` gets it.
    pub async fn form_token(&self, client: &reqwest::Client, path: &str) -> String {
        let page = client
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        hidden_value(&page, "csrf")
    }

    /// The second step of signing in, with `code`.
    pub async fn second_step(&self, client: &reqwest::Client, code: &str) -> reqwest::Response {
        self.submit_form(client, "/admin/login/two-factor", &[("code", code)])
            .await
    }

    /// Turns on two-factor sign-in for `staff` with the code of the step before
    /// this one; the authenticator gives the later ones.
    pub async fn enable_two_factor(&self, staff: &StaffSession) -> Authenticator {
        let setup = staff.get("/admin/two-factor").await.text().await.unwrap();
        let secret = text_of(&scraper::Html::parse_document(&setup), "code.secret");
        let authenticator = Authenticator::new(&secret).await;
        assert_eq!(
            staff
                .post(
                    "/admin/two-factor/enable",
                    &[("code", &authenticator.code(-1))]
                )
                .await
                .status(),
            200
        );
        authenticator
    }
}

/// A browser with a cookie jar that follows no redirects, connecting from the
/// loopback address `local` (tests stand for other readers with 127.0.0.2, …).
pub fn browser_at(local: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(local.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap()
}

impl StaffSession {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    /// Uploads `body` as the file `name` in a multipart form (with this session's
    /// CSRF token) to `path`.
    pub async fn upload(&self, path: &str, name: &str, body: &str) -> reqwest::Response {
        let form = reqwest::multipart::Form::new()
            .text("csrf", self.csrf.clone())
            .part(
                "file",
                reqwest::multipart::Part::bytes(body.as_bytes().to_vec())
                    .file_name(name.to_owned()),
            );
        self.client
            .post(format!("{}{path}", self.base))
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    /// POSTs a form with this session's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut all: Vec<(&str, &str)> = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.client
            .post(format!("{}{path}", self.base))
            .form(&all)
            .send()
            .await
            .unwrap()
    }
}

/// The value of the first hidden input named `name` in a page.
/// Where a redirect leads, without its query (`/admin/articles/3?saved=1` →
/// `/admin/articles/3`).
pub fn location_path(response: &reqwest::Response) -> String {
    let location = response.headers()["location"].to_str().unwrap();
    location.split('?').next().unwrap().to_owned()
}

pub fn hidden_value(page: &str, name: &str) -> String {
    let html = scraper::Html::parse_document(page);
    select(&html, &format!("input[name={name}]"))
        .first()
        .and_then(|e| e.value().attr("value"))
        .unwrap_or_default()
        .to_owned()
}

/// A link found on the page at `page`, as a root-relative path to request.
pub fn resolve(page: &str, href: &str) -> String {
    kolokol_render::links::resolve(page, href)
}

impl TestApp {
    /// Drafts an issue of the newsletter with the three newest articles, by the given
    /// editor; with `send`, also starts and finishes sending it (to nobody, if the
    /// list is empty) so it is in the archive. Returns its id and archive number.
    pub async fn newsletter_issue(
        &self,
        editor: kolokol_core::UserId,
        send: bool,
    ) -> (i64, Option<i64>) {
        let now = Utc::now();
        let latest = self
            .store
            .published_articles(
                &kolokol_store::ArticleFilter::default(),
                kolokol_core::PageRequest::new(kolokol_core::PageNumber::FIRST, 3),
                now,
            )
            .await
            .unwrap();
        let draft = kolokol_core::IssueDraft {
            subject: "The Weekly: three stories".into(),
            intro_md: "Good morning. *Three* stories this week.".into(),
            full_text: false,
            article_ids: latest.items.iter().map(|a| a.id).collect(),
            language: self.state.site_all().language.clone(),
        };
        let audit = kolokol_core::Audit::new(None, "newsletter.create", "issue");
        let id = self
            .store
            .create_issue(&draft, editor, &audit, now)
            .await
            .unwrap();
        if !send {
            return (id, None);
        }
        let issue = self.store.newsletter_issue(id).await.unwrap().unwrap();
        let composed = self.state.compose_issue(&issue).await.unwrap();
        kolokol_newsletter::start(&self.store, id, &composed)
            .await
            .unwrap();
        self.store.finish_send(id, now).await.unwrap();
        self.state.content_changed().await;
        let number = self
            .store
            .newsletter_issue(id)
            .await
            .unwrap()
            .unwrap()
            .number;
        (id, number)
    }
}

/// Codes of the authenticator for `secret`, `offset` steps from the start of the
/// step this is called in. A step's code works once, so a test that uses several
/// takes them from consecutive steps; it starts early in a step, so the three steps
/// the server accepts (one either way) stay the same while it runs.
pub struct Authenticator {
    totp: totp_rs::TOTP,
    step_start: u64,
}

impl Authenticator {
    pub async fn new(secret: &str) -> Self {
        let bytes = totp_rs::Secret::Encoded(secret.to_owned())
            .to_bytes()
            .unwrap();
        let totp = totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes, None, "x".into())
            .unwrap();
        let now = chrono::Utc::now().timestamp() as u64;
        if now % 30 > 15 {
            // Not a proof of anything: only a way not to straddle a step boundary.
            tokio::time::sleep(std::time::Duration::from_secs(30 - now % 30)).await;
        }
        let step_start = chrono::Utc::now().timestamp() as u64 / 30 * 30;
        Self { totp, step_start }
    }

    pub fn code(&self, offset: i64) -> String {
        self.totp
            .generate((self.step_start as i64 + offset * 30) as u64)
    }
}

/// Asks `probe` every 25 ms, at most `tries` times, until it gives a value: waiting
/// for what the server does in the background instead of guessing a time. Panics
/// saying `what` never happened.
pub async fn eventually<T, Fut>(tries: u32, what: &str, mut probe: impl FnMut() -> Fut) -> T
where
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..tries {
        if let Some(value) = probe().await {
            return value;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("{what} never happened");
}
