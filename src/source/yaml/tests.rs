//! The span index the builder records, on a small document.

use super::*;

#[test]
fn pointers_index_every_node() {
    let text = "a:\n  b: [1, two]\n  c: {d~/e: x}\nl: &l [p, q]\nm: *l\n";
    let doc = parse(text).expect("valid");
    let at = |pointer: &str| {
        let node = doc.node_span(pointer).expect("indexed");
        &text[node.value.start as usize..node.value.end as usize]
    };
    assert_eq!(at("/a/b/1"), "two");
    assert_eq!(at("/a/c/d~0~1e"), "x");
    assert_eq!(at("/l/1"), "q");
    assert_eq!(at("/m"), "*l");
    let key = doc
        .node_span("/a/b")
        .and_then(|n| n.key.clone())
        .expect("member");
    assert_eq!(&text[key.start as usize..key.end as usize], "b");
    // Inside an alias, and below a missing member, the nearest written node is drawn.
    assert!(doc.node_span("/m/0").is_none());
    let source = crate::source::SourceFile::from_text("t", text);
    let label = doc.label_span(&source, "/m/0").expect("falls back");
    assert_eq!(&text[label], "*l");
    let label = doc.label_span(&source, "/a/missing").expect("falls back");
    assert_eq!(&text[label], "a");
}
