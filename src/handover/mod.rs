//! Handing a client over so that the next account manager does not start
//! from zero: a preview of what moves (contacts, open tasks, reminders,
//! pending entries, follows), the handover itself (tasks, reminders and the
//! old owner's follow move along), and a briefing for the new owner: the key
//! facts from the latest adopted entry per category, open tasks and upcoming
//! dates.

pub mod routes;
pub mod service;
