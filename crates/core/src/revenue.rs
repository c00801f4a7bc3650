//! Reader revenue: money as integer minor units with a currency (never floats), how
//! often a gift recurs, and the newsroom's settings for the support prompt.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A currency Kolokol can take gifts in: ISO 4217 code and its minor-unit digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency {
    code: [u8; 3],
    digits: u8,
}

/// Currencies and their minor units (ISO 4217); others are refused by name.
const KNOWN: [(&str, u8, &str); 12] = [
    ("USD", 2, "$"),
    ("EUR", 2, "€"),
    ("GBP", 2, "£"),
    ("CHF", 2, "CHF "),
    ("SEK", 2, "SEK "),
    ("NOK", 2, "NOK "),
    ("PLN", 2, "PLN "),
    ("CZK", 2, "CZK "),
    ("GEL", 2, "GEL "),
    ("CAD", 2, "CA$"),
    ("AUD", 2, "A$"),
    ("JPY", 0, "¥"),
];

impl Currency {
    /// The default when nothing else is configured.
    pub const USD: Currency = Currency {
        code: *b"USD",
        digits: 2,
    };

    pub fn parse(code: &str) -> Result<Self, String> {
        let upper = code.trim().to_ascii_uppercase();
        KNOWN
            .iter()
            .find(|(c, _, _)| *c == upper)
            .and_then(|(c, digits, _)| {
                let bytes: [u8; 3] = c.as_bytes().try_into().ok()?;
                Some(Self {
                    code: bytes,
                    digits: *digits,
                })
            })
            .ok_or_else(|| {
                format!("{code:?} is not a currency Kolokol takes (use a code such as EUR or USD)")
            })
    }

    /// `EUR`
    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.code).unwrap_or("XXX")
    }

    /// `eur`, as Stripe writes it.
    pub fn lower(&self) -> String {
        self.code().to_ascii_lowercase()
    }

    pub fn digits(&self) -> u8 {
        self.digits
    }

    fn symbol(&self) -> &'static str {
        KNOWN
            .iter()
            .find(|(c, _, _)| *c == self.code())
            .map_or("", |(_, _, s)| s)
    }
}

impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        Self::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> String {
        value.code().to_owned()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An amount in a currency's minor units (cents), never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    /// Reads what a reader typed: `25`, `25.5`, `25,50`, `1 000`. At most the
    /// currency's decimals; positive; at most 1,000,000 in major units.
    pub fn parse(text: &str, currency: Currency) -> Result<Self, String> {
        let cleaned: String = text
            .trim()
            .trim_start_matches(currency.symbol().trim())
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
            .map(|c| if c == ',' { '.' } else { c })
            .collect();
        let bad = || format!("{text:?} is not an amount: write it like 25 or 25.50");
        if cleaned.is_empty() {
            return Err("Enter an amount.".into());
        }
        let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
        if whole.is_empty() && fraction.is_empty()
            || !whole.chars().all(|c| c.is_ascii_digit())
            || !fraction.chars().all(|c| c.is_ascii_digit())
            || whole.len() > 7
        {
            return Err(bad());
        }
        let digits = usize::from(currency.digits);
        if fraction.len() > digits {
            return Err(if digits == 0 {
                format!(
                    "{} has no smaller unit: give a whole amount.",
                    currency.code()
                )
            } else {
                format!("Give at most {digits} decimals.")
            });
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad())?
        };
        let mut fraction_value: i64 = if fraction.is_empty() {
            0
        } else {
            fraction.parse().map_err(|_| bad())?
        };
        for _ in fraction.len()..digits {
            fraction_value *= 10;
        }
        let scale = 10_i64.pow(u32::from(currency.digits));
        let minor = whole * scale + fraction_value;
        if minor <= 0 {
            return Err("The amount must be more than zero.".into());
        }
        if whole > 1_000_000 {
            return Err("That is more than we can take in one gift; please contact us.".into());
        }
        Ok(Self { minor, currency })
    }

    /// The plain amount for data files: `25.00`, `25.50`, `3000` (every decimal, no
    /// symbol, no grouping).
    pub fn decimal(&self) -> String {
        let digits = usize::from(self.currency.digits);
        if digits == 0 {
            return self.minor.to_string();
        }
        let scale = 10_i64.pow(u32::from(self.currency.digits));
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.abs();
        format!("{sign}{}.{:0digits$}", abs / scale, abs % scale)
    }

    /// `€25`, `€25.50`, `¥3000`.
    pub fn display(&self) -> String {
        let scale = 10_i64.pow(u32::from(self.currency.digits));
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.abs();
        let whole = abs / scale;
        let fraction = abs % scale;
        let mut grouped = String::new();
        let digits = whole.to_string();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let symbol = self.currency.symbol();
        if fraction == 0 {
            format!("{sign}{symbol}{grouped}")
        } else {
            format!(
                "{sign}{symbol}{grouped}.{fraction:0width$}",
                width = usize::from(self.currency.digits)
            )
        }
    }
}

/// How often a gift is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    Once,
    Monthly,
    Annual,
}

impl Frequency {
    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "once" => Self::Once,
            "monthly" => Self::Monthly,
            "annual" => Self::Annual,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Once => "once",
            Self::Monthly => "monthly",
            Self::Annual => "annual",
        }
    }

    /// What one payment is worth per month, for monthly recurring revenue.
    pub fn monthly_minor(self, minor: i64) -> i64 {
        match self {
            Self::Once => 0,
            Self::Monthly => minor,
            Self::Annual => minor / 12,
        }
    }
}

/// An event from the provider, in Kolokol's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentEvent {
    /// The provider's event id: the same event delivered twice changes nothing twice.
    pub id: String,
    /// When the provider made it (Unix seconds); later state wins over earlier.
    pub created: i64,
    /// The provider's API version the event was written in (Stripe's `api_version`),
    /// kept with it; empty when the provider has none.
    pub api_version: String,
    pub kind: EventKind,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// A one-time gift was paid (or, for bank debits, will be: `paid` false until the
    /// async event).
    OneTimePaid {
        payment: String,
        email: Option<String>,
        amount: Money,
        paid: bool,
    },
    /// A checkout for a recurring gift finished: the subscription exists.
    SubscriptionStarted {
        subscription: String,
        email: Option<String>,
        amount: Money,
        frequency: Frequency,
    },
    /// A one-time gift paid by a delayed method settled or failed. The address and
    /// amount come along when the provider sends them (for the receipt).
    AsyncPayment {
        payment: String,
        succeeded: bool,
        email: Option<String>,
        amount: Option<Money>,
    },
    /// A recurring payment was collected. `payment` is the invoice (the same key in
    /// every API version); the payment behind it, when the event names it.
    InvoicePaid {
        payment: String,
        payment_intent: Option<String>,
        subscription: String,
        email: Option<String>,
        amount: Money,
    },
    /// The payment behind an invoice became known (Stripe 2025+: `invoice_payment.paid`;
    /// earlier versions name it on the invoice itself).
    InvoicePaymentPaid {
        invoice: String,
        payment_intent: String,
    },
    /// A renewal failed (the subscription is past due until it is retried or ends).
    InvoiceFailed {
        subscription: String,
    },
    /// The subscription's state or amount changed.
    SubscriptionUpdated {
        subscription: String,
        status: String,
        amount: Option<Money>,
        frequency: Option<Frequency>,
    },
    SubscriptionEnded {
        subscription: String,
    },
    /// Money went back: the payment no longer counts. `payment` is the payment
    /// intent; `invoice` when the event names one (older API versions do).
    Refunded {
        payment: String,
        invoice: Option<String>,
    },
    Disputed {
        payment: String,
        invoice: Option<String>,
    },
    /// Known but needs nothing (an expired checkout, an event type we do not use).
    Ignored {
        kind: String,
    },
}

/// A signed event that could not be read, kept as it came with the reason, until a
/// newer Kolokol reads it (`kolokol revenue replay`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnreadPaymentEvent {
    pub provider: String,
    pub event_id: String,
    pub kind: String,
    pub api_version: String,
    pub body: String,
    pub reason: String,
    pub received_at: i64,
    /// When it was read and applied after all.
    pub applied_at: Option<i64>,
}

/// Where the money stands against the goal, in the newsroom's currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Funding {
    /// Monthly recurring revenue: active monthly gifts plus annual ones divided by 12.
    pub recurring_minor: i64,
    /// One-time gifts paid this calendar month (refunds taken out).
    pub once_this_month_minor: i64,
    /// People giving every month or year.
    pub recurring_supporters: i64,
}

impl Funding {
    pub fn total_minor(&self) -> i64 {
        self.recurring_minor + self.once_this_month_minor
    }
}

/// A recurring gift as the ledger has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubscriptionRecord {
    pub provider_id: String,
    pub email: Option<String>,
    pub amount_minor: i64,
    pub currency: String,
    pub frequency: String,
    pub status: String,
    pub started_at: i64,
    pub ended_at: Option<i64>,
}

/// A payment as the ledger has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentRecord {
    pub provider_id: String,
    pub email: Option<String>,
    pub subscription_id: Option<String>,
    pub amount_minor: i64,
    pub currency: String,
    pub kind: String,
    pub status: String,
    pub paid_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::parse("eur").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn amounts_are_read_as_minor_units() {
        let parse = |t: &str| Money::parse(t, eur()).map(|m| m.minor);
        assert_eq!(parse("25"), Ok(2500));
        assert_eq!(parse("25.5"), Ok(2550));
        assert_eq!(parse(" 25,05 "), Ok(2505));
        assert_eq!(parse("€10"), Ok(1000));
        assert_eq!(parse("1 000"), Ok(100_000));
        assert!(parse("0").is_err());
        assert!(parse("-5").is_err());
        assert!(parse("2.555").unwrap_err().contains("2 decimals"));
        assert!(parse("ten").is_err());
        assert!(parse("").unwrap_err().contains("Enter"));
        assert!(parse("99999999").is_err());
        let yen = Currency::parse("JPY").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(Money::parse("3000", yen).map(|m| m.minor), Ok(3000));
        assert!(
            Money::parse("30.5", yen)
                .unwrap_err()
                .contains("whole amount")
        );
        assert!(Currency::parse("RUB").is_err());
    }

    #[test]
    fn money_is_shown_the_way_people_write_it() {
        assert_eq!(Money::new(2500, eur()).display(), "€25");
        assert_eq!(Money::new(2550, eur()).display(), "€25.50");
        assert_eq!(Money::new(1_000_000, eur()).display(), "€10,000");
        let usd = Currency::parse("USD").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(Money::new(1_234_505, usd).display(), "$12,345.05");
        assert_eq!(Frequency::Annual.monthly_minor(12_000), 1000);
        assert_eq!(Money::new(1000, usd).decimal(), "10.00");
        assert_eq!(Money::new(-505, usd).decimal(), "-5.05");
        let yen = Currency::parse("JPY").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(Money::new(3000, yen).decimal(), "3000");
    }
}
