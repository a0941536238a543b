//! The PostgreSQL half: `pg_dump -Fc` of the schema the server uses, and
//! `pg_restore` into an empty schema of another (or the same) database.
//!
//! pg_dump names every object with its schema, and pg_restore cannot rename
//! one, so a backup of schema `a` restored where the server will look in `b`
//! is restored as `a` and then renamed to `b` (only when the target database
//! has nothing in `a`).

use std::path::Path;
use std::process::{Command, Output};

use anyhow::{bail, Context};
use diesel::sql_types::{BigInt, Integer, Nullable, Text};
use diesel::{sql_query, Connection, PgConnection, QueryableByName, RunQueryDsl};

/// The server a URL points at, and where the server's tables are looked for.
#[derive(Debug, Clone)]
pub struct Server {
    pub major: u32,
    pub version: String,
    /// The first schema of the connection's search path.
    pub schema: String,
    /// Tables, indexes and sequences in that schema.
    pub relations: i64,
}

#[derive(QueryableByName)]
struct ServerRow {
    #[diesel(sql_type = Integer)]
    version_num: i32,
    #[diesel(sql_type = Text)]
    version: String,
    #[diesel(sql_type = Nullable<Text>)]
    schema: Option<String>,
    #[diesel(sql_type = Text)]
    search_path: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn connect(url: &str) -> anyhow::Result<PgConnection> {
    PgConnection::establish(url).with_context(|| format!("connecting to {}", redacted(url)))
}

fn redacted(url: &str) -> String {
    crate::db::DatabaseUrl::Postgres(url.to_owned()).redacted()
}

/// What the server at `url` runs and what its schema holds.
pub fn inspect(url: &str) -> anyhow::Result<Server> {
    let mut conn = connect(url)?;
    let row: ServerRow = sql_query(
        "SELECT current_setting('server_version_num')::int AS version_num, \
                current_setting('server_version') AS version, \
                current_schema() AS schema, current_setting('search_path') AS search_path",
    )
    .get_result(&mut conn)?;
    // current_schema() is NULL while the first schema of the path does not exist yet.
    let schema = match row.schema {
        Some(schema) => schema,
        None => first_schema(&row.search_path)
            .with_context(|| format!("the search path {:?} names no schema", row.search_path))?,
    };
    let relations = relations(&mut conn, &schema)?;
    let version = row.version.split_whitespace().next().unwrap_or_default().to_owned();
    Ok(Server { major: (row.version_num / 10_000) as u32, version, schema, relations })
}

fn relations(conn: &mut PgConnection, schema: &str) -> anyhow::Result<i64> {
    let count: Count = sql_query(
        "SELECT COUNT(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = $1",
    )
    .bind::<Text, _>(schema)
    .get_result(conn)?;
    Ok(count.n)
}

/// The first real schema of a `search_path` setting (`"$user"` skipped, quotes removed).
fn first_schema(search_path: &str) -> Option<String> {
    search_path
        .split(',')
        .map(|s| s.trim())
        .filter(|s| !s.is_empty() && *s != "\"$user\"" && *s != "$user")
        .map(|s| {
            s.strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .map_or(s.to_owned(), |s| s.replace("\"\"", "\""))
        })
        .next()
}

/// A SQL identifier, quoted.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The major version of a PostgreSQL client program; a clear error when it is missing.
pub fn tool_major(tool: &str) -> anyhow::Result<(u32, String)> {
    let output = match Command::new(tool).arg("--version").output() {
        Ok(output) => output,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => bail!(
            "找不到 {tool}：请安装 PostgreSQL 客户端（Debian/Ubuntu：apt-get install postgresql-client）\
             ({tool} not found on PATH)"
        ),
        Err(error) => return Err(error).with_context(|| format!("running {tool} --version")),
    };
    let text = String::from_utf8_lossy(&output.stdout);
    let version = text
        .split_once(')')
        .map_or(text.as_ref(), |(_, rest)| rest)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    let major = version
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .with_context(|| format!("cannot read the version of {tool} from {text:?}"))?;
    Ok((major, version))
}

/// `url` without its password, and the password (percent-decoded) to hand
/// over in `PGPASSWORD`, so it never shows in the process list.
fn split_password(url: &str) -> (String, Option<String>) {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else { return (url.to_owned(), None) };
    let authority_end = url[scheme_end..].find(['/', '?']).map_or(url.len(), |i| scheme_end + i);
    let authority = &url[scheme_end..authority_end];
    let Some(at) = authority.rfind('@') else { return (url.to_owned(), None) };
    let Some((user, password)) = authority[..at].split_once(':') else { return (url.to_owned(), None) };
    let stripped = format!("{}{user}{}{}", &url[..scheme_end], &authority[at..], &url[authority_end..]);
    (stripped, Some(percent_decode(password)))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Runs a client program against `url`, the password in its environment.
fn run(tool: &str, url: &str, args: &[&str]) -> anyhow::Result<Output> {
    let (url, password) = split_password(url);
    let mut command = Command::new(tool);
    command.args(args).arg(format!("--dbname={url}"));
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let output = command.output().with_context(|| format!("running {tool}"))?;
    if !output.status.success() {
        bail!("{tool} 失败 ({tool} failed): {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(output)
}

/// The server at `url` and the version of a pg_dump able to dump it; a
/// clear refusal when pg_dump is missing or older than the server.
pub fn check_dump(url: &str) -> anyhow::Result<(Server, String)> {
    let server = inspect(url)?;
    let (major, version) = tool_major("pg_dump")?;
    if major < server.major {
        bail!(
            "pg_dump {version} 比数据库服务器 {} 旧，无法备份：请安装 PostgreSQL {} 或更新版本的客户端 \
             (pg_dump {major} is older than the server, {})",
            server.version,
            server.major,
            server.major
        );
    }
    Ok((server, version))
}

/// `pg_dump -Fc` of the server's schema into `file`.
pub fn dump(url: &str, server: &Server, file: &Path) -> anyhow::Result<()> {
    let file = file.to_str().context("the backup path is not UTF-8")?;
    let schema = format!("--schema={}", ident(&server.schema));
    run("pg_dump", url, &["--format=custom", "--no-password", &schema, &format!("--file={file}")])?;
    Ok(())
}

/// The target's schema, refused when it holds tables and `replace` was not
/// asked for, or when the backup's own schema `source` is another, non-empty
/// schema of the target database (never dropped: it may be the original).
pub fn check_target(url: &str, source: &str, replace: bool) -> anyhow::Result<Server> {
    let target = inspect(url)?;
    if target.relations > 0 && !replace {
        bail!(
            "目标数据库的模式 {} 不为空：确认要覆盖请加 --force (the target schema is not empty; use --force to replace it)",
            target.schema
        );
    }
    if source != target.schema && relations(&mut connect(url)?, source)? > 0 {
        bail!(
            "目标数据库中已有不为空的模式 {source}（备份来自该模式）：请恢复到另一个数据库 \
             (the target database already holds a non-empty schema {source})"
        );
    }
    Ok(target)
}

/// Restores `archive` (a dump of schema `source`) so that the server at
/// `url` finds it in its own schema. The caller has checked the target is
/// empty or was told to replace it (`replace`).
pub fn restore(
    url: &str,
    archive: &Path,
    source: &str,
    dump_version: &str,
    scratch: &Path,
    replace: bool,
) -> anyhow::Result<()> {
    let (major, version) = tool_major("pg_restore")?;
    let dump_major: u32 = dump_version.split('.').next().and_then(|m| m.parse().ok()).unwrap_or(0);
    if major < dump_major {
        bail!(
            "pg_restore {version} 比制作备份的 pg_dump {dump_version} 旧：请安装 PostgreSQL {dump_major} \
             或更新版本的客户端 (pg_restore is older than the pg_dump that made the backup)"
        );
    }
    let target = check_target(url, source, replace)?;
    let mut conn = connect(url)?;
    if target.relations > 0 {
        sql_query(format!("DROP SCHEMA IF EXISTS {} CASCADE", ident(&target.schema))).execute(&mut conn)?;
    }
    let renamed = source != target.schema;
    let existed: Count = sql_query("SELECT COUNT(*) AS n FROM pg_namespace WHERE nspname = $1")
        .bind::<Text, _>(source)
        .get_result(&mut conn)?;
    sql_query(format!("CREATE SCHEMA IF NOT EXISTS {}", ident(source))).execute(&mut conn)?;

    // Everything but the schema itself, which exists now (pg_restore would fail creating it).
    let archive = archive.to_str().context("the backup path is not UTF-8")?;
    let listing =
        Command::new("pg_restore").args(["--list", archive]).output().context("running pg_restore --list")?;
    if !listing.status.success() {
        bail!("pg_restore --list 失败: {}", String::from_utf8_lossy(&listing.stderr).trim());
    }
    let list: String = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .filter(|line| !is_schema_entry(line))
        .map(|line| format!("{line}\n"))
        .collect();
    let list_file = scratch.join(".restore-toc.list");
    std::fs::write(&list_file, list).context("writing the restore list")?;
    let restored = run(
        "pg_restore",
        url,
        &[
            "--no-owner",
            "--no-privileges",
            "--no-password",
            "--exit-on-error",
            "--single-transaction",
            &format!("--use-list={}", list_file.to_string_lossy()),
            archive,
        ],
    );
    std::fs::remove_file(&list_file).ok();
    restored?;

    if renamed {
        conn.transaction(|conn| -> anyhow::Result<()> {
            sql_query(format!("DROP SCHEMA IF EXISTS {}", ident(&target.schema))).execute(conn)?;
            sql_query(format!("ALTER SCHEMA {} RENAME TO {}", ident(source), ident(&target.schema)))
                .execute(conn)?;
            if existed.n > 0 {
                sql_query(format!("CREATE SCHEMA {}", ident(source))).execute(conn)?;
            }
            Ok(())
        })
        .with_context(|| format!("renaming schema {source} to {}", target.schema))?;
    }
    Ok(())
}

/// A table-of-contents line that creates or comments a schema:
/// `6; 2615 94553 SCHEMA - s1 postgres`, `3355; 0 0 COMMENT - SCHEMA public owner`.
fn is_schema_entry(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    matches!(words.as_slice(), [_, _, _, "SCHEMA", "-", ..] | [_, _, _, "COMMENT", "-", "SCHEMA", ..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_for_the_environment() {
        assert_eq!(
            split_password("postgres://zhiku:p%40ss%3Aw@db.local:5432/zhiku?sslmode=require"),
            ("postgres://zhiku@db.local:5432/zhiku?sslmode=require".to_owned(), Some("p@ss:w".to_owned()))
        );
        assert_eq!(
            split_password("postgres://postgres@127.0.0.1/test?options=-c%20search_path%3Dx"),
            ("postgres://postgres@127.0.0.1/test?options=-c%20search_path%3Dx".to_owned(), None)
        );
        assert_eq!(split_password("postgresql://h/db"), ("postgresql://h/db".to_owned(), None));
    }

    #[test]
    fn search_paths_and_schema_entries_are_read() {
        assert_eq!(first_schema("\"$user\", public"), Some("public".to_owned()));
        assert_eq!(first_schema("zhiku_test_1"), Some("zhiku_test_1".to_owned()));
        assert_eq!(first_schema("\"Odd\"\"Name\", public"), Some("Odd\"Name".to_owned()));
        assert_eq!(first_schema("\"$user\""), None);
        assert!(is_schema_entry("6; 2615 94553 SCHEMA - s1 postgres"));
        assert!(is_schema_entry("3355; 0 0 COMMENT - SCHEMA public pg_database_owner"));
        assert!(!is_schema_entry("216; 1259 94555 TABLE s1 t postgres"));
        assert!(!is_schema_entry(";    Dumped from database version: 15.20"));
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
    }
}
