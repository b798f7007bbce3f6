//! The C ABI's modules import downward only: no module reaches a sibling that reaches it back,
//! directly or through others (docs/architecture.md, "Layers").

use std::collections::BTreeMap;
use std::path::Path;

/// `module -> siblings it names as super::sibling`.
fn imports() -> BTreeMap<String, Vec<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/c_api");
    let mut graph = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let module = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut uses: Vec<String> = text
            .split("super::")
            .skip(1)
            .map(|rest| rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect())
            .collect();
        uses.sort();
        uses.dedup();
        graph.insert(module, uses);
    }
    graph
}

#[test]
fn c_api_modules_form_no_import_cycle() {
    let graph = imports();
    assert!(graph.len() >= 10, "found only {graph:?}");
    // Depth-first search with a path stack: a sibling already on the path is a cycle.
    fn visit(m: &str, graph: &BTreeMap<String, Vec<String>>, path: &mut Vec<String>, done: &mut Vec<String>) {
        if done.iter().any(|d| d == m) {
            return;
        }
        assert!(!path.iter().any(|p| p == m), "import cycle: {} -> {m}", path.join(" -> "));
        path.push(m.to_owned());
        for next in graph.get(m).into_iter().flatten() {
            if graph.contains_key(next) {
                visit(next, graph, path, done);
            }
        }
        path.pop();
        done.push(m.to_owned());
    }
    let mut done = Vec::new();
    for m in graph.keys() {
        visit(m, &graph, &mut Vec::new(), &mut done);
    }
}

#[test]
fn the_lowest_layers_import_nothing_above_them() {
    let graph = imports();
    assert_eq!(graph["result"], Vec::<String>::new());
    assert_eq!(graph["last_error"], vec!["result"]);
    assert_eq!(graph["boundary"], vec!["last_error", "result"]);
    assert_eq!(graph["args"], vec!["last_error"]);
}
