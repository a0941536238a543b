//! The daily reminder job: adopted dates that fall due and tasks due by
//! tomorrow become reminders for their owners, each once (its event key is
//! unique, whatever processes run the job), with a notification.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::result::QueryResult;
use serde_json::{json, Value};

use crate::agenda::model::NewReminder;
use crate::agenda::rules::{due_reminder, lead_text};
use crate::agenda::store;
use crate::categories::model::FieldDef;
use crate::categories::model::COMPETITOR;
use crate::categories::store as categories;
use crate::clients::model::Client;
use crate::clients::store as clients;
use crate::db::DbConn;
use crate::enums::FollowTarget;
use crate::enums::{NotificationKind, ReminderKind, ReminderStatus};
use crate::follows::matching::normalise;
use crate::follows::store as follows;
use crate::ids::{ClientId, IntelId, UserId};
use crate::intel::model::Subject;
use crate::intel::store as intel_store;
use crate::notify::service::{self as notify, NewNotification};

/// Entries read per query while scanning the adopted facts.
const PAGE: i64 = 2000;

/// A dated field with a reminder rule, and its category's name.
struct Rule {
    field: FieldDef,
    offsets: Vec<u32>,
}

/// Runs the job for `today` (the business day); returns what it did.
pub fn run(conn: &mut DbConn, today: NaiveDate, now: NaiveDateTime) -> QueryResult<Value> {
    let facts = fact_reminders(conn, today, now)?;
    let tasks = task_reminders(conn, today, now)?;
    let closed = store::close_reminders_of_withdrawn_facts(conn, now)?;
    Ok(json!({"fact_reminders": facts, "task_reminders": tasks, "closed": closed}))
}

fn rules(conn: &mut DbConn) -> QueryResult<HashMap<String, Vec<Rule>>> {
    let mut rules: HashMap<String, Vec<Rule>> = HashMap::new();
    for category in categories::list(conn)? {
        for field in category.fields {
            let offsets = field.remind_before_days.clone().unwrap_or_default();
            if !offsets.is_empty() {
                rules.entry(category.key.clone()).or_default().push(Rule { field, offsets });
            }
        }
    }
    Ok(rules)
}

fn fact_reminders(conn: &mut DbConn, today: NaiveDate, now: NaiveDateTime) -> QueryResult<usize> {
    let rules = rules(conn)?;
    let keys: Vec<String> = rules.keys().cloned().collect();
    if keys.is_empty() {
        return Ok(0);
    }
    let (mut after, mut made) = (IntelId(0), 0);
    loop {
        let page = store::adopted_facts_after(conn, &keys, after, PAGE)?;
        let Some(last) = page.last().map(|p| p.0) else { return Ok(made) };
        after = last;
        let ids: Vec<IntelId> = page.iter().map(|p| p.0).collect();
        let named = intel_store::clients_of(conn, &ids)?;
        let found = clients::find_many(conn, &named.values().flatten().copied().collect::<Vec<_>>())?;
        for (intel, client_id, category, title, fields) in page {
            let subject = Subject::new(client_id, named.get(&intel).map(Vec::as_slice).unwrap_or_default());
            let values: serde_json::Map<String, Value> = serde_json::from_str(&fields).unwrap_or_default();
            let recipients = recipients(conn, &subject, &found, &category, &values)?;
            for rule in rules.get(&category).into_iter().flatten() {
                let Some(date) = values.get(&rule.field.key).and_then(Value::as_str) else { continue };
                let Ok(date) = NaiveDate::parse_from_str(date, "%Y-%m-%d") else { continue };
                let Some((on, offset)) = due_reminder(date, &rule.offsets, rule.field.remind_yearly, today)
                else {
                    continue;
                };
                for recipient in &recipients {
                    let key =
                        format!("fact:{}:{}:{on}:{offset}{}", intel.0, rule.field.key, recipient.key_suffix);
                    let reminder = NewReminder {
                        user_id: recipient.user,
                        kind: ReminderKind::Fact,
                        client_id: recipient.client,
                        intel_id: Some(intel),
                        task_id: None,
                        field_key: rule.field.key.clone(),
                        fact_on: Some(on),
                        offset_days: offset as i32,
                        due_on: on - Duration::days(i64::from(offset)),
                        title: format!("{}：{} {on}", recipient.about, rule.field.label),
                        status: ReminderStatus::Open,
                        event_key: key,
                        created_at: now,
                        updated_at: now,
                    };
                    if let Some(made_now) = store::insert_reminder(conn, &reminder)? {
                        made += 1;
                        let days = (on - today).num_days().max(0) as u32;
                        let note = NewNotification::new(
                            recipient.user,
                            NotificationKind::ReminderDue,
                            format!("提醒：{}（{}）", made_now.title, lead_text(days)),
                            format!("来自情报“{title}”。"),
                        )
                        .intel(intel)
                        .client(recipient.client);
                        notify::notify(conn, note)?;
                    }
                }
            }
        }
    }
}

/// Who is reminded of a dated fact, and the reminder's own key within the fact.
struct Recipient {
    user: UserId,
    client: Option<ClientId>,
    /// What the reminder's title names: the client, or the competitor.
    about: String,
    key_suffix: String,
}

/// The owner of each client the entry is about (the first one keyed as
/// before several clients were possible); for a market-wide competitor entry,
/// everyone following that competitor.
fn recipients(
    conn: &mut DbConn,
    subject: &Subject,
    found: &HashMap<ClientId, Client>,
    category: &str,
    values: &serde_json::Map<String, Value>,
) -> QueryResult<Vec<Recipient>> {
    let mut recipients = Vec::new();
    for (position, client_id) in subject.clients().iter().enumerate() {
        let Some(client) = found.get(client_id) else { continue };
        let Some(owner) = client.owner_id else { continue };
        recipients.push(Recipient {
            user: owner,
            client: Some(*client_id),
            about: client.name.clone(),
            key_suffix: if position == 0 { String::new() } else { format!(":client:{}", client_id.0) },
        });
    }
    let competitor = values.get("competitor").and_then(Value::as_str).map(normalise);
    if let (true, COMPETITOR, Some(competitor)) = (subject.clients().is_empty(), category, competitor) {
        let mut people: Vec<UserId> =
            follows::matching(conn, &[(FollowTarget::Competitor, competitor.clone())])?
                .into_iter()
                .map(|f| f.user_id)
                .collect();
        people.sort();
        people.dedup();
        recipients.extend(people.into_iter().map(|user| Recipient {
            user,
            client: None,
            about: competitor.clone(),
            key_suffix: format!(":user:{}", user.0),
        }));
    }
    Ok(recipients)
}

fn task_reminders(conn: &mut DbConn, today: NaiveDate, now: NaiveDateTime) -> QueryResult<usize> {
    let due = store::tasks_due_without_reminder(conn, today + Duration::days(1))?;
    let names: HashMap<ClientId, String> =
        clients::find_many(conn, &due.iter().map(|t| t.client_id).collect::<Vec<_>>())?
            .into_values()
            .map(|c| (c.id, c.name))
            .collect();
    let mut made = 0;
    for task in due {
        let client = names.get(&task.client_id).cloned().unwrap_or_default();
        let reminder = NewReminder {
            user_id: task.assignee_id,
            kind: ReminderKind::Task,
            client_id: Some(task.client_id),
            intel_id: None,
            task_id: Some(task.id),
            field_key: String::new(),
            fact_on: None,
            offset_days: 0,
            due_on: task.due_on,
            title: format!("{client}：{}", task.title),
            status: ReminderStatus::Open,
            event_key: format!("task:{}", task.id),
            created_at: now,
            updated_at: now,
        };
        if store::insert_reminder(conn, &reminder)?.is_some() {
            made += 1;
            let days = (task.due_on - today).num_days().max(0) as u32;
            let note = NewNotification::new(
                task.assignee_id,
                NotificationKind::TaskDue,
                format!("待办到期（{}）：{}", lead_text(days), task.title),
                format!("客户：{client}。完成后请在“我的待办”中填写结果。"),
            )
            .client(task.client_id);
            notify::notify(conn, note)?;
        }
    }
    Ok(made)
}
