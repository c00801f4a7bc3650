//! Bounces and complaints that arrive later, by mail: delivery status notifications
//! (RFC 3464, `multipart/report; report-type=delivery-status`) and abuse feedback
//! reports from mailbox providers' feedback loops (ARF, RFC 5965,
//! `report-type=feedback-report`). Either names an address that must not be mailed
//! again. The operator pipes such messages to `kolokol newsletter feedback`.

/// What a report says about one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    pub email: String,
    /// `bounced: 5.1.1` or `complaint: abuse`.
    pub reason: String,
}

/// The value of `name:` in a block of header-like lines (case-insensitive).
fn field<'a>(block: &'a str, name: &str) -> Option<&'a str> {
    block.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

/// `rfc822; anna@example.org` → `anna@example.org`.
fn address(value: &str) -> String {
    value
        .rsplit(';')
        .next()
        .unwrap_or(value)
        .trim()
        .trim_matches(['<', '>'])
        .to_lowercase()
}

/// Reads a report; an empty list when it is neither a permanent failure nor a
/// complaint (a delay notice, an out-of-office reply, anything else).
pub fn parse(message: &str) -> Vec<Feedback> {
    let message = message.replace("\r\n", "\n");
    let lower = message.to_ascii_lowercase();
    let mut found = Vec::new();
    if lower.contains("report-type=feedback-report")
        || lower.contains("report-type=\"feedback-report\"")
    {
        // The machine-readable part carries Feedback-Type and, usually, the recipient.
        let kind = field(&message, "Feedback-Type")
            .unwrap_or("abuse")
            .to_owned();
        let recipient = field(&message, "Original-Rcpt-To")
            .map(address)
            .or_else(|| {
                // Otherwise the returned original message's To: (the last one in the
                // report, after the report's own headers).
                message
                    .lines()
                    .rev()
                    .find_map(|l| l.strip_prefix("To:"))
                    .map(|v| address(v.rsplit('<').next().unwrap_or(v)))
            });
        if let Some(email) = recipient.filter(|e| e.contains('@')) {
            found.push(Feedback {
                email,
                reason: format!("complaint: {kind}"),
            });
        }
        return found;
    }
    if lower.contains("report-type=delivery-status")
        || lower.contains("report-type=\"delivery-status\"")
    {
        // One block per recipient, separated by blank lines.
        for block in message.split("\n\n") {
            let (Some(recipient), Some(action)) =
                (field(block, "Final-Recipient"), field(block, "Action"))
            else {
                continue;
            };
            let status = field(block, "Status").unwrap_or("");
            if action.eq_ignore_ascii_case("failed") && status.starts_with('5') {
                let email = address(recipient);
                if email.contains('@') {
                    found.push(Feedback {
                        email,
                        reason: format!("bounced: {status}"),
                    });
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUNCE: &str = "From: MAILER-DAEMON@mx.inbox.example\r\n\
        Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
        --b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\r\n\
        --b\r\nContent-Type: message/delivery-status\r\n\r\n\
        Reporting-MTA: dns; mx.inbox.example\r\n\r\n\
        Final-Recipient: rfc822; Gone@Inbox.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n\
        Final-Recipient: rfc822; slow@inbox.example\r\nAction: delayed\r\nStatus: 4.4.1\r\n\r\n\
        --b--\r\n";

    const COMPLAINT: &str = "From: fbl@provider.example\n\
        Content-Type: multipart/report; report-type=feedback-report; boundary=\"f\"\n\n\
        --f\nContent-Type: text/plain\n\nThis is an abuse report.\n\n\
        --f\nContent-Type: message/feedback-report\n\n\
        Feedback-Type: abuse\nUser-Agent: ProviderFBL/1.0\nVersion: 1\n\
        Original-Rcpt-To: <annoyed@inbox.example>\n\n\
        --f\nContent-Type: message/rfc822\n\nFrom: The Weekly <weekly@bell.example>\nTo: annoyed@inbox.example\n\n--f--\n";

    #[test]
    fn permanent_bounces_and_complaints_name_their_address() {
        assert_eq!(
            parse(BOUNCE),
            [Feedback {
                email: "gone@inbox.example".into(),
                reason: "bounced: 5.1.1".into()
            }],
            "the delay is not a bounce"
        );
        assert_eq!(
            parse(COMPLAINT),
            [Feedback {
                email: "annoyed@inbox.example".into(),
                reason: "complaint: abuse".into()
            }]
        );
        // Without Original-Rcpt-To, the returned message's To: is used.
        let bare = COMPLAINT.replace("Original-Rcpt-To: <annoyed@inbox.example>\n", "");
        assert_eq!(parse(&bare)[0].email, "annoyed@inbox.example");
        assert!(parse("Subject: Out of office\n\nI am away until Monday.").is_empty());
    }
}
