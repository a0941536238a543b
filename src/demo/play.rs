//! Playing the plan: every entry, decision, usage, verification, revision
//! and retraction goes through the services, then is moved to its moment.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::cast::Kind;
use super::content::{compose, Composed};
use super::data::{pick, usage_note, REJECT_COMMENTS, RETRACT_COMMENTS, REVISE_COMMENTS};
use super::plan::{Fate, Plan, UsagePlan};
use super::{failed, Seeder};
use crate::db::schema::notifications;
use crate::enums::Decision;
use crate::enums::UsageOutcome;
use crate::ids::IntelId;
use crate::intel::model::Subject;
use crate::intel::service::{self as entries, Content};
use crate::review::service::{self as review, DecisionInput, RawScores};
use crate::usage::service as usage;
use crate::with_conn;

impl Seeder<'_> {
    /// Plays every plan through the services, oldest submission first.
    pub(super) fn play(&mut self, plans: &[Plan]) -> anyhow::Result<()> {
        let mut order: Vec<usize> = (0..plans.len()).collect();
        order.sort_by_key(|i| plans[*i].submitted);
        let mut played: Vec<Option<(IntelId, Composed)>> = (0..plans.len()).map(|_| None).collect();
        for index in order {
            let plan = &plans[index];
            self.rng = StdRng::seed_from_u64(plan.seed);
            let duplicate_of = plan.duplicate_of.and_then(|t| played[t].as_ref());
            let (id, composed) = self.write(plan, duplicate_of)?;
            if plan.fate != Fate::Draft && plan.fate != Fate::Pending {
                let target = duplicate_of.map(|(target, _)| *target);
                self.decide(plan, id, target)?;
            }
            for planned in &plan.usages {
                self.use_entry(id, planned)?;
            }
            if let Some(at) = plan.verified {
                self.verify(plan, id, at)?;
            }
            if let Some((proposed, adopted)) = plan.revised {
                self.revise(plan, id, proposed, adopted)?;
            }
            if let Some(at) = plan.retracted {
                let reviewer = &self.actors[plan.reviewer].user;
                let comment = pick(&mut self.rng, &RETRACT_COMMENTS);
                entries::retract(self.conn, reviewer, id, comment).map_err(failed("retracting an entry"))?;
                self.settle(at)?;
            }
            played[index] = Some((id, composed));
        }
        Ok(())
    }

    fn observed(&mut self, submitted: NaiveDateTime) -> NaiveDateTime {
        // A local date at least a day before submission, so it is never in the future.
        let local_day = (submitted + Duration::hours(8)).date();
        let day = local_day - Duration::days(self.rng.gen_range(1..9));
        day.and_hms_opt(0, 0, 0).unwrap_or(submitted)
    }

    fn write(
        &mut self,
        plan: &Plan,
        duplicate_of: Option<&(IntelId, Composed)>,
    ) -> anyhow::Result<(IntelId, Composed)> {
        let observed_at = self.observed(plan.submitted);
        let mut composed = match duplicate_of {
            Some((_, original)) => Composed {
                title: original.title.clone(),
                body: format!("{}（据近期走访了解）", original.body),
                fields: original.fields.clone(),
                source: original.source,
            },
            None => compose(&mut self.rng, plan.category, &self.clients[plan.client], observed_at.date()),
        };
        let draft = plan.fate == Fate::Draft;
        if draft {
            // A draft is unfinished: some of its fields are still empty.
            let keys: Vec<String> = composed.fields.keys().cloned().collect();
            for key in keys {
                if self.rng.gen_bool(0.5) {
                    composed.fields.remove(&key);
                }
            }
        }
        let content = Content {
            title: composed.title.clone(),
            body: composed.body.clone(),
            fields: composed.fields.clone(),
            source: composed.source,
            observed_at,
        };
        let author = &self.actors[plan.author].user;
        let client = self.clients[plan.client].id;
        let entry = entries::create(self.conn, author, &Subject::one(client), plan.category, content, draft)
            .map_err(failed("writing an entry"))?;
        self.entries += 1;
        self.settle(plan.submitted)?;
        Ok((entry.id, composed))
    }

    fn decide(&mut self, plan: &Plan, id: IntelId, duplicate_of: Option<IntelId>) -> anyhow::Result<()> {
        let rng = &mut self.rng;
        let (decision, scores, comment) = match (plan.fate, duplicate_of) {
            (Fate::Duplicate, Some(_)) => {
                (Decision::Duplicate, RawScores::default(), "与已采纳的情报内容重复".to_owned())
            }
            (Fate::Adopted | Fate::Duplicate, _) => {
                let level = pick(rng, &[3, 4, 4, 4, 5, 5]);
                let comment = pick(
                    rng,
                    &["信息真实，价值较高", "内容完整，可直接用于营销", "来源可靠，建议客户经理跟进", ""],
                );
                (Decision::Adopt, rubric(rng, level), comment.to_owned())
            }
            (Fate::Rejected, _) => {
                let scores = if rng.gen_bool(0.4) { rubric(rng, 2) } else { RawScores::default() };
                (Decision::Reject, scores, pick(rng, &REJECT_COMMENTS).to_owned())
            }
            _ => (Decision::Revise, RawScores::default(), pick(rng, &REVISE_COMMENTS).to_owned()),
        };
        let input = DecisionInput { decision, scores, comment, duplicate_of, urgent: false };
        let reviewer = &self.actors[plan.reviewer].user;
        review::decide(self.conn, reviewer, id, input).map_err(failed("deciding an entry"))?;
        self.settle(plan.decided)
    }

    fn use_entry(&mut self, id: IntelId, planned: &UsagePlan) -> anyhow::Result<()> {
        let user = self.actors[planned.user].user.clone();
        let note = usage_note(planned.purpose);
        let used = usage::record(self.conn, &user, id, planned.purpose, planned.outcome, note)
            .map_err(failed("recording a usage"))?;
        self.usages += 1;
        self.settle(planned.at)?;
        if let Some((outcome, at)) = planned.changed {
            let note = match outcome {
                UsageOutcome::Won => "客户已签约，方案落地",
                UsageOutcome::Lost => "客户最终选择了其他方案",
                UsageOutcome::Pending => note,
            };
            usage::change_outcome(self.conn, &user, used.id, outcome, Some(note))
                .map_err(failed("changing a usage outcome"))?;
            self.settle(at)?;
        }
        Ok(())
    }

    /// The author, or now and then the client's owner, confirms the entry is still true.
    fn verify(&mut self, plan: &Plan, id: IntelId, at: NaiveDateTime) -> anyhow::Result<()> {
        let owner = self.clients[plan.client].owner_at(at);
        let who = match owner {
            Some(owner) if self.rng.gen_bool(0.5) => owner,
            _ => plan.author,
        };
        entries::verify(self.conn, &self.actors[who].user, id).map_err(failed("verifying an entry"))?;
        self.settle(at)
    }

    fn revise(
        &mut self,
        plan: &Plan,
        id: IntelId,
        proposed: NaiveDateTime,
        adopted: NaiveDateTime,
    ) -> anyhow::Result<()> {
        let observed_at = self.observed(proposed);
        let fresh = compose(&mut self.rng, plan.category, &self.clients[plan.client], observed_at.date());
        let content = Content {
            title: format!("【更新】{}", fresh.title),
            body: format!("据最新走访，情况有变化：{}", fresh.body),
            fields: fresh.fields,
            source: fresh.source,
            observed_at,
        };
        let author = &self.actors[plan.author].user;
        let revision = entries::propose_revision(self.conn, author, id, content)
            .map_err(failed("proposing a revision"))?;
        self.entries += 1;
        self.settle(proposed)?;
        let input = DecisionInput {
            decision: Decision::Adopt,
            scores: rubric(&mut self.rng, 4),
            comment: "更新及时，予以采纳".to_owned(),
            duplicate_of: None,
            urgent: false,
        };
        let reviewer = &self.actors[plan.reviewer].user;
        review::decide(self.conn, reviewer, revision.id, input).map_err(failed("adopting a revision"))?;
        self.settle(adopted)
    }

    /// Notifications older than a few days have been read.
    /// Competitor news that concerns the whole market, or several groups at
    /// once, as marketing and the front line hear it: adopted a few days ago.
    pub(super) fn market_news(&mut self) -> anyhow::Result<()> {
        let groups: Vec<_> =
            self.clients.iter().filter(|c| matches!(c.kind, Kind::Group(_))).map(|c| c.id).take(2).collect();
        let (Some(author), Some(reviewer)) = (self.actor("E001"), self.reviewers().first().copied()) else {
            return Ok(());
        };
        let news = [
            (
                Subject::default(),
                "中国联通全市推出校园卡五折",
                "中国联通",
                "校园卡首年五折",
                19,
                "联通在全市高校周边营业厅和代理点同步推出校园卡首年五折，渠道补贴加码。",
                3,
            ),
            (
                Subject::default(),
                "中国电信千兆宽带“免费送一年”进入社区渠道",
                "中国电信",
                "千兆宽带免费送一年",
                0,
                "电信社区经理在新建小区摆摊，承诺千兆宽带首年免费，要求绑定手机套餐。",
                6,
            ),
            (
                Subject::new(None, &groups),
                "中国广电向多家集团推专线低价包",
                "中国广电",
                "专线低价包",
                1800,
                "广电政企团队近期逐家拜访集团客户，专线报价比我们低约两成。",
                9,
            ),
        ];
        for (subject, title, competitor, offer, tariff, body, days_ago) in news {
            let at = self.clock.now - Duration::days(days_ago);
            let fields = serde_json::json!({"competitor": competitor, "offer": offer, "tariff": tariff});
            let content = Content {
                title: title.to_owned(),
                body: body.to_owned(),
                fields: fields.as_object().cloned().unwrap_or_default(),
                source: crate::enums::Source::Public,
                observed_at: at - Duration::days(1),
            };
            let user = self.actors[author].user.clone();
            let entry = entries::create(self.conn, &user, &subject, "competitor", content, false)
                .map_err(failed("writing market news"))?;
            self.entries += 1;
            self.settle(at - Duration::hours(5))?;
            let scores = rubric(&mut self.rng, 4);
            let input = DecisionInput {
                decision: Decision::Adopt,
                scores,
                comment: "全市场动态，请各客户经理关注".into(),
                duplicate_of: None,
                urgent: false,
            };
            let reviewer = self.actors[reviewer].user.clone();
            review::decide(self.conn, &reviewer, entry.id, input).map_err(failed("adopting market news"))?;
            self.settle(at)?;
        }
        Ok(())
    }

    /// A renewal coming up: the port-logistics group's contract ends in seven
    /// weeks (a supporter a marketer should find with the list's filters).
    pub(super) fn renewal_due(&mut self) -> anyhow::Result<()> {
        let (Some(client), Some(author), Some(reviewer)) = (
            self.clients.iter().find(|c| c.short == "三山港口物流").map(|c| c.id),
            self.actor("AM01"),
            self.reviewers().first().copied(),
        ) else {
            return Ok(());
        };
        let at = self.clock.now - Duration::days(3);
        let ends = crate::time::local_day(self.clock.now) + Duration::days(50);
        let fields = serde_json::json!({"current_products": "互联网专线、集团V网", "monthly_spend": 42000,
            "contract_end": ends.format("%Y-%m-%d").to_string(), "satisfaction": "满意",
            "cooperation_attitude": "积极", "pain_points": "港区部分堆场信号弱"});
        let content = Content {
            title: format!("三山港口物流专线合同{}到期，客户愿意续约", ends.format("%-m月%-d日")),
            body: "与物流公司办公室主任核实：互联网专线和集团V网合同将到期，客户对服务满意，希望续约时一并解决堆场信号覆盖。".into(),
            fields: fields.as_object().cloned().unwrap_or_default(),
            source: crate::enums::Source::Private,
            observed_at: at - Duration::hours(20),
        };
        let user = self.actors[author].user.clone();
        let entry = entries::create(self.conn, &user, &Subject::one(client), "business", content, false)
            .map_err(failed("writing the renewal"))?;
        self.entries += 1;
        self.settle(at - Duration::hours(4))?;
        let input = DecisionInput {
            decision: Decision::Adopt,
            scores: rubric(&mut self.rng, 4),
            comment: "续约窗口明确，请提前准备方案".into(),
            duplicate_of: None,
            urgent: false,
        };
        let reviewer = self.actors[reviewer].user.clone();
        review::decide(self.conn, &reviewer, entry.id, input).map_err(failed("adopting the renewal"))?;
        self.settle(at)
    }

    pub(super) fn read_old_notifications(&mut self) -> anyhow::Result<()> {
        let before = self.clock.ago(4.0);
        with_conn!(self.conn, |c| diesel::update(
            notifications::table
                .filter(notifications::read_at.is_null())
                .filter(notifications::created_at.lt(before))
        )
        .set(notifications::read_at.eq(notifications::created_at.nullable()))
        .execute(c))?;
        Ok(())
    }
}

/// Five scores around `level`.
pub(super) fn rubric(rng: &mut StdRng, level: i64) -> RawScores {
    let mut score = || Some((level + rng.gen_range(-1..=1)).clamp(1, 5));
    RawScores {
        truthfulness: score(),
        relevance: score(),
        completeness: score(),
        timeliness: score(),
        value: score(),
    }
}
