//! Content: titles, bodies and template fields per category.

use chrono::NaiveDate;
use rand::rngs::StdRng;
use rand::Rng;
use serde_json::{Map, Value};

use super::cast::WorldClient;
use crate::enums::Source;
use client::{basic, business, credit, profile};
use market::{competitor, opportunity, service};

mod client;
mod market;

pub(super) struct Composed {
    pub(super) title: String,
    pub(super) body: String,
    pub(super) fields: Map<String, Value>,
    pub(super) source: Source,
}

pub(super) struct FieldSet<'r> {
    pub(super) rng: &'r mut StdRng,
    pub(super) values: Map<String, Value>,
}

impl FieldSet<'_> {
    fn set(&mut self, key: &str, value: impl Into<Value>) {
        self.values.insert(key.to_owned(), value.into());
    }

    /// Optional fields are filled now and then, so completeness varies.
    fn maybe(&mut self, key: &str, value: impl Into<Value>) {
        if self.rng.gen_bool(0.65) {
            self.set(key, value);
        }
    }
}

pub(super) fn composed(title: String, body: String, fields: FieldSet<'_>, source: Source) -> Composed {
    Composed { title, body, fields: fields.values, source }
}

pub(super) fn source(rng: &mut StdRng, private_share: f64) -> Source {
    if rng.gen_bool(private_share) {
        Source::Private
    } else {
        Source::Public
    }
}

/// An entry of `category` about `client`, observed on `observed`.
pub(super) fn compose(
    rng: &mut StdRng,
    category: &str,
    client: &WorldClient,
    observed: NaiveDate,
) -> Composed {
    match category {
        "basic" => basic(rng, client, observed),
        "profile" => profile(rng, client, observed),
        "business" => business(rng, client, observed),
        "credit" => credit(rng, client, observed),
        "competitor" => competitor(rng, client, observed),
        "opportunity" => opportunity(rng, client, observed),
        _ => service(rng, client, observed),
    }
}
