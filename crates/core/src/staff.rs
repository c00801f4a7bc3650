//! The newsroom's staff: e-mail addresses, roles, and what each role may do.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A staff account's database id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

/// What a staff member may do, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Writes drafts; cannot publish.
    Contributor,
    /// Publishes their own articles.
    Author,
    /// All editorial work, on every article.
    Editor,
    /// Everything, including staff, settings and money.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Contributor, Role::Author, Role::Editor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Contributor => "contributor",
            Self::Author => "author",
            Self::Editor => "editor",
            Self::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == value)
    }

    /// May edit this article (its own, or any for editors and admins)?
    /// Contributors may only touch their own drafts.
    pub fn can_edit(self, own: bool, published: bool) -> bool {
        match self {
            Self::Editor | Self::Admin => true,
            Self::Author => own,
            Self::Contributor => own && !published,
        }
    }

    /// May publish, schedule, unpublish or correct this article?
    pub fn can_publish(self, own: bool) -> bool {
        match self {
            Self::Editor | Self::Admin => true,
            Self::Author => own,
            Self::Contributor => false,
        }
    }

    /// May see every article in the newsroom, not only their own?
    pub fn sees_all_articles(self) -> bool {
        self >= Self::Editor
    }

    /// May shape the site: sections, tags, author profiles, pages, the front page?
    pub fn organises_the_site(self) -> bool {
        self >= Self::Editor
    }

    /// May manage staff, settings and money, and read the audit log?
    pub fn is_admin(self) -> bool {
        self == Self::Admin
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A syntactically plausible e-mail address, stored lowercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("enter an e-mail address like name@example.org")]
pub struct EmailError;

/// Whether `host` is a host name: dot-separated labels of letters, digits and inner
/// hyphens, 63 bytes each and 253 in all (with `unicode`, letters of any script too,
/// as internationalised mail addresses have them).
pub fn is_host_name(host: &str, unicode: bool) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || (unicode && !c.is_ascii()))
        })
}

impl Email {
    pub fn parse(value: &str) -> Result<Self, EmailError> {
        let value = value.trim().to_lowercase();
        let Some((local, domain)) = value.split_once('@') else {
            return Err(EmailError);
        };
        // What RFC 5321 mail servers accept in practice: a dot-atom local part
        // (RFC 5322 atext, or UTF-8 per RFC 6531; no quoted strings or comments) and
        // a host name of letter-digit-hyphen labels (or UTF-8 ones).
        let atext = |c: char| {
            c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || !c.is_ascii()
        };
        let labels: Vec<&str> = domain.split('.').collect();
        let valid = !local.is_empty()
            && local.len() <= 64
            && value.len() <= 254
            && local
                .split('.')
                .all(|atom| !atom.is_empty() && atom.chars().all(atext))
            && labels.len() >= 2
            && is_host_name(domain, true)
            && labels
                .last()
                .is_some_and(|tld| !tld.chars().all(|c| c.is_ascii_digit()));
        if valid {
            Ok(Self(value))
        } else {
            Err(EmailError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> Self {
        email.0
    }
}

/// The shortest password we accept. Length beats composition rules.
pub const MIN_PASSWORD_LEN: usize = 12;

/// Checks a new password; the message is shown next to the field.
pub fn check_new_password(password: &str) -> Result<(), crate::Message> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_LEN {
        return Err(crate::Message::new("error-password-short").with("min", MIN_PASSWORD_LEN));
    }
    if length > 1024 {
        return Err(crate::Message::new("error-password-long").with("max", 1024_u32));
    }
    Ok(())
}

/// A staff account as the newsroom sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub name: String,
    pub role: Role,
    /// The public author profile articles are credited to.
    pub author_id: Option<i64>,
    /// Whether signing in also needs a code from an authenticator app.
    pub two_factor: bool,
    /// The language they read the newsroom in (BCP 47); empty: the site's.
    pub language: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_grant_what_the_newsroom_expects() {
        use Role::*;
        assert!(Contributor.can_edit(true, false));
        assert!(
            !Contributor.can_edit(true, true),
            "contributors cannot touch published work"
        );
        assert!(!Contributor.can_edit(false, false));
        assert!(!Contributor.can_publish(true));
        assert!(Author.can_edit(true, true) && Author.can_publish(true));
        assert!(!Author.can_edit(false, false) && !Author.can_publish(false));
        assert!(Editor.can_edit(false, true) && Editor.can_publish(false));
        assert!(!Editor.is_admin() && Admin.is_admin());
        assert!(Editor.sees_all_articles() && !Author.sees_all_articles());
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("owner"), None);
    }

    #[test]
    fn emails_are_checked_and_lowercased() {
        assert_eq!(
            Email::parse("  Anna@Bell.Example ").map(String::from),
            Ok("anna@bell.example".into())
        );
        for bad in [
            "",
            "anna",
            "anna@",
            "@bell.example",
            "anna@bell",
            "anna@@bell.example",
            "an na@bell.example",
            "anna@bell..example",
            "=HYPERLINK(\"https://evil.example\",\"x\")@bell.example",
            "\"quoted\"@bell.example",
            "anna(comment)@bell.example",
            "anna.@bell.example",
            ".anna@bell.example",
            "anna@-bell.example",
            "anna@bell_x.example",
            "anna@192.0.2.1",
            "anna@[192.0.2.1]",
            "anna@bell.example<script>",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError), "{bad:?}");
        }
        for good in [
            "anna.k+news@bell.example",
            "o'brien@bell.example",
            "анна@колокол.рф",
            "x@a-b.co.uk",
        ] {
            assert!(Email::parse(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn passwords_need_length() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("correct horse battery").is_ok());
    }
}

/// An invitation to join the newsroom's staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invitation {
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}
