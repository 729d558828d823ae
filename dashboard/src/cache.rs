//! Rendered pages, kept per lake version so a page is drawn once rather than on every
//! request.
//!
//! A [`Warehouse`](gerbang_query::Warehouse) is one immutable snapshot of the lake, so a
//! page is fully decided by the lake version, what the signed-in user may see of it (their
//! agency, roles and what the sharing policies in force show them: the audience), which
//! page it is, its filters and the language it is in: that is the key of the cache. A page
//! drawn for one agency is never served to another; users who may see the same share it.
//! The key, with the user's name (the frame says who is signed in), hashed, is the page's
//! `ETag`. Because the tag can be computed without drawing the page, a browser revalidating
//! a page it already holds is answered `304 Not Modified` even by a server that has just
//! started.
//!
//! The cache is a small map bounded to a fixed number of pages that forgets the oldest page
//! first. Keys are made only from registered port codes and from filters that were checked
//! and written in canonical form, never from the address a visitor typed, so the same view
//! always finds the same entry; filters can still make many different pages, and the bound
//! keeps them from growing the map. The lock is held only to read or write the map, never
//! while a page is drawn.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use axum::body::Bytes;
use axum::http::StatusCode;

use crate::i18n::Lang;

/// Which page a response shows, as far as its content is concerned.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PageRoute {
    Overview,
    /// The page of a registered port, by its registered (upper-case) code.
    Port(String),
    Agencies,
    Health,
    Benchmarks,
    Glossary,
    /// The not-found page: the same whatever address was not found.
    NotFound,
}

/// Everything that decides what a page shows. `lang` is folded into the language the
/// visitor gets and the filters into their canonical form, so parameters such as
/// `?utm_source=` share the entry of the page without them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub data_version: u64,
    /// What the user may see: agency, roles and a digest of what the policies show them
    /// (see [`crate::server`]).
    pub audience: String,
    pub route: PageRoute,
    /// The page's filters in canonical form ([`crate::filters::Filters::canonical`]).
    pub filters: String,
    pub lang: Lang,
}

impl PageKey {
    /// The strong entity tag of the page as `user` gets it: `"v<data version>-<hash of
    /// the key and the user>"`.
    ///
    /// The hash also covers the dashboard's version and stylesheet, so that a new release
    /// over the same lake does not tell browsers that their copy drawn by the old release
    /// (linking the old stylesheet) is current.
    /// It is FNV-1a rather than the standard library's hasher, whose output may change
    /// between Rust releases: a tag must mean the same page across restarts.
    pub fn etag(&self, user: &str) -> String {
        let route = match &self.route {
            PageRoute::Overview => "/".to_string(),
            PageRoute::Port(code) => format!("/port/{code}"),
            PageRoute::Agencies => "/agencies".to_string(),
            PageRoute::Health => "/health".to_string(),
            PageRoute::Benchmarks => "/benchmarks".to_string(),
            PageRoute::Glossary => "/glossary".to_string(),
            PageRoute::NotFound => "404".to_string(),
        };
        let identity = format!(
            "{}|{}|{}|{}|{user}|{route}?{}|{}",
            env!("CARGO_PKG_VERSION"),
            crate::layout::stylesheet_href(),
            self.data_version,
            self.audience,
            self.filters,
            self.lang.code()
        );
        format!(
            "\"v{}-{:016x}\"",
            self.data_version,
            fnv1a(identity.as_bytes())
        )
    }
}

/// 64-bit FNV-1a.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET_BASIS, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(PRIME)
    })
}

/// Whether an `If-None-Match` header value names `etag` (weak comparison, as RFC 9110
/// asks for `If-None-Match`; `*` names any current page).
pub fn none_match_names(header: &str, etag: &str) -> bool {
    header.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == etag
    })
}

/// A page as it was drawn: its status, its HTML and the warehouse tables it was drawn
/// from (for the audit of each view of it).
#[derive(Debug, Clone)]
pub struct CachedPage {
    pub status: StatusCode,
    pub body: Bytes,
    pub tables: BTreeSet<String>,
}

/// Drawn pages by [`PageKey`], at most `capacity` of them.
#[derive(Debug)]
pub struct PageCache {
    capacity: usize,
    entries: Mutex<Entries>,
    hits: AtomicU64,
    renders: AtomicU64,
}

#[derive(Debug, Default)]
struct Entries {
    pages: HashMap<PageKey, CachedPage>,
    /// Keys in the order they were first stored: the front is forgotten first.
    order: VecDeque<PageKey>,
}

impl PageCache {
    /// How many pages the dashboard keeps: every page without filters (about
    /// 2 × (ports + 6)) several times over, and the filtered views people look at.
    pub const DEFAULT_CAPACITY: usize = 256;

    /// An empty cache that keeps at most `capacity` pages (at least one).
    pub fn new(capacity: usize) -> PageCache {
        PageCache {
            capacity: capacity.max(1),
            entries: Mutex::new(Entries::default()),
            hits: AtomicU64::new(0),
            renders: AtomicU64::new(0),
        }
    }

    /// A map that a panicking holder left behind is still a consistent map: every change
    /// below is complete before the lock is released.
    fn entries(&self) -> MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The stored page of `key`, counted as a hit.
    pub fn get(&self, key: &PageKey) -> Option<CachedPage> {
        let page = self.entries().pages.get(key).cloned();
        if page.is_some() {
            self.hits.fetch_add(1, Ordering::Relaxed);
        }
        page
    }

    /// The tables the stored page of `key` was drawn from, without counting a hit.
    pub fn tables_of(&self, key: &PageKey) -> BTreeSet<String> {
        self.entries()
            .pages
            .get(key)
            .map(|page| page.tables.clone())
            .unwrap_or_default()
    }

    /// Counts one page drawn because it was not stored.
    pub fn count_render(&self) {
        self.renders.fetch_add(1, Ordering::Relaxed);
    }

    /// Stores the page of `key`, forgetting the oldest pages beyond the capacity. Two
    /// requests that drew the same page at once store it twice: the second replaces the
    /// first, which is the same page.
    pub fn insert(&self, key: PageKey, page: CachedPage) {
        let mut entries = self.entries();
        if entries.pages.insert(key.clone(), page).is_none() {
            entries.order.push_back(key);
        }
        while entries.order.len() > self.capacity {
            if let Some(oldest) = entries.order.pop_front() {
                entries.pages.remove(&oldest);
            }
        }
    }

    /// How many requests were answered from the cache.
    #[cfg(test)]
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// How many pages were drawn because the cache did not have them.
    #[cfg(test)]
    pub fn renders(&self) -> u64 {
        self.renders.load(Ordering::Relaxed)
    }

    /// How many pages are stored.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries().pages.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(route: PageRoute, lang: Lang) -> PageKey {
        PageKey {
            data_version: 7,
            audience: "immigration|leadership".to_string(),
            route,
            filters: String::new(),
            lang,
        }
    }

    fn page(body: &'static str) -> CachedPage {
        CachedPage {
            status: StatusCode::OK,
            body: Bytes::from_static(body.as_bytes()),
            tables: BTreeSet::new(),
        }
    }

    #[test]
    fn the_oldest_page_is_forgotten_beyond_the_capacity() {
        let cache = PageCache::new(2);
        let cgk = key(PageRoute::Port("CGK".into()), Lang::En);
        let dps = key(PageRoute::Port("DPS".into()), Lang::En);
        let overview = key(PageRoute::Overview, Lang::Id);
        cache.insert(cgk.clone(), page("cgk"));
        cache.insert(dps.clone(), page("dps"));
        cache.insert(cgk.clone(), page("cgk again"));
        assert_eq!(cache.len(), 2, "storing a key twice keeps one entry");
        cache.insert(overview.clone(), page("overview"));
        assert_eq!(cache.len(), 2);
        assert!(cache.get(&cgk).is_none(), "the oldest key is forgotten");
        assert_eq!(cache.get(&dps).map(|p| p.body), Some(Bytes::from("dps")));
        assert!(cache.get(&overview).is_some());
        assert_eq!(cache.hits(), 2);
    }

    #[test]
    fn etags_differ_by_page_language_lake_version_audience_and_user_and_are_stable() {
        let overview_en = key(PageRoute::Overview, Lang::En);
        let tag = overview_en.etag("siti");
        assert!(tag.starts_with("\"v7-") && tag.ends_with('"'), "{tag}");
        assert_eq!(tag, key(PageRoute::Overview, Lang::En).etag("siti"));
        assert_ne!(tag, key(PageRoute::Overview, Lang::Id).etag("siti"));
        assert_ne!(tag, key(PageRoute::NotFound, Lang::En).etag("siti"));
        assert_ne!(tag, overview_en.etag("budi"), "the frame names the user");
        let filtered = PageKey {
            filters: "lane=autogate".into(),
            ..overview_en.clone()
        };
        assert_ne!(tag, filtered.etag("siti"), "filters make another page");
        let customs = PageKey {
            audience: "customs|leadership".into(),
            ..overview_en.clone()
        };
        assert_ne!(
            tag,
            customs.etag("siti"),
            "another agency sees another page"
        );
        let newer = PageKey {
            data_version: 8,
            ..overview_en
        };
        assert!(newer.etag("siti").starts_with("\"v8-"));
    }

    #[test]
    fn if_none_match_accepts_lists_weak_tags_and_star() {
        let tag = "\"v7-00ff\"";
        assert!(none_match_names("\"v7-00ff\"", tag));
        assert!(none_match_names("\"v1-aaaa\", W/\"v7-00ff\"", tag));
        assert!(none_match_names("*", tag));
        assert!(!none_match_names("\"v6-00ff\"", tag));
        assert!(!none_match_names("", tag));
    }
}
