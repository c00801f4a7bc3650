//! Reader revenue: money as integer minor units with a currency (never floats), how
//! often a gift recurs, and the newsroom's settings for the support prompt.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A currency Kolokol can take gifts in: an ISO 4217 code and its minor units as
/// Stripe counts them in API amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency {
    code: [u8; 3],
    digits: u8,
    /// The smallest step an amount may take, in minor units: Stripe wants three-
    /// decimal currencies in tens, and Icelandic krónur (two decimals in the API)
    /// in whole krónur.
    step: i64,
}

/// Symbols readers recognise without doubt; other currencies show their code.
const SYMBOLS: [(&str, &str); 4] = [("USD", "$"), ("EUR", "€"), ("GBP", "£"), ("JPY", "¥")];

/// Where Stripe's API amounts depart from ISO 4217's minor units (its documented
/// zero-decimal list, and the special cases): (code, decimals in API amounts, step).
const STRIPE_EXCEPTIONS: [(&str, u8, i64); 2] = [("MGA", 0, 1), ("ISK", 2, 100)];

impl Currency {
    /// The default when nothing else is configured.
    pub const USD: Currency = Currency {
        code: *b"USD",
        digits: 2,
        step: 1,
    };
    pub const EUR: Currency = Currency {
        code: *b"EUR",
        digits: 2,
        step: 1,
    };

    /// Any currency in use under ISO 4217 (the table comes from the `iso_currency`
    /// crate, kept from ISO's list): not funds, not special drawing units, not
    /// superseded codes.
    pub fn parse(code: &str) -> Result<Self, String> {
        let upper = code.trim().to_ascii_uppercase();
        let refused = || {
            format!(
                "{code:?} is not a currency code in use (ISO 4217: three letters such as EUR, USD, GBP, JPY or KWD)"
            )
        };
        let iso = iso_currency::Currency::from_code(&upper).ok_or_else(refused)?;
        if iso.is_fund() || iso.is_special() || iso.is_superseded().is_some() {
            return Err(refused());
        }
        let exponent = iso.exponent().ok_or_else(refused)?;
        let (digits, step) = STRIPE_EXCEPTIONS
            .iter()
            .find(|(c, _, _)| *c == upper)
            .map_or_else(
                || {
                    let digits = u8::try_from(exponent).unwrap_or(2);
                    (digits, if digits == 3 { 10 } else { 1 })
                },
                |(_, digits, step)| (*digits, *step),
            );
        let bytes: [u8; 3] = upper.as_bytes().try_into().map_err(|_| refused())?;
        Ok(Self {
            code: bytes,
            digits,
            step,
        })
    }

    /// Every currency [`Currency::parse`] accepts, by code.
    pub fn all_codes() -> Vec<&'static str> {
        use iso_currency::IntoEnumIterator;
        iso_currency::Currency::iter()
            .map(|c| c.code())
            .filter(|code| Currency::parse(code).is_ok())
            .collect()
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

    /// The smallest step of an amount, in minor units.
    pub fn step(&self) -> i64 {
        self.step
    }

    /// `€`, or the code and a space where the currency has no common symbol.
    pub fn symbol(&self) -> String {
        SYMBOLS
            .iter()
            .find(|(c, _)| *c == self.code())
            .map_or_else(|| format!("{} ", self.code()), |(_, s)| (*s).to_owned())
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

/// Why what a reader typed is not an amount. Its `Display` is English; the
/// site says it from the catalogue by [`AmountError::key`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("Enter an amount.")]
    Empty,
    #[error("{0:?} is not an amount: write it like 25 or 25.50")]
    NotAnAmount(String),
    #[error("{} has no smaller unit: give a whole amount.", .0.code())]
    NoSmallerUnit(Currency),
    #[error("Give at most {0} decimals.")]
    TooManyDecimals(u8),
    #[error("The amount must be more than zero.")]
    NotPositive,
    #[error("{} amounts are whole numbers: give no decimals.", .0.code())]
    WholeOnly(Currency),
    #[error("{} amounts end in 0: give at most {} decimals.", .0.code(), .0.digits - 1)]
    EndsInZero(Currency),
    #[error("That is more than we can take in one gift; please contact us.")]
    TooLarge,
}

impl AmountError {
    /// The catalogue's message for this refusal.
    pub fn message(&self) -> crate::Message {
        use crate::Message;
        match self {
            Self::Empty => Message::new("amount-empty"),
            Self::NotAnAmount(text) => Message::new("amount-not-an-amount").with("text", text),
            Self::NoSmallerUnit(c) => Message::new("amount-no-smaller-unit").with("code", c.code()),
            Self::TooManyDecimals(d) => {
                Message::new("amount-too-many-decimals").with("digits", u32::from(*d))
            }
            Self::NotPositive => Message::new("amount-not-positive"),
            Self::WholeOnly(c) => Message::new("amount-whole-only").with("code", c.code()),
            Self::EndsInZero(c) => Message::new("amount-ends-in-zero")
                .with("code", c.code())
                .with("digits", u32::from(c.digits - 1)),
            Self::TooLarge => Message::new("amount-too-large"),
        }
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
    pub fn parse(text: &str, currency: Currency) -> Result<Self, AmountError> {
        let cleaned: String = text
            .trim()
            .trim_start_matches(currency.symbol().trim())
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
            .map(|c| if c == ',' { '.' } else { c })
            .collect();
        let bad = || AmountError::NotAnAmount(text.to_owned());
        if cleaned.is_empty() {
            return Err(AmountError::Empty);
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
                AmountError::NoSmallerUnit(currency)
            } else {
                AmountError::TooManyDecimals(currency.digits)
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
            return Err(AmountError::NotPositive);
        }
        if minor % currency.step != 0 {
            return Err(if currency.step >= scale {
                AmountError::WholeOnly(currency)
            } else {
                AmountError::EndsInZero(currency)
            });
        }
        if whole > 1_000_000 {
            return Err(AmountError::TooLarge);
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

/// Stripe's documented smallest charge per currency (major units as text), for the
/// currencies it lists; others take at least one whole unit.
const STRIPE_MINIMUMS: [(&str, &str); 24] = [
    ("USD", "0.50"),
    ("EUR", "0.50"),
    ("GBP", "0.30"),
    ("CHF", "0.50"),
    ("CAD", "0.50"),
    ("AUD", "0.50"),
    ("NZD", "0.50"),
    ("SGD", "0.50"),
    ("BRL", "0.50"),
    ("INR", "0.50"),
    ("JPY", "50"),
    ("SEK", "3.00"),
    ("NOK", "3.00"),
    ("DKK", "2.50"),
    ("PLN", "2.00"),
    ("CZK", "15.00"),
    ("HUF", "175.00"),
    ("RON", "2.00"),
    ("BGN", "1.00"),
    ("AED", "2.00"),
    ("HKD", "4.00"),
    ("MXN", "10.00"),
    ("MYR", "2.00"),
    ("THB", "10.00"),
];

/// A configured smallest card gift, written `"USD 5"`; read once, with the
/// configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct GiftMinimum(pub Money);

impl GiftMinimum {
    pub fn parse(entry: &str) -> Result<Self, String> {
        let (code, amount) = entry
            .trim()
            .split_once(' ')
            .ok_or_else(|| format!("{entry:?}: write a currency and an amount, like \"USD 5\""))?;
        let currency = Currency::parse(code)?;
        Money::parse(amount, currency)
            .map(Self)
            .map_err(|e| format!("{entry:?}: {e}"))
    }
}

impl TryFrom<String> for GiftMinimum {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        Self::parse(&value)
    }
}

impl From<GiftMinimum> for String {
    fn from(value: GiftMinimum) -> String {
        format!("{} {}", value.0.currency.code(), value.0.decimal())
    }
}

/// The smallest card gift in `currency`: the configured one, else Stripe's.
pub fn minimum_gift(currency: Currency, configured: &[GiftMinimum]) -> Money {
    let configured = configured
        .iter()
        .map(|m| m.0)
        .find(|m| m.currency == currency);
    configured.unwrap_or_else(|| {
        STRIPE_MINIMUMS
            .iter()
            .find(|(code, _)| *code == currency.code())
            .and_then(|(_, amount)| Money::parse(amount, currency).ok())
            .unwrap_or_else(|| {
                Money::new(
                    10_i64
                        .pow(u32::from(currency.digits()))
                        .max(currency.step()),
                    currency,
                )
            })
    })
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

/// A supporter signed in on their own pages (by a mailed link).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Supporter {
    pub id: i64,
    pub email: String,
    /// The CSRF token of their session's forms.
    pub csrf: String,
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
        assert_eq!(parse("2.555"), Err(AmountError::TooManyDecimals(2)));
        assert!(
            parse("2.555")
                .unwrap_err()
                .to_string()
                .contains("2 decimals")
        );
        assert!(parse("ten").is_err());
        assert_eq!(parse(""), Err(AmountError::Empty));
        assert!(parse("99999999").is_err());
        let yen = Currency::parse("JPY").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(Money::parse("3000", yen).map(|m| m.minor), Ok(3000));
        assert!(
            Money::parse("30.5", yen)
                .unwrap_err()
                .to_string()
                .contains("whole amount")
        );
        assert!(Currency::parse("XYZ").unwrap_err().contains("ISO 4217"));
    }

    #[test]
    fn gifts_have_a_minimum_per_currency() {
        let currency = |c: &str| Currency::parse(c).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(minimum_gift(currency("USD"), &[]).minor, 50);
        assert_eq!(minimum_gift(currency("GBP"), &[]).minor, 30);
        assert_eq!(minimum_gift(currency("JPY"), &[]).minor, 50);
        assert_eq!(
            minimum_gift(currency("KWD"), &[]).minor,
            1000,
            "one whole dinar"
        );
        let five = GiftMinimum::parse("USD 5").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(minimum_gift(currency("USD"), &[five]).minor, 500);
        assert_eq!(String::from(five), "USD 5.00");
        assert!(GiftMinimum::parse("five dollars").is_err());
        assert!(GiftMinimum::parse("XYZ 5").is_err());
    }

    #[test]
    fn every_iso_currency_in_use_with_the_minor_units_stripe_counts() {
        let codes = Currency::all_codes();
        assert!(codes.len() > 140, "{}", codes.len());
        for code in [
            "USD", "EUR", "RUB", "UAH", "GEL", "KZT", "KWD", "ISK", "MGA", "XOF",
        ] {
            assert!(codes.contains(&code), "{code}");
        }
        for refused in ["XDR", "BOV", "XAU", "XTS", "VES"] {
            assert!(
                Currency::parse(refused).is_err(),
                "{refused} is not money to give"
            );
        }
        let currency = |c: &str| Currency::parse(c).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(currency("KWD").digits(), 3);
        assert_eq!(
            Money::parse("1.25", currency("KWD")).map(|m| m.minor),
            Ok(1250)
        );
        assert!(
            Money::parse("1.255", currency("KWD"))
                .unwrap_err()
                .to_string()
                .contains("end in 0")
        );
        assert_eq!(
            currency("ISK").digits(),
            2,
            "two decimals in Stripe's amounts"
        );
        assert_eq!(
            Money::parse("1500", currency("ISK")).map(|m| m.minor),
            Ok(150_000)
        );
        assert!(
            Money::parse("1500.50", currency("ISK"))
                .unwrap_err()
                .to_string()
                .contains("whole numbers")
        );
        assert_eq!(currency("MGA").digits(), 0, "Stripe's zero-decimal list");
        assert_eq!(currency("XOF").digits(), 0);
        assert_eq!(Money::new(150_000, currency("ISK")).display(), "ISK 1,500");
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
