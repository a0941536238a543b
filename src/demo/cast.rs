//! The cast as it is being built: departments, people and clients, opened
//! through the stores half a year back, and the handovers since.

use anyhow::bail;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;
use serde_json::json;

use super::data::{
    contact_titles, mobile, person_name, pick, Sector, CLUSTERS, CONTACT_NOTES, DEPARTMENTS, EMAIL_DOMAIN,
    GROUPS, HANDOVERS, PEOPLE, VIPS,
};
use super::{failed, Seeder, DEMO_PASSWORD};
use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::auth::password::Password;
use crate::clients::model::{ClientChanges, NewClient, NewContact, NewLoss, NewOwnerChange};
use crate::clients::{pinyin, store as clients};
use crate::db::schema::{departments, users};
use crate::enums::NotificationKind;
use crate::enums::{AuditAction, ClientKind, ClientSegment, ClientStatus, LossReason};
use crate::enums::{Role, Roles};
use crate::ids::ClientId;
use crate::ids::DepartmentId;
use crate::notify::service as notify;
use crate::notify::service::NewNotification;
use crate::users::model::{Email, EmployeeNo, RealName, User};
use crate::users::service::{self as user_service, NewUserInput};
use crate::users::store as people;
use crate::with_conn;

pub(super) struct Actor {
    pub(super) no: String,
    /// When they joined; nobody acts before.
    pub(super) joined: NaiveDateTime,
    pub(super) user: CurrentUser,
}

#[derive(Debug, Clone)]
pub(super) enum Kind {
    Group(Sector),
    Individual { title: &'static str, company: Option<&'static str> },
}

/// A client to open, from either table.
pub(super) struct ClientSpec {
    pub(super) name: &'static str,
    pub(super) short: &'static str,
    pub(super) kind: Kind,
    pub(super) industry: &'static str,
    pub(super) region: &'static str,
    pub(super) tier: &'static str,
    pub(super) status: ClientStatus,
    /// Employee number of the account manager.
    pub(super) owner: &'static str,
    pub(super) parent: Option<ClientId>,
    pub(super) tags: &'static [&'static str],
}

pub(super) struct WorldClient {
    pub(super) id: ClientId,
    pub(super) name: &'static str,
    pub(super) short: &'static str,
    pub(super) kind: Kind,
    pub(super) region: &'static str,
    pub(super) tags: &'static [&'static str],
    pub(super) tier: &'static str,
    pub(super) owner: Option<usize>,
    /// The owner before a handover, and when it happened.
    pub(super) before_handover: Option<(Option<usize>, NaiveDateTime)>,
    /// (name, title) of its contacts, the decision maker first.
    pub(super) contacts: Vec<(String, &'static str)>,
}

impl WorldClient {
    pub(super) fn is_group(&self) -> bool {
        matches!(self.kind, Kind::Group(_))
    }

    pub(super) fn owner_at(&self, at: NaiveDateTime) -> Option<usize> {
        match self.before_handover {
            Some((before, handed_over)) if at < handed_over => before,
            _ => self.owner,
        }
    }

    /// A contact with `title`, or a plausible new name.
    pub(super) fn person(&self, rng: &mut StdRng, title: &str) -> String {
        self.contacts.iter().find(|(_, t)| *t == title).map_or_else(|| person_name(rng), |(n, _)| n.clone())
    }

    pub(super) fn decision_maker(&self, rng: &mut StdRng) -> (String, &'static str) {
        match (&self.kind, self.contacts.first()) {
            (Kind::Individual { title, .. }, _) => (self.short.to_owned(), title),
            (_, Some((name, title))) => (name.clone(), title),
            (Kind::Group(sector), None) => (person_name(rng), contact_titles(*sector)[0]),
        }
    }

    /// One of its interest tags, or any cluster when it has none.
    pub(super) fn hobby(&self, rng: &mut StdRng) -> &'static str {
        let tags: &[&'static str] = if self.tags.is_empty() { &CLUSTERS } else { self.tags };
        pick(rng, tags)
    }

    pub(super) fn tier_weight(&self) -> u32 {
        match self.tier {
            "S" => 4,
            "A" => 3,
            "B" => 2,
            _ => 1,
        }
    }
}

impl Seeder<'_> {
    fn departments(&mut self) -> anyhow::Result<Vec<(&'static str, DepartmentId)>> {
        let existing = people::list_departments(self.conn)?;
        let mut ids = Vec::new();
        for (name, kind) in DEPARTMENTS {
            let id = match existing.iter().find(|d| d.name == name) {
                Some(department) => department.id,
                None => people::create_department(self.conn, name, kind)?.id,
            };
            ids.push((name, id));
        }
        let founded = self.clock.ago(210.0);
        let since = self.since;
        with_conn!(self.conn, |c| diesel::update(
            departments::table.filter(departments::created_at.ge(since))
        )
        .set(departments::created_at.eq(founded))
        .execute(c))?;
        Ok(ids)
    }

    /// Creates the demo accounts, skipping any whose employee number or e-mail
    /// is taken (an administrator made with `create-admin`, say). Such an
    /// existing account plays its part only if it has the part's roles.
    pub(super) fn people(
        &mut self,
        password_hash: &str,
    ) -> anyhow::Result<Vec<(String, String, String, String)>> {
        let departments = self.departments()?;
        let mut logins = Vec::new();
        for person in &PEOPLE {
            let employee_no = EmployeeNo::parse(person.no).map_err(anyhow::Error::msg)?;
            let name = RealName::parse(person.name).map_err(anyhow::Error::msg)?;
            let email = Email::parse(&format!("{}@{EMAIL_DOMAIN}", person.no.to_ascii_lowercase()))
                .map_err(anyhow::Error::msg)?;
            let roles = Roles::new(person.roles.iter().copied());
            let taken =
                people::taken_identifiers(self.conn, Some(employee_no.as_str()), Some(email.as_str()), None)?;
            let (user, joined) = if taken.is_empty() {
                let department = departments.iter().find(|(n, _)| *n == person.department).map(|(_, id)| *id);
                let input = NewUserInput {
                    employee_no,
                    real_name: name,
                    email,
                    department_id: department,
                    roles: roles.clone(),
                    password: Password::parse(DEMO_PASSWORD).map_err(anyhow::Error::msg)?,
                };
                let user = user_service::insert(self.conn, &input, password_hash.to_owned())
                    .map_err(failed("creating a demo user"))?;
                let joined = self.clock.ago(person.joined_days as f64);
                with_conn!(self.conn, |c| diesel::update(users::table.find(user.id))
                    .set((users::created_at.eq(joined), users::updated_at.eq(joined)))
                    .execute(c))?;
                logins.push((
                    user.employee_no.clone(),
                    user.real_name.clone(),
                    roles.names().join(","),
                    DEMO_PASSWORD.to_owned(),
                ));
                (user, joined)
            } else {
                let existing = match people::find_by_login(self.conn, employee_no.as_str())? {
                    Some(user) => Some(user),
                    None => people::find_by_login(self.conn, email.as_str())?,
                };
                let fits = |u: &User| u.is_active && person.roles.iter().all(|r| u.roles.has(*r));
                match existing.filter(fits) {
                    Some(user) => {
                        let joined = user.created_at.min(self.clock.ago(person.joined_days as f64));
                        (user, joined)
                    }
                    None => continue,
                }
            };
            self.actors.push(Actor { no: person.no.to_owned(), joined, user: User::acting(user) });
        }
        if self.reviewers().is_empty() || self.contributors().is_empty() {
            bail!("the demo world needs a reviewer and a contributor, but their accounts exist with other roles");
        }
        Ok(logins)
    }

    /// The account manager `no`, or another one when that account is missing.
    fn account_manager(&self, no: &str) -> Option<usize> {
        let managers = self.pool(|a| a.user.has(Role::AccountManager));
        self.actor(no).filter(|i| managers.contains(i)).or_else(|| managers.first().copied())
    }

    /// Opens a client about half a year ago with its tags, contacts and owner history.
    fn add_client(&mut self, spec: ClientSpec) -> anyhow::Result<()> {
        let ClientSpec { name, short, kind, industry, region, tier, status, owner, parent, tags } = spec;
        let owner = self.account_manager(owner);
        let creator = owner.unwrap_or(0);
        let created_by = self.actors[creator].user.id;
        let opened = self.clock.ago(self.rng.gen_range(185.0..200.0));
        let opened = self.clock.at_work(&mut self.rng, opened);
        let (full, initials) = pinyin::keys(name);
        let group_kind = matches!(kind, Kind::Group(_));
        let client = clients::insert(
            self.conn,
            &NewClient {
                kind: if group_kind { ClientKind::Group } else { ClientKind::Individual },
                name: name.to_owned(),
                pinyin: full,
                initials,
                aliases: if short == name { String::new() } else { short.to_owned() },
                industry: Some(industry.to_owned()),
                region: Some(region.to_owned()),
                tier: Some(tier.to_owned()),
                status,
                owner_id: owner.map(|o| self.actors[o].user.id),
                parent_id: parent,
                created_by,
                created_at: opened,
                updated_at: opened,
                segment: segment_of(status, tier),
            },
        )?;
        if matches!(status, ClientStatus::Lost | ClientStatus::AtRisk) {
            self.record_loss(client.id, status, created_by)?;
        }
        let tag_list: Vec<String> = tags.iter().map(|t| (*t).to_owned()).collect();
        clients::set_tags(self.conn, client.id, &tag_list)?;
        if let Some(owner) = owner {
            let change = NewOwnerChange {
                client_id: client.id,
                from_owner_id: None,
                to_owner_id: Some(self.actors[owner].user.id),
                changed_by: created_by,
                note: "建档",
                created_at: opened,
            };
            clients::record_owner_change(self.conn, &change)?;
        }
        let mut contacts = Vec::new();
        if let Kind::Group(sector) = kind {
            let titles = contact_titles(sector);
            let count = self.rng.gen_range(1..=3).min(titles.len());
            let mut chosen = vec![titles[0]];
            let mut others: Vec<&'static str> = titles[1..].to_vec();
            others.shuffle(&mut self.rng);
            chosen.extend(others.into_iter().take(count - 1));
            for (position, title) in chosen.into_iter().enumerate() {
                let name = person_name(&mut self.rng);
                let met = opened + Duration::days(self.rng.gen_range(1..20));
                clients::insert_contact(
                    self.conn,
                    &NewContact {
                        client_id: client.id,
                        name: name.clone(),
                        title: title.to_owned(),
                        is_decision_maker: position == 0,
                        phone: mobile(&mut self.rng),
                        notes: (pick(&mut self.rng, &CONTACT_NOTES)).to_owned(),
                        created_by,
                        created_at: met,
                        updated_at: met,
                    },
                )?;
                contacts.push((name, title));
            }
        }
        self.clients.push(WorldClient {
            id: client.id,
            name,
            short,
            kind,
            region,
            tags,
            tier,
            owner,
            before_handover: None,
            contacts,
        });
        Ok(())
    }

    /// Why a lost or endangered demo client is leaving: a competitor's
    /// offer, a price, the network, a complaint, a month or two ago.
    fn record_loss(
        &mut self,
        client: ClientId,
        status: ClientStatus,
        by: crate::ids::UserId,
    ) -> anyhow::Result<()> {
        const REASONS: [&[LossReason]; 4] = [
            &[LossReason::CompetitorOffer, LossReason::Price],
            &[LossReason::NetworkQuality, LossReason::UnresolvedComplaint],
            &[LossReason::CompetitorOffer],
            &[LossReason::Service, LossReason::PaymentMethod],
        ];
        let reasons = pick(&mut self.rng, &REASONS);
        let competitor = reasons
            .contains(&LossReason::CompetitorOffer)
            .then(|| pick(&mut self.rng, &["中国电信", "中国联通", "中国广电"]).to_owned());
        let recorded = self.clock.ago(self.rng.gen_range(15.0..75.0));
        let recorded = self.clock.at_work(&mut self.rng, recorded);
        clients::insert_loss(
            self.conn,
            &NewLoss {
                client_id: client,
                status,
                reasons: json!(reasons).to_string(),
                competitor,
                occurred_on: crate::time::local_day(recorded),
                note: "客户经理走访后确认".to_owned(),
                recorded_by: by,
                recorded_at: recorded,
            },
        )?;
        Ok(())
    }

    pub(super) fn clients(&mut self) -> anyhow::Result<()> {
        for g in &GROUPS {
            self.add_client(ClientSpec {
                name: g.name,
                short: g.short,
                kind: Kind::Group(g.sector),
                industry: g.industry,
                region: g.region,
                tier: g.tier,
                status: g.status,
                owner: g.owner,
                parent: None,
                tags: g.tags,
            })?;
        }
        for v in &VIPS {
            let parent = v.parent.and_then(|p| self.clients.iter().find(|c| c.short == p)).map(|c| c.id);
            self.add_client(ClientSpec {
                name: v.name,
                short: v.name,
                kind: Kind::Individual { title: v.title, company: v.parent },
                industry: v.industry,
                region: v.region,
                tier: v.tier,
                status: v.status,
                owner: v.owner,
                parent,
                tags: v.tags,
            })?;
        }
        Ok(())
    }

    /// The new account manager takes over two clients, as `PUT /clients/{id}/owner` would.
    pub(super) fn handovers(&mut self) -> anyhow::Result<()> {
        let Some(to) = self.account_manager("AM04") else { return Ok(()) };
        for (short, days, note) in HANDOVERS {
            let Some(index) = self.clients.iter().position(|c| c.short == short) else { continue };
            let from = self.clients[index].owner;
            if from == Some(to) {
                continue;
            }
            let at = self.clock.ago(days as f64);
            let at = self.clock.at_work(&mut self.rng, at);
            let (id, name) = (self.clients[index].id, self.clients[index].name);
            let to_id = self.actors[to].user.id;
            let from_id = from.map(|f| self.actors[f].user.id);
            let changes =
                ClientChanges { owner_id: Some(Some(to_id)), updated_at: Some(at), ..Default::default() };
            clients::update(self.conn, id, &changes)?;
            let by = from_id.unwrap_or(to_id);
            let change = NewOwnerChange {
                client_id: id,
                from_owner_id: from_id,
                to_owner_id: Some(to_id),
                changed_by: by,
                note,
                created_at: at,
            };
            clients::record_owner_change(self.conn, &change)?;
            notify::notify(
                self.conn,
                NewNotification::new(
                    to_id,
                    NotificationKind::ClientHandover,
                    format!("客户“{name}”已交接给你"),
                    format!("交接说明：{note}"),
                )
                .client(id),
            )?;
            audit::record(
                self.conn,
                Some(by),
                AuditAction::ClientHandover,
                "client",
                Some(id.0),
                json!({"from": from_id, "to": to_id}),
            )?;
            self.settle(at)?;
            self.clients[index].before_handover = Some((from, at));
            self.clients[index].owner = Some(to);
        }
        Ok(())
    }
}

/// A demo client's marketing segment from its status and tier.
fn segment_of(status: ClientStatus, tier: &str) -> Option<ClientSegment> {
    match (status, tier) {
        (ClientStatus::Lost, _) => None,
        (ClientStatus::AtRisk, _) => Some(ClientSegment::AtRisk),
        (ClientStatus::Prospect, _) => Some(ClientSegment::Potential),
        (_, "S") => Some(ClientSegment::Advocate),
        (_, "A" | "B") => Some(ClientSegment::Supporter),
        _ => Some(ClientSegment::Neutral),
    }
}
