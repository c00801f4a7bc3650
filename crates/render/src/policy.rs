//! The Content-Security-Policy every page is served with, and its `<meta>` form for
//! the static export, where no server sends headers.

/// Nothing from any other host, no inline script.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; \
    form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Directives a `<meta http-equiv>` policy cannot carry (browsers ignore them there).
const HEADER_ONLY: [&str; 4] = ["frame-ancestors", "report-uri", "report-to", "sandbox"];

/// The policy without what `<meta>` cannot carry.
pub fn meta_content_security_policy() -> String {
    CONTENT_SECURITY_POLICY
        .split(';')
        .map(str::trim)
        .filter(|directive| {
            let name = directive.split_whitespace().next().unwrap_or("");
            !directive.is_empty() && !HEADER_ONLY.contains(&name)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The `<meta>` tags an exported page carries in place of the served headers: the
/// policy, and no `Referer` to any other host (a mirror's readers must not tell
/// other sites where they came from).
pub fn meta_tags() -> String {
    format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n<meta name=\"referrer\" content=\"no-referrer\">",
        meta_content_security_policy()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_meta_policy_is_the_served_one_less_what_meta_cannot_carry() {
        let meta = meta_content_security_policy();
        assert!(!meta.contains("frame-ancestors"));
        assert!(meta.contains("default-src 'none'"));
        assert!(meta.contains("script-src 'self'"));
        assert!(meta.contains("base-uri 'none'"));
        assert_eq!(
            meta.split("; ").count(),
            CONTENT_SECURITY_POLICY.split(';').count() - 1
        );
        assert!(meta_tags().contains("content=\"no-referrer\""));
    }
}
