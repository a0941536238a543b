//! The text of a mail: a plain-text part and an HTML part (user text
//! escaped), Chinese, with links built from the public URL.

use serde::{Deserialize, Serialize};

use crate::enums::NotificationKind;
use crate::ids::ClientId;
use crate::ids::IntelId;
use crate::notify::model::Notification;
use crate::text::escape_html;

/// The figures of a weekly digest, computed when the week is over and
/// stored with the mail so that a late send still tells that week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeeklyDigest {
    /// The week, e.g. `2026-11-16 至 2026-11-22`.
    pub week: String,
    pub points: i64,
    /// Dense rank among everyone who earned points that week.
    pub rank: Option<i64>,
    pub balance: i64,
    /// Entries adopted that week on clients the recipient owns (the newest few).
    pub adopted: Vec<AdoptedEntry>,
    pub adopted_total: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdoptedEntry {
    pub intel_id: IntelId,
    pub title: String,
    pub client: String,
    pub author: String,
}

pub enum Content<'a> {
    Notification(&'a Notification),
    Digest(&'a [Notification]),
    Weekly(&'a WeeklyDigest),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub text: String,
    pub html: String,
}

/// Where a notification leads in the web app.
pub fn link(base: &str, kind: NotificationKind, intel: Option<IntelId>, client: Option<ClientId>) -> String {
    match kind {
        NotificationKind::ReviewQueue => return format!("{base}/review"),
        NotificationKind::TaskDue | NotificationKind::TaskAssigned => return format!("{base}/agenda"),
        NotificationKind::ReminderDue if intel.is_none() => return format!("{base}/agenda"),
        _ => {}
    }
    match (intel, client) {
        (Some(intel), _) => format!("{base}/intel/{}", intel.0),
        (None, Some(client)) => format!("{base}/clients/{}", client.0),
        (None, None) => format!("{base}/"),
    }
}

fn notification_link(base: &str, n: &Notification) -> String {
    link(base, n.kind, n.intel_id, n.client_id)
}

const FOOTER_TEXT: &str = "此邮件由智库 Zhiku 自动发送。可在智库的通知设置中改为每日摘要或关闭此类邮件。";

/// Renders the mail for `name` with links under `base` (the public URL).
pub fn render(base: &str, name: &str, subject: &str, content: &Content<'_>) -> Rendered {
    let mut text = format!("{name}，您好：\n\n");
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{}</title></head>\n\
         <body style=\"font-family:sans-serif;line-height:1.6;color:#222\">\n<p>{}，您好：</p>\n",
        escape_html(subject),
        escape_html(name)
    );
    match content {
        Content::Notification(n) => {
            let url = notification_link(base, n);
            text.push_str(&format!("{}\n", n.title));
            html.push_str(&format!("<p><strong>{}</strong></p>\n", escape_html(&n.title)));
            if !n.body.is_empty() {
                text.push_str(&format!("\n{}\n", n.body));
                html.push_str(&format!("<p>{}</p>\n", paragraph(&n.body)));
            }
            text.push_str(&format!("\n查看详情：{url}\n"));
            html.push_str(&format!("<p><a href=\"{}\">查看详情</a></p>\n", escape_html(&url)));
        }
        Content::Digest(items) => {
            text.push_str(&format!("以下是你的 {} 条新通知：\n", items.len()));
            html.push_str(&format!("<p>以下是你的 {} 条新通知：</p>\n<ul>\n", items.len()));
            for n in items.iter() {
                let url = notification_link(base, n);
                text.push_str(&format!("\n· {}\n", n.title));
                html.push_str(&format!(
                    "<li><a href=\"{}\">{}</a>",
                    escape_html(&url),
                    escape_html(&n.title)
                ));
                if !n.body.is_empty() {
                    text.push_str(&indent(&n.body));
                    html.push_str(&format!("<br>{}", paragraph(&n.body)));
                }
                text.push_str(&format!("  {url}\n"));
                html.push_str("</li>\n");
            }
            html.push_str("</ul>\n");
        }
        Content::Weekly(w) => weekly(base, w, &mut text, &mut html),
    }
    text.push_str(&format!("\n——\n{FOOTER_TEXT}\n{base}/\n"));
    html.push_str(&format!(
        "<hr>\n<p style=\"color:#888;font-size:12px\">{FOOTER_TEXT}<br><a href=\"{0}/\">{0}/</a></p>\n</body></html>\n",
        escape_html(base)
    ));
    Rendered { text, html }
}

fn weekly(base: &str, w: &WeeklyDigest, text: &mut String, html: &mut String) {
    let rank = w.rank.map_or_else(|| "暂无排名".to_owned(), |r| format!("排名第 {r}"));
    let summary = format!("上周（{}）你获得 {} 积分，{rank}；当前积分余额 {}。", w.week, w.points, w.balance);
    text.push_str(&format!("{summary}\n"));
    html.push_str(&format!("<p>{}</p>\n", escape_html(&summary)));
    if w.adopted_total == 0 {
        return;
    }
    let heading = format!("你负责的客户上周新采纳 {} 条情报：", w.adopted_total);
    text.push_str(&format!("\n{heading}\n"));
    html.push_str(&format!("<p>{}</p>\n<ul>\n", escape_html(&heading)));
    for entry in &w.adopted {
        let url = format!("{base}/intel/{}", entry.intel_id.0);
        let line = format!("{}：{}（{}）", entry.client, entry.title, entry.author);
        text.push_str(&format!("· {line}\n  {url}\n"));
        html.push_str(&format!("<li><a href=\"{}\">{}</a></li>\n", escape_html(&url), escape_html(&line)));
    }
    if w.adopted_total > w.adopted.len() as i64 {
        let more = format!("等，共 {} 条", w.adopted_total);
        text.push_str(&format!("  {more}\n"));
        html.push_str(&format!("<li>{}</li>\n", escape_html(&more)));
    }
    html.push_str("</ul>\n");
}

/// User text as HTML: escaped, line breaks kept.
fn paragraph(text: &str) -> String {
    escape_html(text).replace('\n', "<br>")
}

fn indent(text: &str) -> String {
    text.lines().map(|line| format!("  {line}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{NotificationId, UserId};

    const BASE: &str = "https://zhiku.example.com";

    fn note(
        kind: NotificationKind,
        title: &str,
        body: &str,
        intel: Option<i64>,
        client: Option<i64>,
    ) -> Notification {
        Notification {
            id: NotificationId(1),
            user_id: UserId(7),
            kind,
            title: title.to_owned(),
            body: body.to_owned(),
            intel_id: intel.map(IntelId),
            client_id: client.map(ClientId),
            created_at: chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap().naive_utc(),
            read_at: None,
        }
    }

    #[test]
    fn links_lead_to_the_entry_the_client_or_the_queue() {
        assert_eq!(
            link(BASE, NotificationKind::IntelAdopted, Some(IntelId(5)), Some(ClientId(2))),
            format!("{BASE}/intel/5")
        );
        assert_eq!(
            link(BASE, NotificationKind::ClientHandover, None, Some(ClientId(2))),
            format!("{BASE}/clients/2")
        );
        assert_eq!(link(BASE, NotificationKind::ReviewQueue, None, None), format!("{BASE}/review"));
        assert_eq!(link(BASE, NotificationKind::IntelUsed, None, None), format!("{BASE}/"));
    }

    #[test]
    fn user_text_is_escaped_in_html_and_kept_in_text() {
        let n = note(
            NotificationKind::IntelReturned,
            "你的情报“<b>A&B</b>”被退回修改",
            "审核意见：请补充\n<script>x</script>",
            Some(9),
            None,
        );
        let mail = render(BASE, "张伟", "【智库】主题", &Content::Notification(&n));
        assert!(mail.text.starts_with("张伟，您好："));
        assert!(mail.text.contains("你的情报“<b>A&B</b>”被退回修改"));
        assert!(mail.text.contains(&format!("查看详情：{BASE}/intel/9")));
        assert!(mail.html.contains("你的情报“&lt;b&gt;A&amp;B&lt;/b&gt;”被退回修改"));
        assert!(mail.html.contains("请补充<br>&lt;script&gt;x&lt;/script&gt;"));
        assert!(!mail.html.contains("<script>"));
        assert!(mail.html.contains(&format!("<a href=\"{BASE}/intel/9\">")));
    }

    #[test]
    fn a_digest_lists_every_notification_with_its_link() {
        let items = [
            note(NotificationKind::IntelAdopted, "你的情报“甲”已被采纳", "", Some(1), Some(3)),
            note(NotificationKind::ClientHandover, "客户“乙”已交接给你", "交接说明：调岗", None, Some(4)),
        ];
        let mail = render(BASE, "李强", "摘要", &Content::Digest(&items));
        assert!(mail.text.contains("以下是你的 2 条新通知"));
        assert!(mail.text.contains(&format!("· 你的情报“甲”已被采纳\n  {BASE}/intel/1")));
        assert!(mail.text.contains(&format!("  交接说明：调岗\n  {BASE}/clients/4")));
        assert_eq!(mail.html.matches("<li>").count(), 2);
    }

    #[test]
    fn a_weekly_digest_tells_points_rank_and_new_entries() {
        let digest = WeeklyDigest {
            week: "2026-11-16 至 2026-11-22".into(),
            points: 26,
            rank: Some(2),
            balance: 140,
            adopted: vec![AdoptedEntry {
                intel_id: IntelId(12),
                title: "专线扩容需求".into(),
                client: "芜湖长江实业".into(),
                author: "吴婷".into(),
            }],
            adopted_total: 3,
        };
        let mail = render(BASE, "张伟", "本周", &Content::Weekly(&digest));
        assert!(mail
            .text
            .contains("上周（2026-11-16 至 2026-11-22）你获得 26 积分，排名第 2；当前积分余额 140。"));
        assert!(mail.text.contains(&format!("· 芜湖长江实业：专线扩容需求（吴婷）\n  {BASE}/intel/12")));
        assert!(mail.text.contains("等，共 3 条"));
        let quiet = WeeklyDigest { rank: None, adopted: vec![], adopted_total: 0, ..digest };
        let mail = render(BASE, "张伟", "本周", &Content::Weekly(&quiet));
        assert!(mail.text.contains("暂无排名") && !mail.text.contains("新采纳"));
    }
}
