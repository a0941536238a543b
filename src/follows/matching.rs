//! Which follows an adopted entry matches: pure rules over what the entry is
//! about.

use crate::enums::FollowTarget;

/// What an entry is about, as follows see it.
#[derive(Debug, Clone, Default)]
pub struct Subject {
    /// The entry's clients and, for individuals, their groups (as text ids);
    /// none for a market-wide entry.
    pub clients: Vec<String>,
    pub tags: Vec<String>,
    pub industries: Vec<String>,
    pub regions: Vec<String>,
    /// The competitor a competitor entry names.
    pub competitor: Option<String>,
}

impl Subject {
    /// The (target, value) pairs a follow must have to match.
    pub fn keys(&self) -> Vec<(FollowTarget, String)> {
        let mut keys: Vec<(FollowTarget, String)> =
            self.clients.iter().map(|c| (FollowTarget::Client, c.clone())).collect();
        keys.extend(self.tags.iter().map(|t| (FollowTarget::Tag, t.clone())));
        keys.extend(self.industries.iter().map(|i| (FollowTarget::Industry, i.clone())));
        keys.extend(self.regions.iter().map(|r| (FollowTarget::Region, r.clone())));
        keys.extend(self.competitor.iter().map(|c| (FollowTarget::Competitor, c.clone())));
        let mut unique = Vec::with_capacity(keys.len());
        for key in keys {
            if !unique.contains(&key) {
                unique.push(key);
            }
        }
        unique
    }
}

/// Normalises followed text as entries and clients store it (trimmed).
pub fn normalise(value: &str) -> String {
    value.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_individuals_entry_matches_its_group_and_every_attribute() {
        let subject = Subject {
            clients: vec!["7".into(), "3".into()],
            tags: vec!["高尔夫".into()],
            industries: vec!["制造业".into()],
            regions: vec![],
            competitor: Some("中国电信".into()),
        };
        let keys = subject.keys();
        assert!(keys.contains(&(FollowTarget::Client, "3".into())), "the group");
        assert!(keys.contains(&(FollowTarget::Tag, "高尔夫".into())));
        assert!(keys.contains(&(FollowTarget::Competitor, "中国电信".into())));
        assert!(!keys.iter().any(|(t, _)| *t == FollowTarget::Region));
        assert_eq!(keys.len(), 5);
    }

    #[test]
    fn a_market_wide_entry_matches_its_competitor_only() {
        let subject = Subject { competitor: Some("中国联通".into()), ..Subject::default() };
        assert_eq!(subject.keys(), vec![(FollowTarget::Competitor, "中国联通".to_owned())]);
    }
}
