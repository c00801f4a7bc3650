//! Pagination: page numbers as readers type them, and pages of results.

use serde::Serialize;

/// The highest page number we will even try to serve; anything above is a bad request.
pub const MAX_PAGE: u32 = 100_000;

/// A 1-based page number that is known to be within bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PageNumber(u32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the page number must be a whole number from 1 to {MAX_PAGE}")]
pub struct PageNumberError;

impl PageNumber {
    pub const FIRST: Self = Self(1);

    pub fn parse(value: &str) -> Result<Self, PageNumberError> {
        match value.parse::<u32>() {
            Ok(n) if (1..=MAX_PAGE).contains(&n) => Ok(Self(n)),
            _ => Err(PageNumberError),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// Which slice of a list to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub number: PageNumber,
    pub per_page: u32,
}

impl PageRequest {
    pub fn new(number: PageNumber, per_page: u32) -> Self {
        Self {
            number,
            per_page: per_page.max(1),
        }
    }

    pub fn offset(self) -> i64 {
        i64::from(self.number.get() - 1) * i64::from(self.per_page)
    }

    pub fn limit(self) -> i64 {
        i64::from(self.per_page)
    }
}

/// One page of results and where it sits among the others.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Paginated<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
    pub total_pages: u32,
}

impl<T> Paginated<T> {
    pub fn new(items: Vec<T>, request: PageRequest, total: u64) -> Self {
        let per_page = u64::from(request.per_page);
        let total_pages = u32::try_from(total.div_ceil(per_page))
            .unwrap_or(u32::MAX)
            .max(1);
        Self {
            items,
            page: request.number.get(),
            per_page: request.per_page,
            total,
            total_pages,
        }
    }

    /// A page past the end is "not found", except page 1 of an empty list.
    pub fn is_past_the_end(&self) -> bool {
        self.page > self.total_pages
    }

    pub fn has_next(&self) -> bool {
        self.page < self.total_pages
    }
}

/// Where each page of a list ends: a deep page (`?page=4000`) is then read from
/// the end of the page before it, instead of counting past every entry before it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageMarks {
    /// How many entries the list has.
    pub total: u64,
    /// How many a page shows.
    pub per_page: u32,
    /// The (publication time, id) of the last entry of page 1, 2, …, newest first.
    pub ends: Vec<(chrono::DateTime<chrono::Utc>, crate::ArticleId)>,
}

impl PageMarks {
    /// What page `number` begins after: `None` for the first page and for a page
    /// past the end.
    pub fn before(
        &self,
        number: PageNumber,
    ) -> Option<(chrono::DateTime<chrono::Utc>, crate::ArticleId)> {
        let index = usize::try_from(number.get()).ok()?.checked_sub(2)?;
        let before = u64::from(number.get() - 1) * u64::from(self.per_page);
        if before >= self.total {
            return None;
        }
        self.ends.get(index).copied()
    }
}

/// Which published articles a list shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ArticleFilter {
    pub section_id: Option<i64>,
    pub tag_id: Option<i64>,
    pub author_id: Option<i64>,
    /// Only articles published at or after this time (the Google News sitemap).
    pub published_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Only articles in this language (BCP 47).
    pub language: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_are_bounded() {
        assert_eq!(PageNumber::parse("1").map(PageNumber::get), Ok(1));
        for bad in [
            "0",
            "-1",
            "abc",
            "",
            "100001",
            "99999999999999999999",
            "1.5",
        ] {
            assert_eq!(PageNumber::parse(bad), Err(PageNumberError), "{bad}");
        }
    }

    #[test]
    fn pages_know_their_neighbours() {
        let request = PageRequest::new(PageNumber::parse("2").unwrap(), 10);
        assert_eq!(request.offset(), 10);
        let page = Paginated::new(vec![1; 10], request, 25);
        assert_eq!(page.total_pages, 3);
        assert!(page.has_next() && !page.is_past_the_end());
        let empty: Paginated<u8> =
            Paginated::new(vec![], PageRequest::new(PageNumber::FIRST, 10), 0);
        assert!(!empty.is_past_the_end() && !empty.has_next());
    }
}
