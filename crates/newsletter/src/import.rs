//! Subscriber lists from elsewhere as CSV: a Ghost members export, a Substack
//! subscribers export, a Mailchimp audience export, or a plain spreadsheet. Every row
//! is checked before anything is stored; those who had left are imported as having
//! left, never as active.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use kolokol_core::{Email, ImportedSubscriber, Message, SubscriberStatus};

/// Where a file comes from, told by its columns; each is recorded as the consent's
/// source ("imported from Ghost").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Ghost,
    Substack,
    Mailchimp,
    Csv,
}

impl Source {
    /// The source a header row names: Ghost has `subscribed_to_emails`, Substack
    /// `email_disabled` or `active_subscription`, Mailchimp `email address`.
    fn of(headers: &[String]) -> Self {
        let has = |name: &str| headers.iter().any(|h| h == name);
        if has("subscribed_to_emails") {
            Self::Ghost
        } else if has("email_disabled") || has("active_subscription") {
            Self::Substack
        } else if has("email address") {
            Self::Mailchimp
        } else {
            Self::Csv
        }
    }

    /// The consent's source as the list records it.
    pub fn form(self) -> &'static str {
        match self {
            Self::Ghost => "imported from Ghost",
            Self::Substack => "imported from Substack",
            Self::Mailchimp => "imported from Mailchimp",
            Self::Csv => "imported from a CSV file",
        }
    }
}

/// The times exports write: RFC 3339 (`2026-01-02T09:00:00Z`), a date and time
/// without a zone (`2023-02-11 10:00:00`, UTC), or a date (`2023-02-11`).
fn time(value: &str) -> Option<DateTime<Utc>> {
    if let Ok(time) = DateTime::parse_from_rfc3339(value) {
        return Some(time.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(time) = NaiveDateTime::parse_from_str(value, format) {
            return Some(time.and_utc());
        }
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(|time| time.and_utc())
}

/// A yes/no cell as exports write them.
fn yes(value: &str) -> bool {
    matches!(value.to_lowercase().as_str(), "true" | "yes" | "1" | "y")
}

/// Reads an import file. The first row names the columns, one of them the address
/// (`email`, or Mailchimp's `Email Address`). Kept when present: a name (`name`, or
/// Mailchimp's `First Name` and `Last Name`), sign-up and confirmation times,
/// `policy_version`, `language` (BCP 47: the issues they get; empty for the site's
/// main language). Whether they still subscribe comes from `status` (`active`,
/// `unsubscribed`, `bounced`, `cleaned`, …), Ghost's `subscribed_to_emails`,
/// Substack's `email_disabled`, or Mailchimp's `UNSUB_TIME` / `CLEAN_TIME`. Every
/// problem is reported with its row number; one bad row imports nothing.
pub fn parse(bytes: &[u8], now: DateTime<Utc>) -> Result<Vec<ImportedSubscriber>, Vec<Message>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers = match reader.headers() {
        Ok(h) => h.iter().map(str::to_lowercase).collect::<Vec<_>>(),
        Err(e) => {
            return Err(vec![
                Message::new("import-not-csv").with("reason", e.to_string()),
            ]);
        }
    };
    let source = Source::of(&headers);
    let column = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| headers.iter().position(|h| h == n))
    };
    let Some(email_at) = column(&["email", "email address"]) else {
        return Err(vec![Message::new("import-no-email-column")]);
    };
    let name_at = column(&["name", "full name"]);
    let (first_at, last_at) = (column(&["first name"]), column(&["last name"]));
    let signed_at = column(&["signed_up_at", "created_at", "optin_time"]);
    let confirmed_at = column(&["confirmed_at", "confirm_time"]);
    let (policy_at, language_at, status_at) = (
        column(&["policy_version"]),
        column(&["language"]),
        column(&["status"]),
    );
    let (ghost_at, substack_at) = (
        column(&["subscribed_to_emails"]),
        column(&["email_disabled"]),
    );
    let (unsub_at, clean_at) = (column(&["unsub_time", "left_at"]), column(&["clean_time"]));
    // Ghost marks its paying members with their Stripe customer.
    let customer_at = column(&["stripe_customer_id"]);
    // A plain file may say where each consent was given (our own export does).
    let form_at = (source == Source::Csv).then(|| column(&["form"])).flatten();
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let row = index + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(
                    Message::new("import-row-unreadable")
                        .with("row", row)
                        .with("reason", e.to_string()),
                );
                continue;
            }
        };
        let get = |at: Option<usize>| at.and_then(|i| record.get(i)).unwrap_or("");
        let email = match Email::parse(get(Some(email_at))) {
            Ok(email) => email,
            Err(_) => {
                problems.push(
                    Message::new("import-row-email")
                        .with("row", row)
                        .with("value", get(Some(email_at))),
                );
                continue;
            }
        };
        let mut when = |name: &'static str, at: Option<usize>| -> Option<Option<DateTime<Utc>>> {
            match get(at) {
                "" => Some(None),
                value => match time(value) {
                    Some(t) => Some(Some(t)),
                    None => {
                        problems.push(
                            Message::new("import-row-time")
                                .with("row", row)
                                .with("column", name)
                                .with("value", value),
                        );
                        None
                    }
                },
            }
        };
        let (Some(signed), Some(confirmed), Some(unsubscribed), Some(cleaned)) = (
            when("signed_up_at", signed_at),
            when("confirmed_at", confirmed_at),
            when("left_at", unsub_at),
            when("clean_time", clean_at),
        ) else {
            continue;
        };
        let status_cell = get(status_at).to_lowercase();
        let status = if cleaned.is_some()
            || matches!(
                status_cell.as_str(),
                "bounced" | "cleaned" | "suppressed" | "complained"
            ) {
            SubscriberStatus::Suppressed
        } else if unsubscribed.is_some()
            || matches!(status_cell.as_str(), "unsubscribed" | "inactive" | "left")
            || (ghost_at.is_some() && !yes(get(ghost_at)))
            || (substack_at.is_some() && yes(get(substack_at)))
        {
            SubscriberStatus::Unsubscribed
        } else if status_cell == "pending" {
            // Never confirmed: not on the list, and not asked again by us.
            continue;
        } else {
            SubscriberStatus::Active
        };
        let language = match get(language_at) {
            "" => String::new(),
            value => match kolokol_core::config::language_tag(value) {
                Ok(tag) => tag,
                Err(_) => {
                    problems.push(
                        Message::new("import-row-language")
                            .with("row", row)
                            .with("value", value),
                    );
                    continue;
                }
            },
        };
        let name = match get(name_at) {
            "" => format!("{} {}", get(first_at), get(last_at))
                .trim()
                .to_owned(),
            name => name.to_owned(),
        };
        let signed_up_at = signed.unwrap_or(now);
        let left_at = match status {
            SubscriberStatus::Active => None,
            _ => Some(cleaned.or(unsubscribed).unwrap_or(now)),
        };
        rows.push(ImportedSubscriber {
            email,
            name: name.chars().take(200).collect(),
            status,
            signed_up_at,
            confirmed_at: confirmed.unwrap_or(signed_up_at),
            left_at,
            policy_version: match get(policy_at) {
                "" => "import".into(),
                value => value.chars().take(40).collect(),
            },
            form: match get(form_at) {
                "" => source.form().into(),
                value => value.chars().take(300).collect(),
            },
            language,
            stripe_customer: match get(customer_at) {
                "" => None,
                value => Some(value.chars().take(100).collect()),
            },
        });
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(file: &str) -> Vec<ImportedSubscriber> {
        parse(file.as_bytes(), Utc::now()).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn a_plain_file_keeps_consent_and_those_who_left_stay_away() {
        let now = Utc::now();
        let rows = parsed(
            "Email,name,signed_up_at,confirmed_at,policy_version,status\n\
             anna@reader.example,Anna K.,2026-01-02T09:00:00Z,2026-01-02T09:05:00Z,v3,active\n\
             gone@reader.example,,,,,unsubscribed\n\
             bounced@reader.example,,,,,bounced\n\
             waiting@reader.example,,,,,pending\n\
             boris@reader.example,,,,,\n",
        );
        assert_eq!(rows.len(), 4, "a never-confirmed address is not imported");
        assert_eq!(
            (rows[0].name.as_str(), rows[0].policy_version.as_str()),
            ("Anna K.", "v3")
        );
        assert_eq!(rows[0].status, SubscriberStatus::Active);
        assert_eq!(rows[1].form, "imported from a CSV file");
        assert_eq!(rows[1].status, SubscriberStatus::Unsubscribed);
        assert!(rows[1].left_at.is_some());
        assert_eq!(rows[2].status, SubscriberStatus::Suppressed);
        assert_eq!(rows[3].status, SubscriberStatus::Active);
        assert!(rows[3].confirmed_at >= now - chrono::Duration::minutes(1));
    }

    #[test]
    fn a_ghost_members_export_keeps_names_times_and_who_opted_out() {
        let rows = parsed(
            "id,email,name,note,subscribed_to_emails,complimentary_plan,stripe_customer_id,created_at,deleted_at,labels,tiers\n\
             6401,vera@reader.example,Вера Смирнова,,true,false,,2023-02-11 10:00:00,,,\n\
             6402,lev@reader.example,Lev,,false,false,cus_1,2023-03-01T08:30:00.000Z,,VIP,\n",
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].name, "Вера Смирнова");
        assert_eq!(rows[0].status, SubscriberStatus::Active);
        assert_eq!(
            rows[0].signed_up_at.to_rfc3339(),
            "2023-02-11T10:00:00+00:00"
        );
        assert_eq!(rows[0].form, "imported from Ghost");
        assert_eq!(
            rows[1].status,
            SubscriberStatus::Unsubscribed,
            "subscribed_to_emails=false"
        );
    }

    #[test]
    fn substack_and_mailchimp_exports_are_read_as_they_come() {
        let substack = parsed(
            "email,active_subscription,expiry,plan,email_disabled,created_at\n\
             ines@reader.example,false,,free,false,2024-05-06T07:08:09.000Z\n\
             omar@reader.example,false,,free,true,2024-05-07T07:08:09.000Z\n",
        );
        assert_eq!(substack[0].status, SubscriberStatus::Active);
        assert_eq!(substack[1].status, SubscriberStatus::Unsubscribed);
        assert_eq!(substack[0].form, "imported from Substack");
        let mailchimp = parsed(
            "Email Address,First Name,Last Name,OPTIN_TIME,CONFIRM_TIME,UNSUB_TIME,CLEAN_TIME\n\
             rita@reader.example,Rita,Holm,2022-01-01 10:00:00,2022-01-01 10:05:00,,\n\
             sam@reader.example,Sam,,2022-01-02 10:00:00,,2023-01-01 00:00:00,\n\
             tom@reader.example,,,2022-01-03,,,2023-02-02 00:00:00\n",
        );
        assert_eq!(mailchimp[0].name, "Rita Holm");
        assert_eq!(
            mailchimp[0].confirmed_at.to_rfc3339(),
            "2022-01-01T10:05:00+00:00"
        );
        assert_eq!(mailchimp[1].status, SubscriberStatus::Unsubscribed);
        assert_eq!(mailchimp[2].status, SubscriberStatus::Suppressed);
        assert_eq!(mailchimp[0].form, "imported from Mailchimp");
    }

    #[test]
    fn bad_rows_are_named_and_nothing_is_imported() {
        let now = Utc::now();
        let bad = b"email,confirmed_at,language\nnot-an-address,,\nok@reader.example,yesterday,\nru@reader.example,,russian\n";
        let problems = parse(bad, now).err().unwrap_or_default();
        let keys: Vec<&str> = problems.iter().map(|p| p.key).collect();
        assert_eq!(
            keys,
            ["import-row-email", "import-row-time", "import-row-language"]
        );
        assert_eq!(problems[1].args["row"], kolokol_core::Arg::Number(3));
        let headless = parse(b"anna@reader.example\n", now)
            .err()
            .unwrap_or_default();
        assert_eq!(headless[0].key, "import-no-email-column");
    }
}
