//! What readers type: words (all required), `"phrases"`, `-exclusions` and `OR`
//! between two alternatives. Nothing a reader types is a syntax error: an unclosed
//! quote runs to the end, a dangling `OR` or `-` is ignored.

use crate::analysis::{self, Word};

/// One thing to find: a word (folded) or a run of words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Word(String),
    Phrase(Vec<String>),
}

impl Item {
    fn from_words(words: Vec<Word>) -> Option<Self> {
        let mut folded: Vec<String> = words.into_iter().map(|w| w.folded).collect();
        match folded.len() {
            0 => None,
            1 => folded.pop().map(Item::Word),
            _ => Some(Item::Phrase(folded)),
        }
    }

    /// Every word it names.
    pub fn words(&self) -> &[String] {
        match self {
            Item::Word(word) => std::slice::from_ref(word),
            Item::Phrase(words) => words,
        }
    }
}

/// A parsed query: every group must match (one of its items will do), no
/// excluded item may.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub groups: Vec<Vec<Item>>,
    pub excluded: Vec<Item>,
}

impl Parsed {
    pub fn parse(text: &str) -> Self {
        let mut groups: Vec<Vec<Item>> = Vec::new();
        let mut excluded = Vec::new();
        let mut join_next = false;
        for token in tokens(text) {
            match token {
                Token::Or => join_next = !groups.is_empty(),
                Token::Item {
                    negated,
                    quoted,
                    text,
                } => {
                    let words = analysis::words(&text);
                    // A quoted phrase is its words in a row; an unquoted token of
                    // several words (`censor's`, `anna-maria`) is each of them,
                    // except as an exclusion, where it is the phrase.
                    let items: Vec<Item> = if quoted || negated {
                        Item::from_words(words).into_iter().collect()
                    } else {
                        words.into_iter().map(|w| Item::Word(w.folded)).collect()
                    };
                    for item in items {
                        if negated {
                            excluded.push(item);
                        } else if join_next && let Some(last) = groups.last_mut() {
                            last.push(item);
                        } else {
                            groups.push(vec![item]);
                        }
                        join_next = false;
                    }
                }
            }
        }
        // Words like "the" or "и" alone are not required, unless nothing else is asked.
        let stop = |group: &Vec<Item>| {
            group.len() == 1
                && matches!(&group[0], Item::Word(word) if analysis::is_stop_word(word))
        };
        if groups.iter().any(|group| !stop(group)) {
            groups.retain(|group| !stop(group));
        }
        Self { groups, excluded }
    }

    /// Whether there is anything to look for.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Every word the query looks for (not the excluded ones).
    pub fn wanted_words(&self) -> impl Iterator<Item = &String> {
        self.groups.iter().flatten().flat_map(Item::words)
    }
}

enum Token {
    Or,
    Item {
        negated: bool,
        quoted: bool,
        text: String,
    },
}

fn tokens(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let negated = c == '-';
        if negated {
            chars.next();
        }
        let quoted = chars.peek() == Some(&'"');
        let mut word = String::new();
        if quoted {
            chars.next();
            for c in chars.by_ref() {
                if c == '"' {
                    break;
                }
                word.push(c);
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '"' {
                    break;
                }
                word.push(c);
                chars.next();
            }
        }
        if !negated && !quoted && word == "OR" {
            tokens.push(Token::Or);
        } else {
            tokens.push(Token::Item {
                negated,
                quoted,
                text: word,
            });
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(w: &str) -> Item {
        Item::Word(w.to_owned())
    }

    #[test]
    fn words_phrases_exclusions_and_or() {
        let parsed = Parsed::parse(r#"рубль "central bank" -нефть санкции OR sanctions"#);
        assert_eq!(
            parsed.groups,
            vec![
                vec![word("рубль")],
                vec![Item::Phrase(vec!["central".into(), "bank".into()])],
                vec![word("санкции"), word("sanctions")],
            ]
        );
        assert_eq!(parsed.excluded, vec![word("нефть")]);
    }

    #[test]
    fn stop_words_are_not_required_but_phrases_keep_them() {
        let parsed = Parsed::parse(r#"the election "война и мир""#);
        assert_eq!(parsed.groups.len(), 2);
        assert_eq!(parsed.groups[0], vec![word("election")]);
        assert_eq!(
            parsed.groups[1],
            vec![Item::Phrase(vec!["война".into(), "и".into(), "мир".into()])]
        );
        assert_eq!(Parsed::parse("the").groups, vec![vec![word("the")]]);
    }

    #[test]
    fn nothing_typed_is_an_error() {
        for text in [
            "\"",
            "-",
            "OR",
            "OR OR x",
            "\"unclosed phrase",
            "-\"\"",
            "«»",
            "x OR",
        ] {
            let _ = Parsed::parse(text);
        }
        assert!(Parsed::parse("  -- ").is_empty());
        assert_eq!(Parsed::parse("OR x").groups, vec![vec![word("x")]]);
        assert_eq!(
            Parsed::parse("\"unclosed phrase").groups,
            vec![vec![Item::Phrase(vec!["unclosed".into(), "phrase".into()])]]
        );
    }

    #[test]
    fn a_hyphenated_word_is_its_words_and_an_excluded_one_the_phrase() {
        let parsed = Parsed::parse("Anna-Maria -mid-term");
        assert_eq!(parsed.groups, vec![vec![word("anna")], vec![word("maria")]]);
        assert_eq!(
            parsed.excluded,
            vec![Item::Phrase(vec!["mid".into(), "term".into()])]
        );
    }
}
