//! What falls due for the account manager: visits (拜访记录) and their next
//! steps as tasks (我的待办), reminders the daily job makes from the dates
//! adopted entries record (contract end, birthday, a need's timeline, a
//! competitor's deadline) and from due tasks, and a private iCalendar feed of
//! both.

pub mod calendar;
pub mod job;
pub mod model;
pub mod routes;
pub mod rules;
pub mod service;
pub mod store;
