//! Keeps the layers of docs/ARCHITECTURE.md true: every top-level module of
//! `src` sits in exactly one layer and may use only modules of lower layers.
//! Every `crate::…` path is read — `use` lines, grouped `use crate::{…}` and
//! paths written inline — so no import slips past. There is no exceptions list.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Bottom to top. A module may use modules of lower layers only.
const LAYERS: &[&[&str]] = &[
    &["ids", "text", "time", "enums"],
    &["db"],
    &["config", "error", "telemetry"],
    &["state"],
    &["api", "idempotency"],
    &["web", "docs", "auth"],
    &["audit", "traffic"],
    &["points"],
    &["users"],
    &["sessions", "notify"],
    &["categories"],
    &["clients"],
    &["intel"],
    &["follows"],
    &["review", "usage", "agenda"],
    &["ratings", "search", "dossier", "handover"],
    &["stats"],
    &["appraisal"],
    &["jobs", "demo", "import", "backup"],
    &["health"],
    &["app"],
    &["cli"],
];

/// Macros exported at the crate root, and the module that defines them.
const ROOT_MACROS: &[(&str, &str)] = &[("with_conn", "db"), ("service_error", "error")];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The top-level modules: every `src/x.rs` and `src/x/` but the crate roots.
fn modules() -> BTreeSet<String> {
    fs::read_dir(src())
        .expect("src is readable")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let name = path.file_stem()?.to_str()?.to_owned();
            let is_module = path.is_dir() || path.extension().is_some_and(|e| e == "rs");
            (is_module && name != "lib" && name != "main").then_some(name)
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("directory is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Drops `//` comments so that prose mentioning a path is not an import.
fn code_of(text: &str) -> String {
    text.lines().map(|line| line.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

/// The top-level modules a source text refers to: `crate::x`, `crate::{x, y::…}`, `$crate::x`.
fn referenced(code: &str) -> BTreeSet<String> {
    let mut found: BTreeSet<String> = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            let end = matching_brace(group);
            for item in split_top_level(&group[..end]) {
                if let Some(first) = first_ident(item) {
                    found.insert(first);
                }
            }
        } else if let Some(first) = first_ident(after) {
            found.insert(first);
        }
        rest = after;
    }
    for (name, module) in ROOT_MACROS {
        if code.contains(&format!("{name}!")) {
            found.insert((*module).to_owned());
        }
    }
    found.into_iter().map(|name| root_macro_module(&name).unwrap_or(name)).collect()
}

/// `crate::with_conn` is the db module's macro, exported at the crate root.
fn root_macro_module(name: &str) -> Option<String> {
    ROOT_MACROS.iter().find(|(m, _)| *m == name).map(|(_, module)| (*module).to_owned())
}

fn matching_brace(text: &str) -> usize {
    let mut depth = 0;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return i,
            '}' => depth -= 1,
            _ => {}
        }
    }
    text.len()
}

fn split_top_level(text: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

fn first_ident(text: &str) -> Option<String> {
    let ident: String = text.trim_start().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    (!ident.is_empty() && ident != "self").then_some(ident)
}

#[test]
fn every_module_has_a_layer_and_every_layer_exists() {
    let modules = modules();
    let unplaced: Vec<&String> = modules.iter().filter(|m| layer_of(m).is_none()).collect();
    assert!(unplaced.is_empty(), "modules without a layer in tests/architecture.rs: {unplaced:?}");
    let listed: Vec<&str> = LAYERS.iter().flat_map(|l| l.iter().copied()).collect();
    let missing: Vec<&&str> = listed.iter().filter(|m| !modules.contains(**m)).collect();
    assert!(missing.is_empty(), "layers name modules that do not exist: {missing:?}");
    let unique: BTreeSet<&&str> = listed.iter().collect();
    assert_eq!(unique.len(), listed.len(), "a module is listed twice");
}

#[test]
fn dependencies_point_down_only() {
    let modules = modules();
    let mut wrong: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for module in &modules {
        let Some(own) = layer_of(module) else { continue };
        let mut files = Vec::new();
        let dir = src().join(module);
        if dir.is_dir() {
            rust_files(&dir, &mut files);
        } else {
            files.push(src().join(format!("{module}.rs")));
        }
        for file in files {
            let code = code_of(&fs::read_to_string(&file).expect("source is readable"));
            for target in referenced(&code) {
                if &target == module {
                    continue;
                }
                let allowed = layer_of(&target).is_some_and(|layer| layer < own);
                if !allowed {
                    let from = file.strip_prefix(src()).unwrap_or(&file).display().to_string();
                    wrong.entry(from).or_default().insert(target);
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers of docs/ARCHITECTURE.md (file → modules it may not use):\n{}",
        wrong.iter().map(|(file, targets)| format!("  {file} → {targets:?}")).collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_reader_of_paths_sees_groups_inline_paths_and_macros() {
    let code = "use crate::{db::DbConn, ids::{UserId, IntelId}};\nfn f() { crate::intel::store::find(); with_conn!(c, |x| x) }\n// crate::stats is prose\n";
    let found = referenced(&code_of(code));
    let expected: BTreeSet<String> = ["db", "ids", "intel"].iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(found, expected);
}
