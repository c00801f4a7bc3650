//! Outgoing webhooks: the events other systems can be told about, as Ghost names
//! them, and what an admin registers.

use chrono::{DateTime, Utc};

/// What happened, named as Ghost names it, so receivers written for Ghost work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookEvent {
    /// An article became public (at once, or when its scheduled time came).
    PostPublished,
    /// A public article was saved again.
    PostPublishedEdited,
    /// A public article was withdrawn.
    PostUnpublished,
    /// An article was deleted.
    PostDeleted,
    /// A standing page was put on the site.
    PagePublished,
    /// A published standing page was saved again.
    PagePublishedEdited,
    /// A standing page was taken off the site.
    PageUnpublished,
    /// A standing page was deleted.
    PageDeleted,
    /// A reader confirmed their newsletter subscription.
    MemberAdded,
    /// The newsroom's settings changed.
    SiteChanged,
}

impl WebhookEvent {
    pub const ALL: [Self; 10] = [
        Self::PostPublished,
        Self::PostPublishedEdited,
        Self::PostUnpublished,
        Self::PostDeleted,
        Self::PagePublished,
        Self::PagePublishedEdited,
        Self::PageUnpublished,
        Self::PageDeleted,
        Self::MemberAdded,
        Self::SiteChanged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PostPublished => "post.published",
            Self::PostPublishedEdited => "post.published.edited",
            Self::PostUnpublished => "post.unpublished",
            Self::PostDeleted => "post.deleted",
            Self::PagePublished => "page.published",
            Self::PagePublishedEdited => "page.published.edited",
            Self::PageUnpublished => "page.unpublished",
            Self::PageDeleted => "page.deleted",
            Self::MemberAdded => "member.added",
            Self::SiteChanged => "site.changed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|event| event.as_str() == value)
    }
}

/// A registered webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub id: i64,
    pub event: String,
    pub target_url: String,
    pub secret: String,
    pub created_at: DateTime<Utc>,
}

/// One attempt to deliver an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    pub webhook_id: i64,
    pub target_url: String,
    pub event: String,
    /// The HTTP status answered; 0 when none came.
    pub status: i64,
    pub error: String,
    pub delivered_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_read_back_as_written() {
        for event in WebhookEvent::ALL {
            assert_eq!(WebhookEvent::parse(event.as_str()), Some(event));
        }
        assert_eq!(WebhookEvent::parse("post.deleted.now"), None);
        assert_eq!(
            WebhookEvent::parse("post.deleted"),
            Some(WebhookEvent::PostDeleted)
        );
    }
}

/// A key of an integration for the Ghost-compatible APIs: a Content API key (`kind`
/// "content", the id is the key) or an Admin API key (`kind` "admin": `id:secret`,
/// the hex secret signing the integration's tokens).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: String,
    pub kind: String,
    /// The name the admin gave the integration; its keys share it.
    pub integration: String,
    pub secret: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl ApiKey {
    /// The key as the integration is given it.
    pub fn shown(&self) -> String {
        if self.kind == "admin" {
            format!("{}:{}", self.id, self.secret)
        } else {
            self.id.clone()
        }
    }
}
