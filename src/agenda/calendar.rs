//! The private iCalendar feed: its unguessable URL (a keyed hash of the user
//! and the feed's generation, so rotating makes the old URL stop working and
//! reading the URL writes nothing) and the feed itself.

use chrono::NaiveDate;
use hmac::{Hmac, Mac};
use icalendar::{Calendar, Component, Event, EventLike};
use sha2::{Digest, Sha256};

use crate::ids::UserId;

/// The key the feed URLs are signed with, derived from the server's secret.
pub struct FeedKeys {
    key: Vec<u8>,
}

impl FeedKeys {
    pub fn new(secret: &[u8]) -> Self {
        let mut derive = Sha256::new();
        derive.update(b"zhiku calendar feed v1\0");
        derive.update(secret);
        FeedKeys { key: derive.finalize().to_vec() }
    }

    /// The token of `user`'s feed at `generation`: `<user>-<32 hex digits>`.
    pub fn token(&self, user: UserId, generation: i32) -> String {
        format!("{}-{}", user.0, self.signature(user, generation))
    }

    /// Whether `signature` is `user`'s at `generation` (compared in constant time).
    pub fn verify(&self, user: UserId, generation: i32, signature: &str) -> bool {
        let expected = self.signature(user, generation);
        expected.len() == signature.len()
            && expected.bytes().zip(signature.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }

    fn signature(&self, user: UserId, generation: i32) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.key) else { return String::new() };
        mac.update(format!("calendar:{}:{generation}", user.0).as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }
}

/// A token split into its user and signature; `None` when malformed.
pub fn parse_token(token: &str) -> Option<(UserId, &str)> {
    let token = token.strip_suffix(".ics").unwrap_or(token);
    let (user, signature) = token.split_once('-')?;
    let user = user.parse().ok().filter(|id: &i64| *id > 0)?;
    (signature.len() == 32 && signature.bytes().all(|b| b.is_ascii_hexdigit()))
        .then_some((UserId(user), signature))
}

/// One all-day item of the feed.
#[derive(Debug, Clone)]
pub struct FeedItem {
    pub uid: String,
    pub on: NaiveDate,
    pub summary: String,
    pub description: String,
    pub url: Option<String>,
}

/// The feed as iCalendar text.
pub fn render(name: &str, items: &[FeedItem]) -> String {
    let mut calendar = Calendar::new();
    calendar.name(name);
    for item in items {
        let mut event = Event::new();
        event.uid(&item.uid).summary(&item.summary).description(&item.description).all_day(item.on);
        if let Some(url) = &item.url {
            event.url(url);
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_for_their_generation_only() {
        let keys = FeedKeys::new(b"a secret of at least thirty-two bytes");
        let token = keys.token(UserId(7), 0);
        let path = format!("{token}.ics");
        let (user, signature) = parse_token(&path).unwrap();
        assert_eq!(user, UserId(7));
        assert!(keys.verify(user, 0, signature));
        assert!(!keys.verify(user, 1, signature), "rotated");
        assert!(!keys.verify(UserId(8), 0, signature));
        assert!(!FeedKeys::new(b"another secret entirely, also long").verify(user, 0, signature));
        for bad in [
            "",
            "7",
            "7-",
            "x-0123",
            "-1-00000000000000000000000000000000",
            "7-zz000000000000000000000000000000",
        ] {
            assert!(parse_token(bad).is_none(), "{bad}");
        }
    }
}
