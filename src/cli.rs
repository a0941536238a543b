//! The command line: `serve`, `migrate`, `create-admin`, `seed-demo`,
//! `reindex`, `import`, `backup`, `restore`.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::app::Application;
use crate::auth::password::Passwords;
use crate::config::{Overrides, Settings};
use crate::db;
use crate::demo::{self, DemoSummary};
use crate::enums::Role;
use crate::users::service::{self as users, NewUserInput, RawUser, UserError};

#[derive(Debug, Parser)]
#[command(name = "zhiku", version, about = "智库 Zhiku — client-intelligence sharing platform")]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command accepts; each also comes from `ZHIKU_*` or `zhiku.toml`.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Data directory (SQLite database, JWT secret, search index, mail).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// A SQLite path or sqlite://…, or postgres://…
    #[arg(long, global = true)]
    pub database_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run pending migrations, then serve HTTP.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long)]
        bind: Option<String>,
        /// Seed the demo world into an empty database and print its logins.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create an administrator account (works on a fresh data directory).
    CreateAdmin {
        #[arg(long)]
        employee_no: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
    },
    /// Seed the demo world (芜湖分公司) into an empty database and print its logins.
    SeedDemo,
    /// Rebuild the search index beside the live one and swap it in.
    Reindex,
    /// Load legacy records (JSON lines) as adopted entries.
    Import {
        /// One JSON object per line.
        #[arg(long)]
        file: PathBuf,
        /// Employee number of the reviewer recorded as adopting them.
        #[arg(long)]
        reviewer: String,
    },
    /// Back up the database, search index and secrets into DIR (servers may keep running).
    Backup {
        /// A new or empty directory.
        dir: PathBuf,
    },
    /// Restore a backup from DIR into an empty data directory and database.
    Restore {
        /// A directory written by `zhiku backup`.
        dir: PathBuf,
        /// Replace a data directory or database that is not empty.
        #[arg(long)]
        force: bool,
    },
}

impl Cli {
    pub fn settings(&self, env: &HashMap<String, String>) -> anyhow::Result<Settings> {
        let bind = match &self.command {
            Command::Serve { bind, .. } => bind.clone(),
            _ => None,
        };
        let flags = Overrides {
            bind,
            data_dir: self.global.data_dir.clone(),
            database_url: self.global.database_url.clone(),
            ..Overrides::default()
        };
        Settings::load(env, flags)
    }
}

pub async fn run(cli: Cli, settings: Settings) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { demo, .. } => {
            let seeded = if demo { Some(seed_demo(&settings)?) } else { None };
            let app = Application::build(settings.clone()).await?;
            let url = format!("http://{}", display_addr(&settings.bind, app.port()));
            println!("智库 Zhiku is serving at {url}  (API docs: {url}/api/docs)");
            if let Some(summary) = seeded {
                print_demo(summary.as_ref());
            }
            app.run_until_stopped().await?;
            Ok(())
        }
        Command::Migrate => {
            let applied = migrate(&settings)?;
            println!("{applied} migration(s) applied to {}", settings.database_url.redacted());
            Ok(())
        }
        Command::CreateAdmin { employee_no, name, email, password } => {
            let user = create_admin(&settings, &employee_no, &name, &email, &password)?;
            println!("administrator {} ({}) created with id {}", user.real_name, user.employee_no, user.id);
            Ok(())
        }
        Command::SeedDemo => {
            let summary = seed_demo(&settings)?;
            print_demo(summary.as_ref());
            Ok(())
        }
        Command::Reindex => {
            migrate(&settings)?;
            let pool = db::connect(&settings.database_url, db::Limits::cli(2))?;
            let rebuilt = crate::search::reindex::rebuild(&pool, &settings.data_dir, true)?;
            println!(
                "search index {} rebuilt: {} entries in {:.1} s ({:.0} entries/s); running servers switch to it",
                rebuilt.generation,
                rebuilt.entries,
                rebuilt.seconds,
                rebuilt.entries as f64 / rebuilt.seconds.max(1e-9)
            );
            Ok(())
        }
        Command::Import { file, reviewer } => {
            migrate(&settings)?;
            let pool = db::connect(&settings.database_url, db::Limits::cli(2))?;
            let text =
                std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let lines = text.lines().count() as u64;
            let summary = crate::import::import(&pool, text.as_bytes(), lines, &reviewer, true)?;
            for (line, problem) in &summary.skipped {
                eprintln!("line {line}: skipped: {problem}");
            }
            println!("imported: {}, skipped: {}", summary.imported, summary.skipped.len());
            Ok(())
        }
        Command::Backup { dir } => {
            let done = crate::backup::backup(&settings, &dir)?;
            for note in &done.notes {
                eprintln!("注意：{note}");
            }
            let m = &done.manifest;
            let index = m.search_index.as_ref().map_or("无（恢复时重建）".to_owned(), |i| {
                format!("{}（{} 条）", i.generation, i.entries)
            });
            println!(
                "已备份到 {}：{} 数据库（迁移 {}）、搜索索引 {index}、{} 个文件共 {}，用时 {:.1} 秒",
                dir.display(),
                m.backend,
                m.migration,
                m.files.len(),
                human_bytes(done.bytes),
                done.seconds
            );
            println!(
                "backup written to {} ({}, {:.1} s)",
                dir.display(),
                human_bytes(done.bytes),
                done.seconds
            );
            Ok(())
        }
        Command::Restore { dir, force } => {
            let done = crate::backup::restore(&settings, &dir, force)?;
            for note in &done.notes {
                eprintln!("注意：{note}");
            }
            let index = match done.index_rebuilt {
                Some(entries) => format!("已重建（{entries} 条）"),
                None => "取自备份".to_owned(),
            };
            println!(
                "已从 {} 恢复 {} 的备份（{}）到 {}：补做迁移 {} 个，搜索索引{index}，用时 {:.1} 秒",
                dir.display(),
                done.manifest.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
                done.manifest.backend,
                settings.database_url.redacted(),
                done.migrations_applied,
                done.seconds
            );
            println!("restored from {} in {:.1} s", dir.display(), done.seconds);
            Ok(())
        }
    }
}

fn human_bytes(bytes: u64) -> String {
    match bytes {
        0..1_048_576 => format!("{:.1} KiB", bytes as f64 / 1024.0),
        _ => format!("{:.1} MiB", bytes as f64 / 1_048_576.0),
    }
}

fn display_addr(bind: &str, port: u16) -> String {
    let host = bind.rsplit_once(':').map_or(bind, |(host, _)| host);
    let host = if host == "0.0.0.0" || host == "[::]" { "127.0.0.1" } else { host };
    format!("{host}:{port}")
}

fn migrate(settings: &Settings) -> anyhow::Result<usize> {
    let pool = db::connect(&settings.database_url, db::Limits::cli(1))?;
    let mut conn = pool.get().context("opening a database connection")?;
    db::run_migrations(&mut conn)
}

/// Migrates, then seeds the demo world unless the database already holds clients or intel.
pub fn seed_demo(settings: &Settings) -> anyhow::Result<Option<DemoSummary>> {
    migrate(settings)?;
    let pool = db::connect(&settings.database_url, db::Limits::cli(1))?;
    let mut conn = pool.get().context("opening a database connection")?;
    demo::seed(&mut conn, &Passwords::new()).context("seeding the demo world")
}

fn print_demo(summary: Option<&DemoSummary>) {
    let Some(summary) = summary else {
        println!("演示数据已存在，未做改动");
        return;
    };
    println!(
        "演示数据已生成：{} 个账号、{} 个客户、{} 条情报、{} 次使用记录",
        summary.users, summary.clients, summary.entries, summary.usages
    );
    println!("演示账号：");
    println!("  {}  {}  {}  密码", pad("工号", 8), pad("姓名", 12), pad("角色", 26));
    for (employee_no, name, roles, password) in &summary.logins {
        println!("  {}  {}  {}  {password}", pad(employee_no, 8), pad(name, 12), pad(roles, 26));
    }
}

/// Pads to `width` terminal columns, counting CJK characters as two.
fn pad(text: &str, width: usize) -> String {
    let used: usize = text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    format!("{text}{}", " ".repeat(width.saturating_sub(used)))
}

pub fn create_admin(
    settings: &Settings,
    employee_no: &str,
    name: &str,
    email: &str,
    password: &str,
) -> anyhow::Result<crate::users::model::User> {
    let raw = RawUser {
        employee_no: employee_no.to_owned(),
        real_name: name.to_owned(),
        email: email.to_owned(),
        department_id: None,
        roles: vec![Role::Admin.as_str().to_owned()],
        password: password.to_owned(),
    };
    let input = NewUserInput::parse(&raw).map_err(explain)?;
    migrate(settings)?;
    let pool = db::connect(&settings.database_url, db::Limits::cli(1))?;
    let mut conn = pool.get().context("opening a database connection")?;
    let hash = Passwords::new().hash(&input.password);
    users::insert(&mut conn, &input, hash).map_err(explain)
}

/// A refusal as one line for the terminal.
fn explain(error: UserError) -> anyhow::Error {
    match error {
        UserError::Invalid(fields) => {
            anyhow::anyhow!(fields.into_values().collect::<Vec<_>>().join("; "))
        }
        UserError::Db(cause) => cause.into(),
        other => anyhow::anyhow!("{other}"),
    }
}
