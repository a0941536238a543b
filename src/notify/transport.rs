//! Delivery through lettre: SMTP when `ZHIKU_SMTP_URL` is set (`smtp://`
//! plain, `smtp://…?tls=required` STARTTLS, `smtps://` implicit TLS,
//! `user:pass@` for authentication), otherwise `.eml` files in
//! `<data-dir>/mail/`.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{anyhow, Context};
use lettre::message::{Mailbox, MultiPart};
use lettre::{Address, FileTransport, Message, SmtpTransport, Transport};

use crate::config::Settings;
use crate::notify::render::Rendered;

/// How long one SMTP conversation may take before it counts as a failed attempt.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

pub struct Mailer {
    transport: Kind,
    from: Mailbox,
    /// The sender's domain, for Message-IDs.
    domain: String,
}

enum Kind {
    Smtp(Box<SmtpTransport>),
    File(FileTransport, PathBuf),
}

/// Why a message was not delivered; a transient failure is tried again later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    Permanent(String),
    Transient(String),
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Mailer> {
        let from: Mailbox = settings
            .mail_from
            .parse()
            .map_err(|e| anyhow!("ZHIKU_MAIL_FROM={} is not a mail address: {e}", settings.mail_from))?;
        let domain = from.email.domain().to_owned();
        let transport = match &settings.smtp_url {
            // The URL may carry a password: it stays out of every message.
            Some(url) => Kind::Smtp(Box::new(
                SmtpTransport::from_url(url)
                    .map_err(|e| anyhow!("ZHIKU_SMTP_URL is not a usable SMTP URL: {e}"))?
                    .timeout(Some(SMTP_TIMEOUT))
                    .build(),
            )),
            None => {
                let dir = settings.data_dir.join("mail");
                std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
                Kind::File(FileTransport::new(&dir), dir)
            }
        };
        Ok(Mailer { transport, from, domain })
    }

    /// Where mail goes, for the log.
    pub fn describe(&self) -> String {
        match &self.transport {
            Kind::Smtp(_) => "SMTP".to_owned(),
            Kind::File(_, dir) => format!("files in {}", dir.display()),
        }
    }

    /// The message of outbox row `id`; its Message-ID is derived from the row,
    /// so a copy sent twice is recognisable as the same message.
    pub fn message(
        &self,
        id: i64,
        to_name: &str,
        to: &str,
        subject: &str,
        rendered: &Rendered,
    ) -> Result<Message, SendError> {
        let address: Address =
            to.parse().map_err(|e| SendError::Permanent(format!("收件地址 {to} 无效：{e}")))?;
        Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(Some(to_name.to_owned()), address))
            .subject(subject)
            .message_id(Some(format!("<zhiku.mail.{id}@{}>", self.domain)))
            .multipart(MultiPart::alternative_plain_html(rendered.text.clone(), rendered.html.clone()))
            .map_err(|e| SendError::Permanent(format!("邮件无法生成：{e}")))
    }

    pub fn send(&self, message: &Message) -> Result<(), SendError> {
        match &self.transport {
            Kind::Smtp(smtp) => smtp.send(message).map(drop).map_err(|e| {
                if e.is_permanent() {
                    SendError::Permanent(e.to_string())
                } else {
                    SendError::Transient(e.to_string())
                }
            }),
            Kind::File(file, _) => {
                file.send(message).map(drop).map_err(|e| SendError::Transient(e.to_string()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;

    fn settings(smtp_url: Option<&str>, mail_from: &str, dir: &std::path::Path) -> Settings {
        Settings::from_overrides(Overrides {
            data_dir: Some(dir.to_path_buf()),
            smtp_url: smtp_url.map(str::to_owned),
            mail_from: Some(mail_from.to_owned()),
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn smtp_urls_and_senders_are_checked_at_start() {
        let dir = tempfile::tempdir().unwrap();
        for url in ["smtp://127.0.0.1:2525", "smtps://mail.example.com", "smtp://u:p%40ss@h:587?tls=required"]
        {
            let mailer = Mailer::from_settings(&settings(Some(url), "智库 <zhiku@example.com>", dir.path()));
            assert_eq!(mailer.map(|m| m.describe()).unwrap(), "SMTP", "{url}");
        }
        for url in ["http://127.0.0.1", "smtp://h?tls=sometimes", "not a url"] {
            let error = Mailer::from_settings(&settings(Some(url), "zhiku@example.com", dir.path()))
                .err()
                .unwrap_or_else(|| panic!("{url} accepted"));
            assert!(error.to_string().starts_with("ZHIKU_SMTP_URL"), "{error}");
        }
        assert!(Mailer::from_settings(&settings(None, "no address", dir.path())).is_err());
    }

    #[test]
    fn without_smtp_mail_lands_in_the_data_directory() {
        let dir = tempfile::tempdir().unwrap();
        let mailer =
            Mailer::from_settings(&settings(None, "智库 Zhiku <zhiku@example.com>", dir.path())).unwrap();
        let rendered = Rendered { text: "正文".into(), html: "<p>正文</p>".into() };
        let message = mailer
            .message(42, "张伟", "zhangwei@example.com", "【智库】你的情报已被采纳", &rendered)
            .unwrap();
        mailer.send(&message).unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.path().join("mail")).unwrap().collect();
        assert_eq!(files.len(), 1);
        let eml = std::fs::read_to_string(files[0].as_ref().unwrap().path()).unwrap();
        assert!(eml.contains("Message-ID: <zhiku.mail.42@example.com>"), "{eml}");
        assert!(eml.contains("Subject: =?utf-8?"), "the subject is RFC 2047 encoded: {eml}");
        assert!(eml.contains("multipart/alternative"));
        assert!(matches!(
            mailer.message(1, "x", "not an address", "s", &rendered),
            Err(SendError::Permanent(reason)) if reason.contains("not an address")
        ));
    }
}
