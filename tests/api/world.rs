//! A small world for the intelligence-loop tests: people in roles and a client.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{Session, TestApp};

pub struct World {
    pub author: Session,
    pub reviewer: Session,
    pub reviewer2: Session,
    pub marketer: Session,
    pub manager: Session,
    pub employee: Session,
    pub client_id: i64,
}

pub fn id(value: &Value) -> i64 {
    value["id"].as_i64().unwrap_or_else(|| panic!("no id in {value}"))
}

impl World {
    pub async fn new(app: &TestApp) -> World {
        let frontline = app.create_department("政企客户部", "frontline").await;
        let management = app.create_department("信息管理部", "management").await;
        let author = session(app, "E1001", "张伟", &["account_manager"], frontline).await;
        let reviewer = session(app, "R2001", "陈静", &["reviewer"], management).await;
        let reviewer2 = session(app, "R2002", "刘洋", &["reviewer"], management).await;
        let marketer = session(app, "M3001", "王芳", &["marketer"], frontline).await;
        let manager = session(app, "E1002", "李强", &["account_manager"], frontline).await;
        let employee = session(app, "E1003", "赵敏", &[], frontline).await;
        let (status, client) = app
            .post(
                "/api/v1/clients",
                &app.admin_token,
                json!({"kind": "group", "name": "芜湖长江实业集团有限公司", "industry": "制造业", "region": "芜湖",
                       "tier": "A", "owner_id": id(&manager.user), "tags": ["高尔夫", "机场贵宾"]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{client}");
        World { author, reviewer, reviewer2, marketer, manager, employee, client_id: id(&client) }
    }

    /// A complete `business` entry body, private source (DESIGN's worked example).
    pub fn business_entry(&self, title: &str) -> Value {
        json!({
            "client_id": self.client_id,
            "category": "business",
            "title": title,
            "body": "财务副总表示每月话费报销手续繁琐，希望统一代付。",
            "fields": {"current_products": "集团V网、专线", "monthly_spend": 86000, "contract_end": "2027-03-31"},
            "source": "private",
            "observed_at": "2026-11-20"
        })
    }

    pub async fn submit(&self, app: &TestApp, body: Value) -> Value {
        let (status, entry) = app.post("/api/v1/intel", &self.author.access_token, body).await;
        assert_eq!(status, StatusCode::CREATED, "{entry}");
        entry
    }

    pub async fn adopt(&self, app: &TestApp, entry_id: i64, score: i64) -> Value {
        let (status, body) = app
            .post(
                &format!("/api/v1/intel/{entry_id}/review"),
                &self.reviewer.access_token,
                scores("adopt", score),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// Submits and adopts a business entry; returns the entry id.
    pub async fn adopted_entry(&self, app: &TestApp, title: &str) -> i64 {
        let entry = self.submit(app, self.business_entry(title)).await;
        self.adopt(app, id(&entry), 4).await;
        id(&entry)
    }
}

pub fn scores(decision: &str, score: i64) -> Value {
    json!({
        "decision": decision,
        "scores": {"truthfulness": score, "relevance": score, "completeness": score, "timeliness": score, "value": score},
        "comment": "信息真实，价值较高"
    })
}

async fn session(app: &TestApp, no: &str, name: &str, roles: &[&str], department: i64) -> Session {
    app.create_user(no, name, roles, Some(department)).await;
    app.login_ok(no, &crate::helpers::user_password(no)).await
}

pub async fn balance(app: &TestApp, who: &Session) -> i64 {
    let (status, ledger) = app.get("/api/v1/points/ledger", &who.access_token).await;
    assert_eq!(status, StatusCode::OK, "{ledger}");
    ledger["balance"].as_i64().unwrap()
}
