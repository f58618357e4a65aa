//! The module graph has no cycle: the layers listed in ARCHITECTURE.md are read from it, and
//! every `crate::…` path in `src/` (`souk::…` in the binary) must lead to a lower layer.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers of ARCHITECTURE.md's "Layers" block, top first: one line a layer, modules
/// separated by spaces.
fn layers() -> Vec<Vec<String>> {
    let architecture =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md"))
            .unwrap();
    let section = architecture
        .split("\n## Layers\n")
        .nth(1)
        .expect("ARCHITECTURE.md has a `## Layers` section");
    let block = section
        .split("```text\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the Layers section has a ```text block");
    block
        .lines()
        .map(|line| {
            line.split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|layer| !layer.is_empty())
        .collect()
}

/// The top-level module a file of `src/` belongs to: `seo` for `src/seo/jsonld.rs`.
fn module_of(relative: &Path) -> String {
    let first = relative.components().next().unwrap();
    let name = first.as_os_str().to_string_lossy();
    name.trim_end_matches(".rs").to_owned()
}

/// The modules a source file names through `prefix` (`crate::` or `souk::`), comments left out:
/// `crate::model::Site`, `crate::{model, seo::head}`.
fn references(source: &str, prefix: &str) -> BTreeSet<String> {
    let code: String = source
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut found = BTreeSet::new();
    for (at, _) in code.match_indices(prefix) {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[at + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => item_start = true,
                    c if c.is_whitespace() => {}
                    _ if item_start && depth == 1 => {
                        found.insert(ident(&group[i..]));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            found.insert(ident(rest));
        }
    }
    found.retain(|m| !m.is_empty());
    found
}

#[test]
fn no_module_imports_one_above_it() {
    let layers = layers();
    let mut level: BTreeMap<String, usize> = BTreeMap::new();
    for (depth, layer) in layers.iter().enumerate() {
        for module in layer {
            // Top first: a higher number is a lower layer.
            assert!(
                level.insert(module.clone(), depth).is_none(),
                "`{module}` is listed twice in ARCHITECTURE.md's layers"
            );
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules = BTreeSet::new();
    let mut wrong = Vec::new();
    for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let relative = path.strip_prefix(&src).unwrap();
        let module = module_of(relative);
        if module == "lib" {
            continue;
        }
        modules.insert(module.clone());
        let Some(&own) = level.get(&module) else {
            continue;
        };
        let source = std::fs::read_to_string(path).unwrap();
        let prefix = if module == "main" {
            "souk::"
        } else {
            "crate::"
        };
        for used in references(&source, prefix) {
            if used == module {
                continue;
            }
            match level.get(&used) {
                Some(&theirs) if theirs > own => {}
                Some(_) => wrong.push(format!(
                    "{}: `{module}` uses `{used}`, which is not in a layer below it",
                    relative.display()
                )),
                None => wrong.push(format!(
                    "{}: `{used}` is in no layer of ARCHITECTURE.md",
                    relative.display()
                )),
            }
        }
    }
    let listed: BTreeSet<String> = level.keys().cloned().collect();
    assert_eq!(
        listed, modules,
        "ARCHITECTURE.md's layers must list exactly the modules of src/"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn references_are_read_from_code_not_comments() {
    let source = "use crate::{config::SiteConfig, model};\n/// see [`crate::render`]\nlet x = crate::seo::head(); souk::build::build();\n";
    assert_eq!(
        references(source, "crate::"),
        ["config", "model", "seo"]
            .into_iter()
            .map(str::to_owned)
            .collect()
    );
    assert_eq!(
        references(source, "souk::"),
        ["build"].into_iter().map(str::to_owned).collect()
    );
}
