//! How text becomes terms, the same way for articles and for queries: words split on
//! anything that is not a letter or digit, lowercased, accents folded (`ё` = `е`,
//! `café` = `cafe`, but `й` stays itself), then either stemmed by the word's own
//! script (Russian Snowball for Cyrillic, English for Latin, so a bilingual text and
//! a query in either language need no language guess), or reduced to a Latin
//! "skeleton" under which `Навальный`, `Navalny` and `Navalnyi` meet.

use rust_stemmers::{Algorithm, Stemmer};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_normalization::UnicodeNormalization;

/// The name the stemming tokenizer is registered under.
pub const STEMMED: &str = "kolokol_stemmed";
/// The names the transliterating tokenizers are registered under: skeletons of the
/// Latin words only, and of the Cyrillic words only.
pub const SKELETON_LATIN: &str = "kolokol_skeleton_latin";
pub const SKELETON_CYRILLIC: &str = "kolokol_skeleton_cyrillic";
/// The name of the tokenizer of words as written (folded only), for typos.
pub const PLAIN: &str = "kolokol_plain";

/// Words longer than this are not words (hashes, run-together URLs) and are dropped.
const LONGEST_WORD: usize = 60;

/// A word of the text: where it is (bytes) and its folded, lowercase form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub from: usize,
    pub to: usize,
    pub folded: String,
}

/// The words of `text`, in order.
pub fn words(text: &str) -> Vec<Word> {
    spans(text)
        .into_iter()
        .filter_map(|(from, to)| {
            let folded = fold(&text[from..to]);
            (!folded.is_empty() && folded.chars().count() <= LONGEST_WORD).then_some(Word {
                from,
                to,
                folded,
            })
        })
        .collect()
}

/// Where the words of `text` are (bytes), not yet folded; runs too long to be
/// words are left out.
///
/// Read byte by byte, as snippets read every word of an article: ASCII and the
/// Cyrillic block (two bytes led by 0xD0 or 0xD1, all of them letters) are told
/// without decoding, other characters as [`is_word_char`] tells them.
pub fn spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::with_capacity(bytes.len() / 6);
    let mut start = None;
    let mut push = |from: usize, to: usize| {
        if to - from <= LONGEST_WORD * 4 {
            spans.push((from, to));
        }
    };
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let (word, len) = match byte {
            0..0x80 => (byte.is_ascii_alphanumeric(), 1),
            0xD0 | 0xD1 => (true, 2),
            _ => text[at..]
                .chars()
                .next()
                .map_or((false, 1), |c| (is_word_char(c), c.len_utf8())),
        };
        if word {
            start.get_or_insert(at);
        } else if let Some(from) = start.take() {
            push(from, at);
        }
        at += len;
    }
    if let Some(from) = start {
        push(from, text.len());
    }
    spans
}

/// The folded form of a letter or digit of ASCII or the Russian alphabet, told
/// without Unicode's tables (a word's first letter, in snippets); `None` for others.
pub fn fold_initial(c: char) -> Option<char> {
    match c {
        'a'..='z' | '0'..='9' | 'а'..='я' => Some(c),
        'A'..='Z' => Some(c.to_ascii_lowercase()),
        'А'..='Я' => char::from_u32(u32::from(c) + 0x20),
        'ё' | 'Ё' => Some('е'),
        _ => None,
    }
}

/// A letter or digit; ASCII and the Russian alphabet are told without Unicode's
/// tables (snippets look at every word of an article).
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, 'А'..='я' | 'ё' | 'Ё')
        || (!c.is_ascii() && c.is_alphanumeric())
}

/// Lowercase with accents removed; `ё` becomes `е` and `й` is kept.
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        // The common letters without Unicode's tables.
        match fold_initial(c) {
            Some(folded) => out.push(folded),
            None => fold_char(c, &mut out),
        }
    }
    out
}

fn fold_char(c: char, out: &mut String) {
    for c in c.to_lowercase() {
        match c {
            'ё' => out.push('е'),
            'й' => out.push('й'),
            c if c.is_ascii() => out.push(c),
            c => out.extend(
                std::iter::once(c)
                    .nfd()
                    .filter(|c| !unicode_normalization::char::is_combining_mark(*c)),
            ),
        }
    }
}

/// Whether the (folded) word is written in Cyrillic.
pub fn is_cyrillic(word: &str) -> bool {
    word.chars().any(|c| matches!(c, '\u{0400}'..='\u{04FF}'))
}

/// The language a query is most likely in: `ru` when it has Cyrillic letters, `en`
/// when it has Latin ones only, otherwise none.
pub fn detect_language(text: &str) -> Option<&'static str> {
    let mut latin = false;
    for c in text.chars() {
        if matches!(c, '\u{0400}'..='\u{04FF}') {
            return Some("ru");
        }
        latin |= c.is_ascii_alphabetic();
    }
    latin.then_some("en")
}

/// The stems the index keeps.
#[derive(Clone)]
pub struct Stems {
    russian: std::sync::Arc<Stemmer>,
    english: std::sync::Arc<Stemmer>,
}

impl Default for Stems {
    fn default() -> Self {
        Self {
            russian: std::sync::Arc::new(Stemmer::create(Algorithm::Russian)),
            english: std::sync::Arc::new(Stemmer::create(Algorithm::English)),
        }
    }
}

impl Stems {
    /// The stem of a folded word, by its script.
    pub fn stem(&self, folded: &str) -> String {
        if is_cyrillic(folded) {
            self.russian.stem(folded).into_owned()
        } else if folded.chars().all(|c| c.is_ascii_alphabetic()) {
            self.english.stem(folded).into_owned()
        } else {
            folded.to_owned()
        }
    }
}

/// The first letter of the skeleton of any word that begins with `first` (see
/// [`skeleton`]), when that letter alone tells it (not `к`, which may begin `кх`).
pub fn skeleton_initial(first: char) -> Option<char> {
    Some(match first {
        'а' => 'a',
        'б' => 'b',
        'в' | 'w' => 'v',
        'г' => 'g',
        'д' => 'd',
        'е' | 'э' => 'e',
        'ж' | 'з' => 'z',
        'и' => 'i',
        'й' | 'ы' | 'ю' | 'я' | 'j' => 'y',
        'л' => 'l',
        'м' => 'm',
        'н' => 'n',
        'о' => 'o',
        'п' => 'p',
        'р' => 'r',
        'с' | 'ш' | 'щ' => 's',
        'т' | 'ц' => 't',
        'у' => 'u',
        'ф' => 'f',
        'х' => 'h',
        'ч' => 'c',
        'к' | 'k' | 'ъ' | 'ь' => return None,
        c => c,
    })
}

/// The Latin skeleton of a folded word: Cyrillic transliterated, the spellings that
/// transliterations disagree on made one (`kh` → `h`, `j` → `y`, `w` → `v`, doubled
/// letters single), and a case ending cut off, the same way for both scripts.
pub fn skeleton(folded: &str) -> String {
    let mut latin = String::with_capacity(folded.len() + 4);
    for c in folded.chars() {
        let mapped = match c {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' | 'э' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' => "i",
            'й' | 'ы' => "y",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' | 'ь' => "",
            'ю' => "yu",
            'я' => "ya",
            _ => "",
        };
        if mapped.is_empty() && !matches!(c, 'ъ' | 'ь') {
            latin.push(c);
        } else {
            latin.push_str(mapped);
        }
    }
    let latin = latin.replace("kh", "h").replace('j', "y").replace('w', "v");
    let mut single = String::with_capacity(latin.len());
    for c in latin.chars() {
        if !single.ends_with(c) {
            single.push(c);
        }
    }
    // What is left before a case ending, in either script's spelling: Навального,
    // Навальным, Navalny and Navalnyi all become "navaln".
    for ending in [
        "yami", "ogo", "ego", "omu", "emu", "ami", "iya", "iyu", "iye", "iey", "yah", "iy", "yi",
        "ii", "ia", "ie", "ya", "yu", "ym", "om", "oy", "ey", "ov", "ah", "am", "y", "a", "u", "e",
        "i", "o",
    ] {
        if let Some(stem) = single.strip_suffix(ending)
            && stem.chars().count() >= 4
        {
            return stem.to_owned();
        }
    }
    single
}

/// Words too common to require: a query's plain words drop them (unless it has
/// nothing else), its phrases keep them, and the index keeps them all.
pub fn is_stop_word(folded: &str) -> bool {
    const WORDS: &[&str] = &[
        // English
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is",
        "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "will", "with",
        // Russian
        "а", "в", "во", "до", "же", "за", "и", "из", "к", "ко", "ли", "на", "не", "ни", "но", "о",
        "об", "от", "по", "с", "со", "то", "у", "что", "это", "как", "так", "для", "его", "ее",
        "их", "он", "она", "они", "мы", "вы", "я", "бы", "был", "была", "были",
    ];
    WORDS.contains(&folded)
}

/// The tokenizer for tantivy: stems (by script), skeletons or the folded words of
/// [`words`].
#[derive(Clone)]
pub enum Analyzer {
    Stemmed(Stems),
    /// Skeletons of the words of one script (`true`: Cyrillic): a query word is
    /// looked for by skeleton in the other script only, since its stem already
    /// finds it in its own.
    Skeleton {
        cyrillic: bool,
    },
    Plain,
}

impl Analyzer {
    pub fn stemmed() -> Self {
        Self::Stemmed(Stems::default())
    }

    /// The term one folded word becomes.
    pub fn term(&self, folded: &str) -> String {
        match self {
            Self::Stemmed(stems) => stems.stem(folded),
            Self::Skeleton { .. } => skeleton(folded),
            Self::Plain => folded.to_owned(),
        }
    }
}

/// The terms of a text, made all at once.
pub struct Terms {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for Analyzer {
    type TokenStream<'a> = Terms;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Terms {
        let script = match self {
            Self::Skeleton { cyrillic } => Some(*cyrillic),
            _ => None,
        };
        let tokens = words(text)
            .into_iter()
            .enumerate()
            .filter(|(_, word)| script.is_none_or(|c| is_cyrillic(&word.folded) == c))
            .map(|(position, word)| Token {
                offset_from: word.from,
                offset_to: word.to,
                position,
                text: self.term(&word.folded),
                position_length: 1,
            })
            .collect();
        Terms { tokens, next: 0 }
    }
}

impl TokenStream for Terms {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// Levenshtein distance between two words, in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// How many edits a typed word may be away from what it meant: one from five
/// letters, two from nine, none for shorter words.
pub fn typo_allowance(word: &str) -> u8 {
    match word.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_by_bytes_are_the_words_by_characters() {
        let text = "Ёлка, ёж и Navalny's 3½ km — 東京 ǅemal ҂x «рубль»\u{0460}ѡ!";
        let mut by_chars = Vec::new();
        let mut start = None;
        for (at, c) in text.char_indices().chain([(text.len(), ' ')]) {
            if is_word_char(c) {
                start.get_or_insert(at);
            } else if let Some(from) = start.take() {
                by_chars.push((from, at));
            }
        }
        assert_eq!(spans(text), by_chars);
        assert_eq!(&text[spans(text)[0].0..spans(text)[0].1], "Ёлка");
    }

    #[test]
    fn a_skeleton_begins_as_its_first_letter_says() {
        let letters: Vec<char> = ('a'..='z').chain('а'..='я').collect();
        for first in &letters {
            let Some(initial) = skeleton_initial(*first) else {
                continue;
            };
            for second in &letters {
                let word = format!("{first}{second}ровский");
                assert_eq!(skeleton(&word).chars().next(), Some(initial), "{word}");
            }
        }
    }

    fn stems(text: &str) -> Vec<String> {
        let stems = Stems::default();
        words(text).iter().map(|w| stems.stem(&w.folded)).collect()
    }

    #[test]
    fn russian_forms_share_a_stem() {
        let forms = stems("рубль рубля рублём");
        assert!(forms.iter().all(|s| s == &forms[0]), "{forms:?}");
        let forms = stems("выборы выборов выборах");
        assert!(forms.iter().all(|s| s == &forms[0]), "{forms:?}");
    }

    #[test]
    fn english_forms_share_a_stem() {
        assert_eq!(stems("election elections"), ["elect", "elect"]);
    }

    #[test]
    fn the_quick_folding_agrees_with_unicode() {
        for c in (0x20..0x530).filter_map(char::from_u32) {
            let mut slow = String::new();
            fold_char(c, &mut slow);
            assert_eq!(fold(&c.to_string()), slow, "{c}");
            if let Some(initial) = fold_initial(c) {
                assert_eq!(slow.chars().next(), Some(initial), "{c}");
            }
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "{c}");
        }
    }

    #[test]
    fn folds_case_accents_and_yo_but_not_short_i() {
        assert_eq!(fold("ЁЛКА"), "елка");
        assert_eq!(fold("Café"), "cafe");
        assert_eq!(fold("Йошкар"), "йошкар");
    }

    #[test]
    fn transliterations_meet_in_one_skeleton() {
        assert_eq!(skeleton(&fold("Навальный")), "navaln");
        assert_eq!(skeleton(&fold("Навального")), "navaln");
        assert_eq!(skeleton("navalny"), "navaln");
        assert_eq!(skeleton("navalnyi"), "navaln");
        assert_eq!(skeleton(&fold("Зеленского")), skeleton("zelenskyy"));
        for form in ["Вельдория", "Вельдории", "Вельдорию", "Veldoria"] {
            assert_eq!(skeleton(&fold(form)), "veldor", "{form}");
        }
        assert_eq!(skeleton(&fold("Ставрине")), skeleton("stavrin"));
        assert_eq!(skeleton(&fold("Ходорковский")), skeleton("khodorkovsky"));
        assert_eq!(skeleton(&fold("Ходорковский")), skeleton("hodorkovskiy"));
    }

    #[test]
    fn words_keep_their_places() {
        let text = "«Рубль», — said Anna-Maria.";
        let found = words(text);
        assert_eq!(
            found
                .iter()
                .map(|w| &text[w.from..w.to])
                .collect::<Vec<_>>(),
            ["Рубль", "said", "Anna", "Maria"]
        );
    }

    #[test]
    fn distance_and_allowance() {
        assert_eq!(edit_distance("рубль", "рупль"), 1);
        assert_eq!(edit_distance("election", "elektion"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(typo_allowance("рубль"), 1);
        assert_eq!(typo_allowance("кот"), 0);
        assert_eq!(typo_allowance("censorship"), 2);
    }

    #[test]
    fn query_language_by_script() {
        assert_eq!(detect_language("рубль"), Some("ru"));
        assert_eq!(detect_language("navalny"), Some("en"));
        assert_eq!(detect_language("2024"), None);
    }
}
