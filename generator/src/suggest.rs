//! Near misses: the names a user most likely meant, for messages that say what to write instead.

/// The candidate nearest to `word` by edit distance, if near enough to be a likely misspelling.
pub(crate) fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word: Vec<char> = word.chars().collect();
    if word.len() > 64 {
        return None;
    }
    candidates
        .iter()
        .map(|c| (distance(&word, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The candidates `name` most likely means, best first, at most `limit`: those equal to it but
/// for case, spaces, hyphens and underscores; else those within a few edits of it so compared;
/// else those that contain it or that it contains, so compared.
pub fn similar<'a>(name: &str, candidates: &[&'a str], limit: usize) -> Vec<&'a str> {
    let wanted = folded(name);
    let folded: Vec<(String, &'a str)> = candidates.iter().map(|c| (self::folded(c), *c)).collect();
    let same: Vec<&str> = folded
        .iter()
        .filter(|(f, _)| *f == wanted)
        .map(|(_, c)| *c)
        .collect();
    if !same.is_empty() {
        return same.into_iter().take(limit).collect();
    }
    let chars: Vec<char> = wanted.chars().collect();
    if chars.is_empty() || chars.len() > 200 {
        return Vec::new();
    }
    let mut near: Vec<(usize, &str)> = folded
        .iter()
        .map(|(f, c)| (distance(&chars, f), *c))
        .filter(|(d, _)| *d <= 3.max(chars.len() / 4))
        .collect();
    near.sort_by_key(|(d, c)| (*d, *c));
    if !near.is_empty() {
        return near.into_iter().take(limit).map(|(_, c)| c).collect();
    }
    let mut containing: Vec<&str> = folded
        .iter()
        .filter(|(f, _)| chars.len() >= 3 && (f.contains(&wanted) || wanted.contains(f.as_str())))
        .map(|(_, c)| *c)
        .collect();
    containing.sort_by_key(|c| (c.len(), *c));
    containing.into_iter().take(limit).collect()
}

/// `name` in lower case without spaces, hyphens and underscores: `Third-Party Integrations` and
/// `third party_integrations` fold alike.
fn folded(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Levenshtein distance, with one row of memory.
fn distance(a: &[char], b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAGS: &[&str] = &[
        "Third-Party Integrations",
        "Clusters",
        "Cloud Backups",
        "Alert Configurations",
    ];

    #[test]
    fn case_spaces_and_hyphens_do_not_count() {
        assert_eq!(
            similar("third party integrations", TAGS, 3),
            ["Third-Party Integrations"]
        );
        assert_eq!(
            similar("Third Party Integrations", TAGS, 3),
            ["Third-Party Integrations"]
        );
    }

    #[test]
    fn a_few_edits_away_is_suggested() {
        assert_eq!(similar("Clustres", TAGS, 3), ["Clusters"]);
        assert_eq!(
            similar("Third-Party Integration", TAGS, 3),
            ["Third-Party Integrations"]
        );
    }

    #[test]
    fn a_part_of_the_name_is_suggested() {
        assert_eq!(
            similar("Integrations", TAGS, 3),
            ["Third-Party Integrations"]
        );
        assert_eq!(similar("Backup", TAGS, 3), ["Cloud Backups"]);
    }

    #[test]
    fn nothing_alike_gives_nothing() {
        assert!(similar("Billing", TAGS, 3).is_empty());
        assert!(similar("", TAGS, 3).is_empty());
    }
}
