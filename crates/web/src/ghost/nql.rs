//! The part of Ghost's filter language (NQL) that apps use: `field:value`,
//! `field:-value` (not), `field:>value` (and `<`, `>=`, `<=`), `field:[a,b]` (any
//! of), quoted values, `+` (and), `,` (or, binding looser than and), `-` before a
//! term (not) and parentheses.

use std::cmp::Ordering;

/// A parsed filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    Any(Vec<Filter>),
    All(Vec<Filter>),
    Not(Box<Filter>),
    Compare {
        field: String,
        op: Op,
        values: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Is,
    IsNot,
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
}

/// What a filter is checked against: a record's values of a field (several for
/// `tag`, none when it has none).
pub trait Fields {
    fn values(&self, field: &str) -> Vec<String>;
}

impl Filter {
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut parser = Parser {
            chars: text.chars().collect(),
            at: 0,
        };
        let filter = parser.any()?;
        parser.skip_spaces();
        if parser.at < parser.chars.len() {
            return Err(format!(
                "unexpected \"{}\" at character {}",
                parser.chars[parser.at],
                parser.at + 1
            ));
        }
        Ok(filter)
    }

    pub fn matches(&self, record: &dyn Fields) -> bool {
        match self {
            Self::Any(filters) => filters.iter().any(|f| f.matches(record)),
            Self::All(filters) => filters.iter().all(|f| f.matches(record)),
            Self::Not(filter) => !filter.matches(record),
            Self::Compare { field, op, values } => {
                let have = record.values(field);
                let equal = |wanted: &String| have.iter().any(|h| h.eq_ignore_ascii_case(wanted));
                match op {
                    Op::Is => values.iter().any(equal),
                    Op::IsNot => !values.iter().any(equal),
                    _ => values.iter().any(|wanted| {
                        have.iter().any(|h| {
                            let order = compare(h, wanted);
                            match op {
                                Op::Greater => order == Ordering::Greater,
                                Op::GreaterOrEqual => order != Ordering::Less,
                                Op::Less => order == Ordering::Less,
                                _ => order != Ordering::Greater,
                            }
                        })
                    }),
                }
            }
        }
    }
}

/// Numbers as numbers, dates and the rest as text (ISO dates sort as text).
fn compare(have: &str, wanted: &str) -> Ordering {
    match (have.parse::<f64>(), wanted.parse::<f64>()) {
        (Ok(a), Ok(b)) => a.total_cmp(&b),
        _ => {
            // `2024-05-01` against `2024-05-01T10:00:00Z`: as long as the shorter.
            let n = have.len().min(wanted.len());
            have[..n]
                .cmp(&wanted[..n])
                .then(if have.len() < wanted.len() {
                    Ordering::Less
                } else {
                    Ordering::Equal
                })
        }
    }
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    fn any(&mut self) -> Result<Filter, String> {
        let mut terms = vec![self.all()?];
        while {
            self.skip_spaces();
            self.peek() == Some(',')
        } {
            self.at += 1;
            terms.push(self.all()?);
        }
        Ok(if terms.len() == 1 {
            terms.remove(0)
        } else {
            Filter::Any(terms)
        })
    }

    fn all(&mut self) -> Result<Filter, String> {
        let mut terms = vec![self.term()?];
        while {
            self.skip_spaces();
            self.peek() == Some('+')
        } {
            self.at += 1;
            terms.push(self.term()?);
        }
        Ok(if terms.len() == 1 {
            terms.remove(0)
        } else {
            Filter::All(terms)
        })
    }

    fn term(&mut self) -> Result<Filter, String> {
        self.skip_spaces();
        match self.peek() {
            Some('-') => {
                self.at += 1;
                Ok(Filter::Not(Box::new(self.term()?)))
            }
            Some('(') => {
                self.at += 1;
                let inner = self.any()?;
                self.skip_spaces();
                if self.peek() != Some(')') {
                    return Err("a \"(\" is not closed".into());
                }
                self.at += 1;
                Ok(inner)
            }
            _ => self.compare(),
        }
    }

    fn compare(&mut self) -> Result<Filter, String> {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
        {
            self.at += 1;
        }
        let field: String = self.chars[start..self.at].iter().collect();
        if field.is_empty() {
            return Err(format!(
                "a field name is missing at character {}",
                self.at + 1
            ));
        }
        if self.peek() != Some(':') {
            return Err(format!("\"{field}\" must be followed by \":\""));
        }
        self.at += 1;
        let op = match (self.peek(), self.chars.get(self.at + 1).copied()) {
            (Some('>'), Some('=')) => Op::GreaterOrEqual,
            (Some('<'), Some('=')) => Op::LessOrEqual,
            (Some('>'), _) => Op::Greater,
            (Some('<'), _) => Op::Less,
            (Some('-'), _) => Op::IsNot,
            _ => Op::Is,
        };
        self.at += match op {
            Op::Is => 0,
            Op::GreaterOrEqual | Op::LessOrEqual => 2,
            _ => 1,
        };
        let values = if self.peek() == Some('[') {
            self.at += 1;
            let mut values = Vec::new();
            loop {
                self.skip_spaces();
                values.push(self.value()?);
                self.skip_spaces();
                match self.peek() {
                    Some(',') => self.at += 1,
                    Some(']') => {
                        self.at += 1;
                        break;
                    }
                    _ => return Err("a \"[\" list is not closed".into()),
                }
            }
            values
        } else {
            vec![self.value()?]
        };
        Ok(Filter::Compare { field, op, values })
    }

    fn value(&mut self) -> Result<String, String> {
        if let Some(quote @ ('\'' | '"')) = self.peek() {
            self.at += 1;
            let start = self.at;
            while self.peek().is_some_and(|c| c != quote) {
                self.at += 1;
            }
            if self.peek().is_none() {
                return Err("a quoted value is not closed".into());
            }
            let value = self.chars[start..self.at].iter().collect();
            self.at += 1;
            return Ok(value);
        }
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| !matches!(c, '+' | ',' | '(' | ')' | '[' | ']') && !c.is_whitespace())
        {
            self.at += 1;
        }
        if start == self.at {
            return Err(format!("a value is missing at character {}", self.at + 1));
        }
        Ok(self.chars[start..self.at].iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Post(&'static [(&'static str, &'static str)]);

    impl Fields for Post {
        fn values(&self, field: &str) -> Vec<String> {
            self.0
                .iter()
                .filter(|(f, _)| *f == field)
                .map(|(_, v)| (*v).to_owned())
                .collect()
        }
    }

    const POST: Post = Post(&[
        ("tag", "politics"),
        ("tag", "courts"),
        ("author", "anna"),
        ("featured", "true"),
        ("published_at", "2024-05-14T07:30:00.000Z"),
    ]);

    fn check(filter: &str) -> bool {
        Filter::parse(filter).unwrap().matches(&POST)
    }

    #[test]
    fn the_subset_apps_use() {
        assert!(check("tag:courts"));
        assert!(check("tag:[economy,politics]"));
        assert!(!check("tag:economy"));
        assert!(check("tag:economy,author:anna"));
        assert!(!check("tag:economy+author:anna"));
        assert!(check("featured:true+tag:politics"));
        assert!(check("published_at:>'2024-05-01'"));
        assert!(!check("published_at:>'2024-06-01 00:00:00'"));
        assert!(check("published_at:<=2024-05-14T07:30:00.000Z"));
        assert!(check("tag:-economy"));
        assert!(!check("-tag:politics"));
        assert!(check("(tag:economy,tag:courts)+author:anna"));
        assert!(!check("slug:other"));
    }

    #[test]
    fn broken_filters_say_why() {
        assert!(Filter::parse("tag").unwrap_err().contains("\":\""));
        assert!(
            Filter::parse("tag:[a,b")
                .unwrap_err()
                .contains("not closed")
        );
        assert!(Filter::parse("(tag:a").unwrap_err().contains("not closed"));
        assert!(Filter::parse("tag:'a").unwrap_err().contains("not closed"));
        assert!(Filter::parse("tag:a)").is_err());
    }
}
