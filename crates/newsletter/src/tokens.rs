//! Reader links that need no sign-in: the URL alone says who and which list, signed
//! with the site's secret (HMAC-SHA256) so nobody can make one for someone else.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// What a token lets its bearer do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// One-click unsubscribe and the preferences page.
    Subscription,
}

impl Purpose {
    fn label(self) -> &'static str {
        match self {
            Self::Subscription => "weekly:subscription",
        }
    }
}

/// Signs and checks reader tokens with one secret.
#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer { .. }")
    }
}

impl Signer {
    pub fn new(secret: &str) -> Self {
        Self {
            key: secret.as_bytes().to_vec(),
        }
    }

    fn mac(&self, purpose: Purpose, subscriber: i64) -> Vec<u8> {
        // new_from_slice accepts keys of any length for HMAC.
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.key) {
            Ok(mac) => mac,
            Err(_) => return Vec::new(),
        };
        mac.update(purpose.label().as_bytes());
        mac.update(b":");
        mac.update(subscriber.to_string().as_bytes());
        mac.finalize().into_bytes()[..16].to_vec()
    }

    /// `{subscriber}.{signature}`, safe in a URL path.
    pub fn token(&self, purpose: Purpose, subscriber: i64) -> String {
        format!(
            "{subscriber}.{}",
            URL_SAFE_NO_PAD.encode(self.mac(purpose, subscriber))
        )
    }

    /// The subscriber a token names, if its signature is right.
    pub fn verify(&self, purpose: Purpose, token: &str) -> Option<i64> {
        let (id, signature) = token.split_once('.')?;
        let id: i64 = id.parse().ok().filter(|id| *id > 0)?;
        let given = URL_SAFE_NO_PAD.decode(signature).ok()?;
        let expected = self.mac(purpose, id);
        (!expected.is_empty()
            && bool::from(subtle::ConstantTimeEq::ct_eq(&given[..], &expected[..])))
        .then_some(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_name_their_reader_and_cannot_be_forged() {
        let signer = Signer::new("a long site secret");
        let token = signer.token(Purpose::Subscription, 42);
        assert!(token.starts_with("42."));
        assert_eq!(signer.verify(Purpose::Subscription, &token), Some(42));
        // Someone else's number with this signature, another secret, or junk: no.
        let forged = token.replacen("42.", "43.", 1);
        assert_eq!(signer.verify(Purpose::Subscription, &forged), None);
        assert_eq!(
            Signer::new("another secret").verify(Purpose::Subscription, &token),
            None
        );
        for junk in ["", ".", "42", "42.", "-1.AAAA", "x.y", "42.!!!!"] {
            assert_eq!(signer.verify(Purpose::Subscription, junk), None, "{junk}");
        }
    }
}
