//! Finding which site a dump came from.
//!
//! A URL is the strongest evidence (the JSON envelope's, `--url`, or the page's canonical
//! or og:url), so a host match wins. Text dumps usually carry no URL; then fingerprints,
//! whole-line patterns that only that site prints, decide: the site with the most distinct
//! fingerprints matched (at least its `min_fingerprints`) wins, ties going to the first by
//! file name so the choice is deterministic. A *weak* fingerprint (a word or label many
//! sites print, see [`crate::learn::fingerprint`]) never identifies a site on its own: it
//! counts only beside another fingerprint of the same site.

use crate::rules::{RuleSet, Site};

/// How a site was recognised, for logs and `explain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    Host(String),
    Fingerprints(usize),
}

/// The site a dump belongs to, if any rule file claims it.
pub fn find<'r>(rules: &'r RuleSet, url: Option<&str>, text: &str) -> Option<(&'r Site, Evidence)> {
    if let Some(host) = url.and_then(host_of) {
        if let Some(site) = rules
            .sites
            .iter()
            .find(|s| s.hosts.iter().any(|h| host_matches(&host, h)))
        {
            return Some((site, Evidence::Host(host)));
        }
    }
    by_fingerprint(rules, text)
}

fn by_fingerprint<'r>(rules: &'r RuleSet, text: &str) -> Option<(&'r Site, Evidence)> {
    if rules.fingerprint_owner.is_empty() {
        return None;
    }
    let mut seen = vec![false; rules.fingerprint_owner.len()];
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !rules.fingerprints.is_match(line) {
            continue;
        }
        for i in rules.fingerprints.matches(line).iter() {
            seen[i] = true;
        }
    }
    let mut hits = vec![0usize; rules.sites.len()];
    let mut strong = vec![false; rules.sites.len()];
    for (i, &(site, _)) in rules.fingerprint_owner.iter().enumerate() {
        hits[site] += usize::from(seen[i]);
        strong[site] |= seen[i] && !rules.fingerprint_weak[i];
    }
    let mut best: Option<(usize, usize)> = None;
    for (s, site) in rules.sites.iter().enumerate() {
        let enough = hits[s] >= site.min_fingerprints && (strong[s] || hits[s] >= 2);
        if enough && best.is_none_or(|(_, b)| hits[s] > b) {
            best = Some((s, hits[s]));
        }
    }
    best.map(|(s, n)| (&rules.sites[s], Evidence::Fingerprints(n)))
}

/// The lowercased host of a URL, without a leading `www.`.
pub fn host_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    let host = parsed.host_str()?.to_ascii_lowercase();
    Some(host.trim_start_matches("www.").to_string())
}

/// A host as a rule file lists it, from what a person typed: lowercase, no `www.`, and the
/// host of a URL given where a host was meant.
pub fn normalise_host(typed: &str) -> String {
    match host_of(typed) {
        Some(host) if typed.contains("://") => host,
        _ => typed.trim().trim_start_matches("www.").to_ascii_lowercase(),
    }
}

/// `host` is `rule_host` or a subdomain of it.
fn host_matches(host: &str, rule_host: &str) -> bool {
    host == rule_host
        || host
            .strip_suffix(rule_host)
            .is_some_and(|rest| rest.ends_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdomains_match_but_lookalikes_do_not() {
        assert!(host_matches("edition.cnn.com", "cnn.com"));
        assert!(host_matches("cnn.com", "cnn.com"));
        assert!(!host_matches("notcnn.com", "cnn.com"));
    }

    #[test]
    fn host_of_strips_www_and_case() {
        assert_eq!(
            host_of("https://WWW.Independent.co.uk/news/x").as_deref(),
            Some("independent.co.uk")
        );
        assert_eq!(host_of("not a url"), None);
    }
}
