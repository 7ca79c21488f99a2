//! The layering of the receipt library (docs/ARCHITECTURE.md): between its top-level modules
//! (`format`, `trust`, `verify`, `sign`, `printable`, `journal`, `view`, `error`, `limits`) the
//! `crate::` references of non-test code form no circle. A helper two modules need goes below
//! both.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source without comments and without its `#[cfg(test)] mod tests { … }` tail.
fn code_of(source: &str) -> String {
    let source = source
        .find("#[cfg(test)]\nmod tests")
        .map_or(source, |at| &source[..at]);
    source
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::name` (and `crate::{name, …}`) referenced in `code`.
fn referenced(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            group[..end].split(',').collect()
        } else {
            vec![rest]
        };
        for name in names {
            let name: String = name
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// The module behind each name the root re-exports (`pub use module::…::{A, B};`), so that a
/// module naming `crate::TrustStore` counts as using `trust`.
fn root_reexports(lib: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for statement in code_of(lib).split(';') {
        // Attributes before the statement (`#[cfg(feature = "std")]`) are not part of it.
        let statement = statement
            .lines()
            .filter(|l| !l.trim_start().starts_with("#["))
            .collect::<Vec<_>>()
            .join("\n");
        let Some(path) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        let module: String = path.chars().take_while(|c| *c != ':').collect();
        let names = path.rsplit("::").next().unwrap_or("");
        let names = names.trim_start_matches('{').trim_end_matches('}');
        for name in names.split(',') {
            let name = name.trim();
            if !name.is_empty() {
                out.insert(name.to_string(), module.clone());
            }
        }
    }
    out
}

#[test]
fn top_level_modules_form_no_circle() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let module_of = |path: &Path| -> String {
        let rel = path.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        first.trim_end_matches(".rs").to_string()
    };
    let modules: BTreeSet<String> = files.iter().map(|p| module_of(p)).collect();
    assert!(
        modules.contains("format") && modules.contains("verify"),
        "{modules:?}"
    );
    let reexports = root_reexports(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    assert_eq!(
        reexports.get("TrustStore").map(String::as_str),
        Some("trust")
    );
    assert_eq!(reexports.get("Error").map(String::as_str), Some("error"));
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let from = module_of(file);
        if from == "lib" {
            continue; // the root declares and re-exports every module
        }
        let code = code_of(&std::fs::read_to_string(file).unwrap());
        for name in referenced(&code) {
            let to = reexports.get(&name).cloned().unwrap_or(name);
            if to != from && modules.contains(&to) {
                graph.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    // Depth-first search for a back edge.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(at) = path.iter().position(|n| n == node) {
            panic!("import circle: {} -> {node}", path[at..].join(" -> "));
        }
        if done.contains(node) {
            return;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, path, done);
        }
        path.pop();
        done.insert(node.to_string());
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, &graph, &mut Vec::new(), &mut done);
    }
    // The layering the architecture document states.
    for low in ["error", "limits", "format", "hash", "time", "ecdsa"] {
        for high in ["trust", "verify", "sign", "journal", "view", "printable"] {
            assert!(
                !graph.get(low).is_some_and(|to| to.contains(high)),
                "{low} must not use {high}"
            );
        }
    }
}

#[test]
fn the_reference_finder_sees_grouped_and_plain_paths() {
    let found = referenced(
        "use crate::format::wire::X;\nuse crate::{trust, verify::sig};\n let a = crate::limits::MAX; crate::Warning",
    );
    let want: BTreeSet<String> = ["format", "trust", "verify", "limits", "Warning"]
        .map(String::from)
        .into();
    assert_eq!(found, want);
    assert_eq!(
        code_of("a // crate::view\n#[cfg(test)]\nmod tests { crate::x }"),
        "a "
    );
}

/// Journals hand chunks to `verify` and never meet the arithmetic: no curve or batch type in
/// `core/src/journal`.
#[test]
fn journals_never_meet_the_arithmetic() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/journal");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    assert!(!files.is_empty());
    for file in files {
        let code = code_of(&std::fs::read_to_string(&file).unwrap());
        for name in ["possig_ec", "p256", "Scalar", "Affine"] {
            assert!(!code.contains(name), "{} names {name}", file.display());
        }
    }
}
