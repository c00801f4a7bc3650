//! Subscriber lists from elsewhere (another newsletter service's export, a
//! spreadsheet) as CSV, checked row by row before anything is stored.

use chrono::{DateTime, Utc};
use kolokol_core::{Email, ImportedSubscriber};

/// Reads an import file: a header row naming at least `email`; `signed_up_at`,
/// `confirmed_at` (RFC 3339), `policy_version`, `form` and `language` (BCP 47: the
/// issues they get; empty for the site's main language) are kept when present.
/// Rows whose `status` column says they left are skipped. Every problem is reported
/// with its row number; one bad row imports nothing.
pub fn parse(bytes: &[u8], now: DateTime<Utc>) -> Result<Vec<ImportedSubscriber>, Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers = match reader.headers() {
        Ok(h) => h.iter().map(str::to_lowercase).collect::<Vec<_>>(),
        Err(e) => return Err(vec![format!("The file is not readable CSV: {e}")]),
    };
    let column = |name: &str| headers.iter().position(|h| h == name);
    let Some(email_at) = column("email") else {
        return Err(vec![
            "The first row must name the columns, with one called \"email\".".into(),
        ]);
    };
    let (signed_at, confirmed_at, policy_at, form_at, status_at) = (
        column("signed_up_at"),
        column("confirmed_at"),
        column("policy_version"),
        column("form"),
        column("status"),
    );
    let language_at = column("language");
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("Row {line}: {e}"));
                continue;
            }
        };
        let get = |at: Option<usize>| at.and_then(|i| record.get(i)).unwrap_or("");
        if matches!(get(status_at), "unsubscribed" | "suppressed" | "pending") {
            continue;
        }
        let email = match Email::parse(get(Some(email_at))) {
            Ok(email) => email,
            Err(_) => {
                problems.push(format!(
                    "Row {line}: {:?} is not an e-mail address.",
                    get(Some(email_at))
                ));
                continue;
            }
        };
        let mut time = |name: &str, at: Option<usize>| {
            let value = get(at);
            if value.is_empty() {
                return Some(now);
            }
            DateTime::parse_from_rfc3339(value)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| {
                    problems.push(format!(
                        "Row {line}: {name} {value:?} is not a time like 2026-03-01T09:00:00Z."
                    ));
                })
                .ok()
        };
        let (Some(signed_up_at), Some(confirmed)) = (
            time("signed_up_at", signed_at),
            time("confirmed_at", confirmed_at),
        ) else {
            continue;
        };
        let text = |at: Option<usize>, default: &str, max: usize| {
            let value = get(at);
            if value.is_empty() {
                default.to_owned()
            } else {
                value.chars().take(max).collect()
            }
        };
        let language = match get(language_at) {
            "" => String::new(),
            value => match kolokol_core::config::language_tag(value) {
                Ok(tag) => tag,
                Err(_) => {
                    problems.push(format!(
                        "Row {line}: language {value:?} is not a language tag such as en or ru."
                    ));
                    continue;
                }
            },
        };
        rows.push(ImportedSubscriber {
            language,
            email,
            signed_up_at,
            confirmed_at: confirmed,
            policy_version: text(policy_at, "import", 40),
            form: text(form_at, "import", 300),
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

    #[test]
    fn imports_read_consent_columns_and_name_bad_rows() {
        let now = Utc::now();
        let good = b"Email,signed_up_at,confirmed_at,policy_version,form,status\n\
            anna@reader.example,2026-01-02T09:00:00Z,2026-01-02T09:05:00Z,v3,/articles/x,active\n\
            gone@reader.example,,,,,unsubscribed\n\
            boris@reader.example,,,,,\n";
        let rows = parse(good, now).unwrap_or_default();
        assert_eq!(rows.len(), 2, "those who left are not imported");
        assert_eq!(rows[0].policy_version, "v3");
        assert_eq!(rows[0].form, "/articles/x");
        assert_eq!(rows[1].confirmed_at, now);
        assert_eq!(rows[1].form, "import");

        let bad = b"email,confirmed_at\nnot-an-address,\nok@reader.example,yesterday\n";
        let problems = parse(bad, now).err().unwrap_or_default();
        assert_eq!(problems.len(), 2);
        assert!(problems[0].starts_with("Row 2:"));
        assert!(problems[1].contains("yesterday"));
        let headless = parse(b"anna@reader.example\n", now)
            .err()
            .unwrap_or_default();
        assert!(headless[0].contains("\"email\""));
    }
}
