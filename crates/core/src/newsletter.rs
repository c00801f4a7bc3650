//! The newsletter's vocabulary: subscribers and their consent, issues of the weekly
//! digest, the weekly schedule in the newsroom's time zone, and delivery progress.

use std::fmt;

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::form::FieldErrors;
use crate::{ArticleId, Email};

/// In a composed issue, replaced by the issue's number when sending starts (the store
/// numbers issues in the transaction that starts the send).
pub const ISSUE_NUMBER_PLACEHOLDER: &str = "%%KOLOKOL_ISSUE_NUMBER%%";

/// The most articles one issue may carry.
pub const MAX_ISSUE_ARTICLES: usize = 30;

/// Where a subscriber stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SubscriberStatus {
    /// Signed up, confirmation mail sent, not yet confirmed.
    Pending,
    Active,
    Unsubscribed,
    /// Bounced permanently or complained: never mailed again.
    Suppressed,
}

impl SubscriberStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Unsubscribed => "unsubscribed",
            Self::Suppressed => "suppressed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "pending" => Self::Pending,
            "active" => Self::Active,
            "unsubscribed" => Self::Unsubscribed,
            "suppressed" => Self::Suppressed,
            _ => return None,
        })
    }
}

/// A reader on the list, with what proves their consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subscriber {
    pub id: i64,
    pub email: Email,
    pub status: SubscriberStatus,
    pub signed_up_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub left_at: Option<DateTime<Utc>>,
    pub policy_version: String,
    /// The page whose form was used, or `import`.
    pub form: String,
    /// A keyed hash of the address the sign-up came from (never the address itself).
    pub address_hash: String,
    /// Why the subscriber left or was suppressed.
    pub reason: String,
    /// As an imported list gave it; may be empty.
    pub name: String,
    /// BCP 47: the issues they get are in this language.
    pub language: String,
}

/// A sign-up as the store records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signup {
    pub email: Email,
    pub policy_version: String,
    pub form: String,
    pub address_hash: String,
    /// SHA-256 of the confirmation token mailed to the reader.
    pub token_hash: String,
    /// BCP 47: the language of the edition they signed up in, whose issues they get.
    pub language: String,
}

/// What a sign-up did; the reader is told the same thing in every case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignupOutcome {
    /// A confirmation mail should go out.
    Confirm,
    /// Already subscribed, suppressed, or a confirmation went out minutes ago: no mail.
    Quiet,
}

/// Counts and growth for the admin.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SubscriberStats {
    pub active: i64,
    pub pending: i64,
    pub unsubscribed: i64,
    pub suppressed: i64,
    /// Newest week last.
    pub weeks: Vec<WeekGrowth>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekGrowth {
    pub week_start: DateTime<Utc>,
    pub joined: i64,
    pub left: i64,
}

/// One row of a subscriber import: an address with the consent it was given elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedSubscriber {
    pub email: Email,
    /// As the other service had it; may be empty.
    pub name: String,
    /// Active, or having left there (unsubscribed, or suppressed after bounces):
    /// those who left are imported as such, never mailed.
    pub status: SubscriberStatus,
    pub signed_up_at: DateTime<Utc>,
    pub confirmed_at: DateTime<Utc>,
    /// When they left, for those who did.
    pub left_at: Option<DateTime<Utc>>,
    pub policy_version: String,
    /// Where the consent came from: "imported from Ghost".
    pub form: String,
    /// BCP 47; empty for the site's main language.
    pub language: String,
    /// A paying member's Stripe customer (Ghost's `stripe_customer_id`): they become
    /// a supporter, and their subscriptions are read from Stripe.
    pub stripe_customer: Option<String>,
}

/// Where an issue stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IssueStatus {
    Draft,
    Scheduled,
    Sending,
    Sent,
}

impl IssueStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Scheduled => "scheduled",
            Self::Sending => "sending",
            Self::Sent => "sent",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "draft" => Self::Draft,
            "scheduled" => Self::Scheduled,
            "sending" => Self::Sending,
            "sent" => Self::Sent,
            _ => return None,
        })
    }

    /// Whether editors may still change the issue.
    pub fn editable(self) -> bool {
        matches!(self, Self::Draft | Self::Scheduled)
    }
}

/// An issue of the newsletter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewsletterIssue {
    pub id: i64,
    /// Given when sending starts: No. 1, 2, … in the archive.
    pub number: Option<i64>,
    pub subject: String,
    pub intro_md: String,
    /// Whole articles in the mail rather than summaries with links.
    pub full_text: bool,
    pub status: IssueStatus,
    pub scheduled_for: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The articles in the editors' order.
    pub article_ids: Vec<ArticleId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// BCP 47: written in, and sent to the subscribers of, this language.
    pub language: String,
}

/// The mail as frozen when sending started: every recipient, and the archive, get
/// these bytes (with their own links filled in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrozenIssue {
    pub issue: NewsletterIssue,
    pub html: String,
    pub text: String,
}

/// How far a send has come.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryProgress {
    pub sent: i64,
    pub failed: i64,
    pub pending: i64,
}

impl DeliveryProgress {
    pub fn total(&self) -> i64 {
        self.sent + self.failed + self.pending
    }
}

/// One message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub subscriber_id: i64,
    pub email: String,
}

/// What became of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    Sent,
    /// The server refused for good (5xx): the address is suppressed.
    Rejected(String),
    /// Try again later (4xx, connection trouble); failed after a few attempts.
    Deferred(String),
}

/// The editors' form for an issue.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IssueForm {
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub intro: String,
    #[serde(default)]
    pub full_text: Option<String>,
    /// Article ids in order, separated by commas or spaces.
    #[serde(default)]
    pub articles: String,
    /// BCP 47; empty for the site's main language.
    #[serde(default)]
    pub language: String,
}

/// A validated issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueDraft {
    pub subject: String,
    pub intro_md: String,
    pub full_text: bool,
    pub article_ids: Vec<ArticleId>,
    /// BCP 47: the issue goes to the subscribers of this language.
    pub language: String,
}

impl IssueForm {
    pub fn from_issue(issue: &NewsletterIssue) -> Self {
        Self {
            subject: issue.subject.clone(),
            intro: issue.intro_md.clone(),
            full_text: issue.full_text.then(|| "on".to_owned()),
            articles: issue
                .article_ids
                .iter()
                .map(|id| id.0.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            language: issue.language.clone(),
        }
    }

    /// `languages` are the site's, its main language first.
    pub fn validate(&self, languages: &[String]) -> Result<IssueDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        let language = crate::form::checked_language(&self.language, languages, &mut errors);
        let subject = self.subject.trim();
        if subject.is_empty() {
            errors.insert("subject", crate::Message::new("error-subject-missing"));
        } else if subject.chars().count() > 150 {
            errors.insert("subject", crate::editor::too_long(150));
        } else if subject.contains(['\r', '\n']) {
            errors.insert("subject", crate::Message::new("error-subject-lines"));
        }
        if self.intro.len() > 20_000 {
            errors.insert("intro", crate::editor::too_long(20_000));
        }
        let mut article_ids = Vec::new();
        for part in self
            .articles
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|p| !p.is_empty())
        {
            match part.parse::<i64>() {
                Ok(id) if id > 0 => {
                    if !article_ids.contains(&ArticleId(id)) {
                        article_ids.push(ArticleId(id));
                    }
                }
                _ => {
                    errors.insert(
                        "articles",
                        crate::Message::new("error-article-number").with("text", part),
                    );
                    break;
                }
            }
        }
        if article_ids.len() > MAX_ISSUE_ARTICLES {
            errors.insert(
                "articles",
                crate::Message::new("error-too-many-articles").with("max", MAX_ISSUE_ARTICLES),
            );
        }
        if errors.is_empty() {
            Ok(IssueDraft {
                subject: subject.to_owned(),
                intro_md: self.intro.replace("\r\n", "\n"),
                full_text: self.full_text.is_some(),
                article_ids,
                language,
            })
        } else {
            Err(errors)
        }
    }
}

/// "Every Friday at 09:00" in the newsroom's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklySchedule {
    #[serde(with = "weekday_name")]
    pub weekday: Weekday,
    pub time: NaiveTime,
}

impl Default for WeeklySchedule {
    fn default() -> Self {
        Self {
            weekday: Weekday::Fri,
            time: NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN),
        }
    }
}

impl fmt::Display for WeeklySchedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "every {} at {}",
            weekday_name::long(self.weekday),
            self.time.format("%H:%M")
        )
    }
}

impl WeeklySchedule {
    /// The first slot strictly after `now`, as wall-clock time in `tz`. A slot that
    /// falls into a daylight-saving gap moves to the first minute after the gap; in
    /// the repeated hour of autumn the first occurrence counts.
    pub fn next_after<Tz: TimeZone>(&self, now: DateTime<Utc>, tz: &Tz) -> DateTime<Utc> {
        let local_today = now.with_timezone(tz).date_naive();
        for offset in 0..=14 {
            let day = local_today + Duration::days(offset);
            if day.weekday() != self.weekday {
                continue;
            }
            let wall = day.and_time(self.time);
            let slot = tz.from_local_datetime(&wall).earliest().or_else(|| {
                // In a spring-forward gap: the first existing minute after it.
                (1..=180).find_map(|m| {
                    tz.from_local_datetime(&(wall + Duration::minutes(m)))
                        .earliest()
                })
            });
            if let Some(slot) = slot.map(|s| s.with_timezone(&Utc))
                && slot > now
            {
                return slot;
            }
        }
        now + Duration::days(7)
    }
}

mod weekday_name {
    use chrono::Weekday;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn long(day: Weekday) -> &'static str {
        match day {
            Weekday::Mon => "Monday",
            Weekday::Tue => "Tuesday",
            Weekday::Wed => "Wednesday",
            Weekday::Thu => "Thursday",
            Weekday::Fri => "Friday",
            Weekday::Sat => "Saturday",
            Weekday::Sun => "Sunday",
        }
    }

    pub fn serialize<S: Serializer>(day: &Weekday, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&long(*day).to_lowercase())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Weekday, D::Error> {
        let name = String::deserialize(d)?;
        name.parse::<Weekday>()
            .map_err(|_| serde::de::Error::custom(format!("{name:?} is not a day of the week")))
    }
}

/// The newsletter's settings, edited by admins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewsletterSettings {
    pub name: String,
    /// Sending automatically at the scheduled slot.
    pub schedule: WeeklySchedule,
    /// Bumped when the privacy policy changes; stored with every consent.
    pub policy_version: String,
    /// Where the privacy policy is (a path on this site or an https URL).
    pub policy_url: String,
}

impl Default for NewsletterSettings {
    fn default() -> Self {
        Self {
            // Named from the theme's catalogue in the site's language until an editor names it.
            name: String::new(),
            schedule: WeeklySchedule::default(),
            policy_version: "1".into(),
            policy_url: "/privacy".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, min, 0))
            .map(|t| t.and_utc())
            .unwrap_or_default()
    }

    #[test]
    fn friday_nine_in_riga_follows_daylight_saving() {
        let riga = chrono_tz::Europe::Riga;
        let friday = WeeklySchedule::default();
        // Summer (UTC+3): 09:00 local is 06:00 UTC.
        assert_eq!(
            friday.next_after(utc(2026, 10, 20, 12, 0), &riga),
            utc(2026, 10, 23, 6, 0)
        );
        // Clocks go back on Sunday 25 October: the next Friday is UTC+2.
        assert_eq!(
            friday.next_after(utc(2026, 10, 23, 6, 0), &riga),
            utc(2026, 10, 30, 7, 0)
        );
        // Just before the slot it is the same day; at the slot, the week after.
        assert_eq!(
            friday.next_after(utc(2026, 10, 30, 6, 59), &riga),
            utc(2026, 10, 30, 7, 0)
        );
    }

    #[test]
    fn a_slot_in_the_spring_gap_moves_past_it() {
        // Riga skips 03:00–04:00 on Sunday 29 March 2026.
        let sunday_three = WeeklySchedule {
            weekday: Weekday::Sun,
            time: NaiveTime::from_hms_opt(3, 30, 0).unwrap_or(NaiveTime::MIN),
        };
        let slot = sunday_three.next_after(utc(2026, 3, 27, 0, 0), &chrono_tz::Europe::Riga);
        // 04:00 local summer time = 01:00 UTC.
        assert_eq!(slot, utc(2026, 3, 29, 1, 0));
    }

    #[test]
    fn issue_forms_are_checked() {
        let form = IssueForm {
            subject: " The week in Veldoria ".into(),
            intro: "Hello\r\nthere".into(),
            full_text: Some("on".into()),
            articles: "3, 1 3\n7".into(),
            language: "ru".into(),
        };
        let languages = ["en".to_owned(), "ru".to_owned()];
        let draft = form
            .validate(&languages)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(draft.language, "ru");
        assert_eq!(draft.subject, "The week in Veldoria");
        assert_eq!(draft.intro_md, "Hello\nthere");
        assert!(draft.full_text);
        assert_eq!(
            draft.article_ids,
            [ArticleId(3), ArticleId(1), ArticleId(7)]
        );
        let bad = IssueForm {
            subject: "two\nlines".into(),
            articles: "4, four".into(),
            language: "de".into(),
            ..IssueForm::default()
        };
        let errors = bad.validate(&languages).err().unwrap_or_default();
        assert!(errors.contains_key("subject"));
        assert!(errors.contains_key("language"), "only the site's languages");
        assert_eq!(
            errors["articles"],
            crate::Message::new("error-article-number").with("text", "four")
        );
        let empty = IssueForm::default()
            .validate(&["en".into()])
            .err()
            .unwrap_or_default();
        assert!(empty.contains_key("subject"));
    }

    #[test]
    fn schedules_read_and_write_day_names() {
        let json = r#"{"weekday":"monday","time":"07:30:00"}"#;
        let schedule: WeeklySchedule = serde_json::from_str(json).unwrap_or_default();
        assert_eq!(schedule.weekday, Weekday::Mon);
        assert_eq!(schedule.to_string(), "every Monday at 07:30");
        assert!(
            serde_json::from_str::<WeeklySchedule>(r#"{"weekday":"someday","time":"07:30:00"}"#)
                .is_err()
        );
    }
}
