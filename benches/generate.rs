//! Writes generated records in the `zhiku import` line format.
//!
//!     cargo bench --bench generate -- ENTRIES FILE [SEED]
//!
//! e.g. `cargo bench --bench generate -- 1000000 records-1m.jsonl`. The
//! records' authors are `E0001`…`E0120` and must exist before the import
//! (the performance benchmark creates them); import with `--reviewer R0001`.
//! Under `cargo test` it writes 1,000 records to a temporary file and checks
//! them.

mod common;

use std::io::Write;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let smoke = args.is_empty();
    let entries: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let dir = tempfile::tempdir()?;
    let path = args.get(1).map(std::path::PathBuf::from).unwrap_or_else(|| dir.path().join("records.jsonl"));
    let seed: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(2026);
    let mut generator = common::Generator::new(seed, entries);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
    let mut chars = 0usize;
    let mut categories = std::collections::BTreeMap::new();
    for _ in 0..entries {
        let record = generator.next_record();
        writeln!(out, "{}", record.line)?;
        let value: serde_json::Value = serde_json::from_str(&record.line)?;
        let body = value["body"].as_str().unwrap_or_default().chars().count();
        anyhow::ensure!((80..=300).contains(&body), "body of {body} characters: {}", record.line);
        chars += body;
        *categories.entry(record.category).or_insert(0usize) += 1;
    }
    out.flush()?;
    println!(
        "{entries} records ({} clients) written to {}; mean body {} characters; categories {categories:?}",
        generator.clients().len(),
        path.display(),
        chars / entries.max(1)
    );
    if smoke {
        anyhow::ensure!(categories.len() == 7, "every category is generated");
    }
    Ok(())
}
