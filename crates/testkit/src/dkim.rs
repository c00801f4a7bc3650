//! A DKIM verifier written from RFC 6376 (relaxed canonicalization) and RFC 8463
//! (Ed25519), independent of the signer under test: it takes the raw message as the
//! SMTP server received it and the public key a DNS record would publish.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// The public half of a DKIM key.
pub enum PublicKey {
    Rsa(rsa::RsaPublicKey),
    Ed25519(ed25519_dalek::VerifyingKey),
}

/// What a valid signature covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub domain: String,
    pub selector: String,
    /// The signed header names, lowercased.
    pub headers: Vec<String>,
}

/// `name: value` pairs with folded lines joined, and the body.
fn split(message: &str) -> (Vec<(String, String)>, String) {
    let message = message.replace("\r\n", "\n");
    let (head, body) = message.split_once("\n\n").unwrap_or((&message, ""));
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = headers.last_mut() {
                last.1.push_str("\r\n");
                last.1.push_str(line);
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.to_owned(), value.to_owned()));
        }
    }
    (headers, body.to_owned())
}

fn relaxed_header(name: &str, value: &str) -> String {
    let unfolded = value.replace("\r\n", "");
    let collapsed = unfolded
        .split([' ', '\t'])
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    format!("{}:{}\r\n", name.trim().to_lowercase(), collapsed.trim())
}

fn relaxed_body(body: &str) -> String {
    let mut lines: Vec<String> = body
        .lines()
        .map(|line| {
            // Runs of spaces and tabs become one space; none is left at the line's end.
            let mut out = String::with_capacity(line.len());
            for c in line.chars() {
                if c == ' ' || c == '\t' {
                    if !out.ends_with(' ') {
                        out.push(' ');
                    }
                } else {
                    out.push(c);
                }
            }
            out.trim_end_matches(' ').to_owned()
        })
        .collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines.iter().map(|l| format!("{l}\r\n")).collect()
}

fn tags(value: &str) -> Vec<(String, String)> {
    value
        .split(';')
        .filter_map(|t| t.split_once('='))
        .map(|(k, v)| {
            (
                k.trim().to_owned(),
                v.chars().filter(|c| !c.is_whitespace()).collect(),
            )
        })
        .collect()
}

/// Checks the message's DKIM-Signature against `key`.
pub fn verify(message: &str, key: &PublicKey) -> Result<Verified, String> {
    let (headers, body) = split(message);
    let (sig_name, sig_value) = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("DKIM-Signature"))
        .ok_or("no DKIM-Signature header")?;
    let tags = tags(sig_value);
    let tag = |name: &str| {
        tags.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .ok_or(format!("no {name}= tag"))
    };
    if tag("c")? != "relaxed/relaxed" {
        return Err(format!(
            "this checker reads relaxed/relaxed only, not {}",
            tag("c")?
        ));
    }
    let body_hash = STANDARD.encode(Sha256::digest(relaxed_body(&body).as_bytes()));
    if body_hash != tag("bh")? {
        return Err("the body hash does not match: the body changed".into());
    }
    let signed: Vec<String> = tag("h")?.split(':').map(|h| h.to_lowercase()).collect();
    let mut data = String::new();
    let mut used = vec![false; headers.len()];
    for name in &signed {
        // The last unused instance of each named header, per RFC 6376 5.4.2.
        if let Some(i) = (0..headers.len())
            .rev()
            .find(|&i| !used[i] && headers[i].0.eq_ignore_ascii_case(name))
        {
            used[i] = true;
            data.push_str(&relaxed_header(&headers[i].0, &headers[i].1));
        }
    }
    // The signature header itself, with b= emptied and no final CRLF.
    let b_start = sig_value
        .find("b=")
        .filter(|&i| i == 0 || sig_value[..i].ends_with([' ', ';', '\t', '\n']));
    let emptied = match b_start {
        Some(start) => {
            let end = sig_value[start..]
                .find(';')
                .map_or(sig_value.len(), |e| start + e);
            format!("{}b={}", &sig_value[..start], &sig_value[end..])
        }
        None => return Err("no b= tag".into()),
    };
    let own = relaxed_header(sig_name, &emptied);
    data.push_str(own.trim_end_matches("\r\n"));
    let signature = STANDARD
        .decode(tag("b")?)
        .map_err(|e| format!("b= is not base64: {e}"))?;
    let hash = Sha256::digest(data.as_bytes());
    match (key, tag("a")?.as_str()) {
        (PublicKey::Rsa(key), "rsa-sha256") => key
            .verify(rsa::Pkcs1v15Sign::new::<Sha256>(), &hash, &signature)
            .map_err(|e| format!("RSA signature does not verify: {e}"))?,
        (PublicKey::Ed25519(key), "ed25519-sha256") => {
            let signature = ed25519_dalek::Signature::from_slice(&signature)
                .map_err(|e| format!("not an Ed25519 signature: {e}"))?;
            key.verify_strict(&hash, &signature)
                .map_err(|e| format!("Ed25519 signature does not verify: {e}"))?;
        }
        (_, other) => return Err(format!("unexpected algorithm {other}")),
    }
    Ok(Verified {
        domain: tag("d")?,
        selector: tag("s")?,
        headers: signed,
    })
}
