//! The passage of an article that shows why it was found, with the matched words
//! marked: the window of [`WINDOW`] words with the most matches, HTML-escaped and
//! wrapped in `<mark>`.

use std::collections::HashMap;

use crate::analysis::{self, Stems};

/// How many words a snippet shows.
const WINDOW: usize = 30;

/// What a word of the text must be to count as matched: one of the query's stems,
/// or (for typo-tolerant results) close enough to one.
pub struct Matcher {
    stems: Stems,
    wanted: Vec<Wanted>,
}

struct Wanted {
    word: String,
    stem: String,
    skeleton: String,
    cyrillic: bool,
    typos: u8,
    /// The first letters of `stem` and `skeleton`, told apart from the words
    /// without comparing strings (snippets ask for every word of an article).
    stem_first: Option<char>,
    skeleton_first: Option<char>,
}

impl Wanted {
    /// Whether `word`, which begins with `first` (folded), could match before it
    /// is even folded: a stem keeps its word's first letter, and a skeleton's first
    /// letter follows from the word's (skeletons are compared across scripts only).
    /// A typo may be anywhere.
    fn may_begin(&self, first: char, word: &str) -> bool {
        if self.typos > 0 || self.stem_first == Some(first) {
            return true;
        }
        // A word in the query's own script is found by its stem alone.
        let same_script = if matches!(first, 'а'..='я') {
            self.cyrillic
        } else {
            !self.cyrillic && word.is_ascii()
        };
        !same_script
            && analysis::skeleton_initial(first).is_none_or(|c| self.skeleton_first == Some(c))
    }
}

impl Matcher {
    /// Matches the stems of `words` (folded), allowing each word's typo allowance
    /// when `typos` is set.
    pub fn new(words: &[String], typos: bool) -> Self {
        let stems = Stems::default();
        let wanted = words
            .iter()
            .map(|word| {
                let (stem, skeleton) = (stems.stem(word), analysis::skeleton(word));
                Wanted {
                    word: word.clone(),
                    stem_first: stem.chars().next(),
                    skeleton_first: skeleton.chars().next(),
                    stem,
                    skeleton,
                    cyrillic: analysis::is_cyrillic(word),
                    typos: if typos {
                        analysis::typo_allowance(word)
                    } else {
                        0
                    },
                }
            })
            .collect();
        Self { stems, wanted }
    }

    /// Whether a word of the text (as written) may match, told cheaply.
    fn may_match(&self, word: &str) -> bool {
        match word.chars().next().map(analysis::fold_initial) {
            None => false,
            Some(None) => true,
            Some(Some(first)) => self.wanted.iter().any(|w| w.may_begin(first, word)),
        }
    }

    /// Whether `folded` is one of the wanted words: the same stem, the same
    /// skeleton in the other script (as the index looks), or within a typo. The stem
    /// and the skeleton are made only when their first letters allow a match.
    pub fn matches(&self, folded: &str) -> bool {
        let Some(first) = folded.chars().next() else {
            return false;
        };
        let cyrillic = analysis::is_cyrillic(folded);
        let (mut stem, mut skeleton) = (None, None);
        self.wanted.iter().any(|w| {
            (w.stem_first == Some(first)
                && *stem.get_or_insert_with(|| self.stems.stem(folded)) == w.stem)
                || (w.cyrillic != cyrillic
                    && *skeleton.get_or_insert_with(|| analysis::skeleton(folded)) == w.skeleton)
                || (w.typos > 0 && analysis::edit_distance(&w.word, folded) <= usize::from(w.typos))
        })
    }
}

/// The best passage of `text` for `matcher`, escaped, with matches in `<mark>`; the
/// text's beginning when nothing matches.
pub fn snippet(text: &str, matcher: &Matcher) -> String {
    let words = analysis::spans(text);
    if words.is_empty() {
        return String::new();
    }
    // Most words are told apart by their first letter; the rest are folded and
    // looked at once for each way they are written, as words recur (remembered by
    // the text's own slice: nothing is copied for a word seen before).
    let mut seen: HashMap<&str, bool> = HashMap::new();
    let hits: Vec<bool> = words
        .iter()
        .map(|(from, to)| {
            let word = &text[*from..*to];
            if !matcher.may_match(word) {
                return false;
            }
            *seen
                .entry(word)
                .or_insert_with(|| matcher.matches(&analysis::fold(word)))
        })
        .collect();
    let window = WINDOW.min(words.len());
    let mut best = (0, 0);
    let mut count = hits[..window].iter().filter(|h| **h).count();
    best.1 = count;
    for start in 1..=words.len() - window {
        count -= usize::from(hits[start - 1]);
        count += usize::from(hits[start + window - 1]);
        if count > best.1 {
            best = (start, count);
        }
    }
    // Start a little before the first match so that it has some context.
    let first_hit = (best.0..best.0 + window).find(|i| hits[*i]);
    let start = match first_hit {
        Some(hit) => hit.saturating_sub(5).max(best.0.saturating_sub(5)),
        None => 0,
    };
    let end = (start + window).min(words.len());
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut at = words[start].0;
    for ((from, to), hit) in words[start..end].iter().zip(&hits[start..end]) {
        escape_into(&mut out, &text[at..*from]);
        if *hit {
            out.push_str("<mark>");
            escape_into(&mut out, &text[*from..*to]);
            out.push_str("</mark>");
        } else {
            escape_into(&mut out, &text[*from..*to]);
        }
        at = *to;
    }
    if end < words.len() {
        out.push('…');
    } else {
        escape_into(&mut out, &text[at..]);
    }
    out
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_inflected_forms_and_escapes() {
        let matcher = Matcher::new(&["рубль".to_owned()], false);
        let text = "Курс <b>рубля</b> упал; рублём платят & ждут.";
        let got = snippet(text, &matcher);
        assert_eq!(
            got,
            "Курс &lt;b&gt;<mark>рубля</mark>&lt;/b&gt; упал; <mark>рублём</mark> платят &amp; ждут."
        );
    }

    #[test]
    fn picks_the_passage_with_the_matches() {
        let mut text = "filler ".repeat(100);
        text.push_str("the election was held ");
        text.push_str(&"more ".repeat(100));
        let got = snippet(&text, &Matcher::new(&["elections".to_owned()], false));
        assert!(got.starts_with('…') && got.ends_with('…'), "{got}");
        assert!(got.contains("<mark>election</mark>"), "{got}");
    }

    #[test]
    fn names_are_marked_across_scripts() {
        let got = snippet(
            "Суд над Навальным и Stavrin",
            &Matcher::new(&["navalny".to_owned()], false),
        );
        assert!(got.contains("<mark>Навальным</mark>"), "{got}");
        let got = snippet(
            "Суд над Навальным и Stavrin",
            &Matcher::new(&["ставрин".to_owned()], false),
        );
        assert!(got.contains("<mark>Stavrin</mark>"), "{got}");
    }

    #[test]
    fn typos_are_marked_only_when_allowed() {
        let text = "The censorship law";
        assert!(!snippet(text, &Matcher::new(&["censorsip".to_owned()], false)).contains("mark"));
        assert!(snippet(text, &Matcher::new(&["censorsip".to_owned()], true)).contains("<mark>"));
    }
}
