//! The built-in catalogues are complete: every language has every key, every key
//! the templates and the code ask for exists, and no key is left unused.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions may unwrap: a failure is a test failure"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use kolokol_render::Theme;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file below `dir` whose name ends with one of `endings`.
fn files(dir: &Path, endings: &[&str], out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, endings, out);
        } else if endings.iter().any(|e| path.to_string_lossy().ends_with(e)) {
            out.push(path);
        }
    }
}

/// The keys templates ask for: `t("key"` and `t_html("key"`.
fn template_keys() -> BTreeSet<String> {
    let mut paths = Vec::new();
    files(
        &root().join("themes/default/templates"),
        &[".html", ".txt", ".xml"],
        &mut paths,
    );
    let mut keys = BTreeSet::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        for opener in ["t(\"", "t_html(\""] {
            for (at, _) in text.match_indices(opener) {
                let rest = &text[at + opener.len()..];
                let key = &rest[..rest.find('"').unwrap()];
                // `t(` preceded by a letter is another function (`list(`, …).
                let before = text[..at].chars().last().unwrap_or(' ');
                if !before.is_alphanumeric() && before != '_' {
                    keys.insert(key.to_owned());
                }
            }
        }
    }
    keys
}

/// All Rust sources and templates, to look for a key's use.
fn everything() -> String {
    let mut paths = Vec::new();
    files(&root().join("crates"), &[".rs"], &mut paths);
    files(
        &root().join("themes/default"),
        &[".html", ".txt", ".js"],
        &mut paths,
    );
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_language_has_every_key() {
    let theme = Theme::new(None, chrono_tz::UTC).unwrap();
    let catalogues = theme.catalogues();
    let english = catalogues.keys("en").unwrap().clone();
    let languages: Vec<String> = catalogues.languages().map(str::to_owned).collect();
    assert!(languages.contains(&"ru".to_owned()), "{languages:?}");
    for language in &languages {
        let keys = catalogues.keys(language).unwrap();
        let missing: Vec<_> = english.difference(keys).collect();
        let extra: Vec<_> = keys.difference(&english).collect();
        assert!(missing.is_empty(), "{language} lacks {missing:?}");
        assert!(
            extra.is_empty(),
            "{language} has keys English lacks: {extra:?}"
        );
    }
}

#[test]
fn every_key_asked_for_exists_and_every_key_is_used() {
    let theme = Theme::new(None, chrono_tz::UTC).unwrap();
    let catalogues = theme.catalogues();
    let english = catalogues.keys("en").unwrap();
    let asked = template_keys();
    let unknown: Vec<_> = asked.difference(english).collect();
    assert!(
        unknown.is_empty(),
        "templates ask for keys no catalogue has: {unknown:?}"
    );
    let sources = everything();
    // `admin-done-<page>-<what>` is asked for by name: used while some page is sent
    // on with `?done=<what>` or `?<what>=1` (the name may be a value of its own).
    let asked_by_query = |key: &str| {
        key.strip_prefix("admin-done-")
            .and_then(|rest| rest.split_once('-'))
            .is_some_and(|(page, what)| {
                sources.contains(&format!("\"{page}\""))
                    && (sources.contains(&format!("done={what}"))
                        || sources.contains(&format!("{what}=1"))
                        || sources.contains(&format!("\"{what}\"")))
            })
    };
    let unused: Vec<_> = english
        .iter()
        .filter(|key| {
            !asked.contains(*key)
                && !sources.contains(&format!("\"{key}\""))
                && !asked_by_query(key)
        })
        .collect();
    assert!(unused.is_empty(), "keys nothing uses: {unused:?}");
}
