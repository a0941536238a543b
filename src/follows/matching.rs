//! Which follows an adopted entry matches: pure rules over what the entry is
//! about.

use crate::enums::FollowTarget;

/// What an entry is about, as follows see it.
#[derive(Debug, Clone, Default)]
pub struct Subject {
    /// The entry's client and, for an individual, its group (as text ids).
    pub clients: Vec<String>,
    pub tags: Vec<String>,
    pub industry: Option<String>,
    pub region: Option<String>,
    /// The competitor a competitor entry names.
    pub competitor: Option<String>,
}

impl Subject {
    /// The (target, value) pairs a follow must have to match.
    pub fn keys(&self) -> Vec<(FollowTarget, String)> {
        let mut keys: Vec<(FollowTarget, String)> =
            self.clients.iter().map(|c| (FollowTarget::Client, c.clone())).collect();
        keys.extend(self.tags.iter().map(|t| (FollowTarget::Tag, t.clone())));
        keys.extend(self.industry.iter().map(|i| (FollowTarget::Industry, i.clone())));
        keys.extend(self.region.iter().map(|r| (FollowTarget::Region, r.clone())));
        keys.extend(self.competitor.iter().map(|c| (FollowTarget::Competitor, c.clone())));
        keys
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
            industry: Some("制造业".into()),
            region: None,
            competitor: Some("中国电信".into()),
        };
        let keys = subject.keys();
        assert!(keys.contains(&(FollowTarget::Client, "3".into())), "the group");
        assert!(keys.contains(&(FollowTarget::Tag, "高尔夫".into())));
        assert!(keys.contains(&(FollowTarget::Competitor, "中国电信".into())));
        assert!(!keys.iter().any(|(t, _)| *t == FollowTarget::Region));
        assert_eq!(keys.len(), 5);
    }
}
