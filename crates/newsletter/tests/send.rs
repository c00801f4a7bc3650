//! An issue composed from the theme and sent over real SMTP to a loopback server:
//! what arrives, how it is signed, and what becomes of refusals.

#![expect(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use kolokol_testkit::fixtures::Fixtures;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use chrono::{TimeZone, Utc};
use kolokol_core::{
    ArticleStatus, Email, ImportedSubscriber, IssueDraft, IssueStatus, NewArticle, Role,
    SiteConfig, Slug, SubscriberStatus,
};
use kolokol_mail::bulk::{BulkSender, DkimAlgorithm, DkimKey};
use kolokol_newsletter::{SendEnd, SendSettings, Signer, compose, run, start};
use kolokol_store::DynStore;
use kolokol_testkit::SmtpSink;
use kolokol_testkit::dkim::{PublicKey, verify};

async fn store_with_issue(dir: &tempfile::TempDir, readers: &[&str]) -> (DynStore, i64) {
    let url = format!("sqlite://{}", dir.path().join("n.db").display());
    let store = kolokol_store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let at = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
    let section = store
        .add_section(&Slug::parse("news").unwrap(), "News", "", 1)
        .await
        .unwrap();
    let article = store
        .add_article(
            &NewArticle {
                slug: Slug::parse("river-ferry-returns").unwrap(),
                headline: "The river ferry returns".into(),
                dek: "After two winters, the crossing opens again.".into(),
                body_markdown: "The ferry left at dawn.\n\nSee [the timetable](/articles/timetable) for details.".into(),
                dateline: "STAVRIN".into(),
                section_id: section.id,
                author_ids: vec![],
                tag_ids: vec![],
                status: ArticleStatus::Published,
                published_at: Some(at),
                updated_at: None,
                hero_image_id: None,
                hero_alt: String::new(),
                hero_caption: String::new(),
                hero_credit: String::new(),
                seo_title: String::new(),
                seo_description: String::new(),
                corrections: vec![],
                language: "en".into(),
                translation_of: None,
            },
            at,
        )
        .await
        .unwrap();
    let rows: Vec<ImportedSubscriber> = readers
        .iter()
        .map(|email| ImportedSubscriber {
            email: Email::parse(email).unwrap(),
            signed_up_at: at,
            confirmed_at: at,
            name: String::new(),
            status: kolokol_core::SubscriberStatus::Active,
            left_at: None,
            policy_version: "1".into(),
            form: "import".into(),
            language: "en".into(),
            stripe_customer: None,
        })
        .collect();
    store
        .import_subscribers(&rows, &kolokol_core::Audit::new(None, "test", ""), at)
        .await
        .unwrap();
    let editor = store
        .create_user(
            &Email::parse("ed@bell.example").unwrap(),
            "Ed",
            Role::Editor,
            "h",
            &kolokol_core::Audit::new(None, "test", ""),
            at,
        )
        .await
        .unwrap();
    let issue = store
        .create_issue(
            &IssueDraft {
                subject: "The ferry, and the week".into(),
                intro_md: "Dear reader, *this* week:".into(),
                full_text: true,
                article_ids: vec![article],
                language: "en".into(),
            },
            editor.id,
            &kolokol_core::Audit::new(None, "newsletter.test", "issue"),
            at,
        )
        .await
        .unwrap();
    (store, issue)
}

fn site() -> SiteConfig {
    SiteConfig {
        title: "The Northern Bell".into(),
        base_url: "https://bell.example".into(),
        mirrors: vec!["https://mirror-one.example".into()],
        ..SiteConfig::default()
    }
}

fn settings(sink: &SmtpSink, dkim: Option<&DkimKey>) -> SendSettings {
    SendSettings {
        sender: Arc::new(
            BulkSender::new(
                &format!("smtp://{}", sink.address()),
                "The Weekly <weekly@bell.example>",
                3,
                dkim,
            )
            .unwrap(),
        ),
        signer: Signer::new("test secret"),
        base_url: "https://bell.example".into(),
        list_id: "The Weekly <weekly.bell.example>".into(),
        message_domain: "bell.example".into(),
        connections: 3,
        rate_per_second: 1000,
        retry_after: Duration::from_millis(50),
    }
}

fn header<'a>(data: &'a str, name: &str) -> Option<&'a str> {
    data.lines()
        .find(|l| {
            l.len() > name.len()
                && l[..name.len()].eq_ignore_ascii_case(name)
                && l[name.len()..].starts_with(':')
        })
        .map(|l| l[name.len() + 1..].trim())
}

#[tokio::test]
async fn an_issue_reaches_every_reader_once_signed_with_one_click_unsubscribe() {
    let dir = tempfile::tempdir().unwrap();
    let readers: Vec<String> = (0..40)
        .map(|n| format!("reader{n}@inbox.example"))
        .collect();
    let refs: Vec<&str> = readers.iter().map(String::as_str).collect();
    let (store, issue_id) = store_with_issue(&dir, &refs).await;
    let theme = kolokol_render::Theme::new(None, chrono_tz::UTC).unwrap();
    let issue = store.newsletter_issue(issue_id).await.unwrap().unwrap();
    let composed = compose(&store, &theme, &site(), &issue, Utc::now())
        .await
        .unwrap();
    assert!(composed.html.contains("The river ferry returns"));

    let seed = [7u8; 32];
    let key = DkimKey {
        domain: "bell.example".into(),
        selector: "weekly".into(),
        algorithm: DkimAlgorithm::Ed25519,
        private_key: base64::engine::general_purpose::STANDARD.encode(seed),
    };
    let public = PublicKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key());
    let sink = SmtpSink::start();
    let settings = settings(&sink, Some(&key));
    assert!(start(&store, issue_id, &composed).await.unwrap());
    assert!(
        !start(&store, issue_id, &composed).await.unwrap(),
        "starts once"
    );
    assert_eq!(
        run(&store, &settings, issue_id, "test").await.unwrap(),
        SendEnd::Finished
    );

    let received = sink.messages();
    assert_eq!(received.len(), 40);
    let mut recipients: Vec<String> = received.iter().flat_map(|m| m.recipients.clone()).collect();
    recipients.sort();
    let mut expected = readers.clone();
    expected.sort();
    assert_eq!(recipients, expected, "each reader exactly once");

    let signer = Signer::new("test secret");
    for mail in &received {
        let data = &mail.data;
        assert_eq!(mail.from, "weekly@bell.example");
        let verified = verify(data, &public).unwrap_or_else(|e| panic!("{e}\n{data}"));
        assert_eq!(verified.domain, "bell.example");
        for signed in [
            "list-unsubscribe",
            "list-unsubscribe-post",
            "list-id",
            "from",
            "subject",
        ] {
            assert!(
                verified.headers.iter().any(|h| h == signed),
                "{signed} is signed"
            );
        }
        assert_eq!(
            header(data, "List-Unsubscribe-Post"),
            Some("List-Unsubscribe=One-Click")
        );
        assert_eq!(
            header(data, "List-Id"),
            Some("The Weekly <weekly.bell.example>")
        );
        let unsubscribe = header(data, "List-Unsubscribe").unwrap();
        let token = unsubscribe
            .trim_matches(['<', '>'])
            .strip_prefix("https://bell.example/newsletter/unsubscribe/")
            .unwrap();
        let subscriber = signer
            .verify(kolokol_newsletter::Purpose::Subscription, token)
            .unwrap();
        let reader = store.subscriber(subscriber).await.unwrap().unwrap();
        assert_eq!(
            reader.email.as_str(),
            mail.recipients[0],
            "the link names its reader"
        );
        assert_eq!(
            header(data, "Message-ID"),
            Some(format!("<kolokol.{issue_id}.{subscriber}@bell.example>").as_str())
        );
        assert!(data.contains("multipart/alternative"));
        assert!(data.contains("text/plain") && data.contains("text/html"));
        // The visible links are personal too; no placeholder is left.
        assert!(!data.contains("%%KOLOKOL"), "{data}");
        assert!(data.contains("newsletter/preferences/"));
    }
    // The checker is not a rubber stamp: another reader's unsubscribe link, or a
    // changed word in the body, breaks the signature.
    let first = &received[0].data;
    let link = header(first, "List-Unsubscribe").unwrap();
    let forged = first.replace(link, "<https://bell.example/newsletter/unsubscribe/9.AAAA>");
    assert!(
        verify(&forged, &public)
            .unwrap_err()
            .contains("does not verify")
    );
    let edited = first.replacen("Dear reader", "Dear buyer", 1);
    assert!(verify(&edited, &public).unwrap_err().contains("body hash"));
    // The web version names the issue's number; the frozen copy is what was sent.
    let frozen = store.frozen_issue(issue_id).await.unwrap().unwrap();
    assert!(frozen.html.contains("/newsletter/1\""), "{}", frozen.html);
    assert!(frozen.text.contains("After two winters"));
    assert!(
        frozen.text.contains("The ferry left at dawn."),
        "full text in the text part"
    );
    assert!(
        frozen
            .html
            .contains("href=\"https://bell.example/articles/timetable\""),
        "links made absolute"
    );
    assert!(
        frozen.html.contains("https://mirror-one.example"),
        "the mirrors travel with the mail"
    );
    let issue = store.newsletter_issue(issue_id).await.unwrap().unwrap();
    assert_eq!(issue.status, IssueStatus::Sent);
    let progress = store.delivery_progress(issue_id).await.unwrap();
    assert_eq!(
        (progress.sent, progress.failed, progress.pending),
        (40, 0, 0)
    );
}

#[tokio::test]
async fn refusals_suppress_or_retry_and_rsa_signatures_verify() {
    let dir = tempfile::tempdir().unwrap();
    let (store, issue_id) = store_with_issue(
        &dir,
        &[
            "ok@inbox.example",
            "bounce@inbox.example",
            "busy@inbox.example",
        ],
    )
    .await;
    let theme = kolokol_render::Theme::new(None, chrono_tz::UTC).unwrap();
    let issue = store.newsletter_issue(issue_id).await.unwrap().unwrap();
    let composed = compose(&store, &theme, &site(), &issue, Utc::now())
        .await
        .unwrap();
    let private = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 1024).unwrap();
    let pem = rsa::pkcs1::EncodeRsaPrivateKey::to_pkcs1_pem(&private, rsa::pkcs1::LineEnding::LF)
        .unwrap()
        .to_string();
    let key = DkimKey {
        domain: "bell.example".into(),
        selector: "rsa".into(),
        algorithm: DkimAlgorithm::Rsa,
        private_key: pem,
    };
    let sink = SmtpSink::start();
    let settings = settings(&sink, Some(&key));
    start(&store, issue_id, &composed).await.unwrap();
    assert_eq!(
        run(&store, &settings, issue_id, "test").await.unwrap(),
        SendEnd::Finished
    );
    let received = sink.messages();
    assert_eq!(received.len(), 1);
    verify(&received[0].data, &PublicKey::Rsa(private.to_public_key())).unwrap();

    let progress = store.delivery_progress(issue_id).await.unwrap();
    assert_eq!(
        (progress.sent, progress.failed, progress.pending),
        (1, 2, 0)
    );
    let subscribers = store.subscribers(0, 10).await.unwrap();
    let status = |email: &str| {
        subscribers
            .iter()
            .find(|s| s.email.as_str() == email)
            .map(|s| s.status)
            .unwrap()
    };
    assert_eq!(status("bounce@inbox.example"), SubscriberStatus::Suppressed);
    assert_eq!(
        status("busy@inbox.example"),
        SubscriberStatus::Active,
        "a busy mailbox is not a bad one"
    );
}

#[tokio::test]
async fn a_second_sender_waits_for_the_lease() {
    let dir = tempfile::tempdir().unwrap();
    let (store, issue_id) = store_with_issue(&dir, &["a@inbox.example"]).await;
    let theme = kolokol_render::Theme::new(None, chrono_tz::UTC).unwrap();
    let issue = store.newsletter_issue(issue_id).await.unwrap().unwrap();
    let composed = compose(&store, &theme, &site(), &issue, Utc::now())
        .await
        .unwrap();
    start(&store, issue_id, &composed).await.unwrap();
    let until = Utc::now() + chrono::Duration::seconds(30);
    assert!(
        store
            .take_send_lease(issue_id, "other-node", until, Utc::now())
            .await
            .unwrap()
    );
    let sink = SmtpSink::start();
    assert_eq!(
        run(&store, &settings(&sink, None), issue_id, "this-node")
            .await
            .unwrap(),
        SendEnd::Busy
    );
    assert!(sink.messages().is_empty());
}
