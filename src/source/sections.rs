//! Reading a large document's value on several cores: a block mapping at the
//! root is cut before top-level keys into sections of similar size, each
//! section is parsed on its own thread without a span index, and the
//! mappings are joined in order.
//!
//! A cut is only made where the whole-file parse must also end every open
//! node: a plain key at column 0. A section that does not stand alone (it
//! ends inside a quoted scalar or a flow collection, or uses an anchor
//! another section defines) fails to parse, and so do duplicate keys across
//! sections or budgets exceeded together: then the answer is `None`, and
//! the caller parses the whole file again, with spans, for its diagnostics.

use super::yaml::{MAX_ALIAS_NODES, MAX_NODES, Parsed, parse_with};
use serde_json::{Map, Value};

/// Below this size a file is read in one piece: threads cost more than they save.
const MIN_SPLIT_BYTES: usize = 256 * 1024;
/// The most sections worth reading at once.
const MAX_SECTIONS: usize = 4;

/// The value of a YAML document, when it has no problem at all; `None` when
/// it has one (parse it with [`super::parse`] to learn which).
pub fn parse_value(text: &str) -> Option<Value> {
    let sections = if text.len() < MIN_SPLIT_BYTES {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(1, std::num::NonZero::get)
            .min(MAX_SECTIONS)
    };
    parse_in_sections(text, sections)
}

/// [`parse_value`] with at most `sections` sections.
pub(super) fn parse_in_sections(text: &str, sections: usize) -> Option<Value> {
    let cuts = cut_points(text, sections);
    if cuts.is_empty() {
        return parse_with(text, false).ok().map(|parsed| parsed.value);
    }
    let bounds: Vec<(usize, usize)> = std::iter::once(0)
        .chain(cuts.iter().copied())
        .zip(cuts.iter().copied().chain(std::iter::once(text.len())))
        .collect();
    let parsed: Vec<Option<Parsed>> = std::thread::scope(|scope| {
        let others: Vec<_> = bounds[1..]
            .iter()
            .map(|&(start, end)| scope.spawn(move || parse_with(&text[start..end], false).ok()))
            .collect();
        let (start, end) = bounds[0];
        let first = parse_with(&text[start..end], false).ok();
        std::iter::once(first)
            .chain(others.into_iter().map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            }))
            .collect()
    });
    join(parsed)
}

/// Joins the sections' mappings into the document's, within the budgets the
/// whole-file parse enforces (its root mapping counted once).
fn join(parsed: Vec<Option<Parsed>>) -> Option<Value> {
    let sections = parsed.len();
    let mut members = Map::new();
    let (mut nodes, mut alias_nodes) = (0, 0);
    for section in parsed {
        let section = section?;
        nodes += section.nodes;
        alias_nodes += section.alias_nodes;
        let Value::Object(section_members) = section.value else {
            return None;
        };
        for (key, value) in section_members {
            if members.insert(key, value).is_some() {
                return None;
            }
        }
    }
    let nodes = nodes - (sections - 1);
    (nodes <= MAX_NODES && alias_nodes <= MAX_ALIAS_NODES).then_some(Value::Object(members))
}

/// Where to cut `text` into at most `sections` sections of similar size:
/// the starts of top-level keys, never the first. None when the file has
/// a marker that could make sections read differently from the whole: a
/// document end, a directive, or a document start after the first key.
fn cut_points(text: &str, sections: usize) -> Vec<usize> {
    if sections < 2 {
        return Vec::new();
    }
    let mut candidates = Vec::new();
    let mut seen_key = false;
    let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(at, _)| at + 1));
    for start in line_starts {
        let line = &text[start..];
        let marker = line.starts_with("...")
            || line.starts_with('%')
            || (seen_key && line.starts_with("---"));
        if marker {
            return Vec::new();
        }
        if is_plain_key_line(line) {
            if seen_key {
                candidates.push(start);
            }
            seen_key = true;
        }
    }
    let mut cuts: Vec<usize> = Vec::new();
    for part in 1..sections {
        let target = text.len() * part / sections;
        let after_previous =
            candidates.partition_point(|&at| cuts.last().is_some_and(|&c| at <= c));
        let nearest = candidates[after_previous..]
            .iter()
            .copied()
            .min_by_key(|&at| at.abs_diff(target));
        if let Some(at) = nearest {
            cuts.push(at);
        }
    }
    cuts
}

/// Whether a line starts with a plain key at column 0 (`name:` followed by
/// a space or the end of the line).
fn is_plain_key_line(line: &str) -> bool {
    let bytes = line.as_bytes();
    if !bytes
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
    {
        return false;
    }
    let name_len = bytes
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        .unwrap_or(bytes.len());
    bytes.get(name_len) == Some(&b':')
        && matches!(bytes.get(name_len + 1), None | Some(b' ' | b'\n' | b'\r'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole-file parse's value, or `None` when it reports a problem.
    fn whole(text: &str) -> Option<Value> {
        super::super::yaml::parse(text)
            .ok()
            .map(|document| document.value)
    }

    /// Read in sections, a document never gets a value the whole-file parse
    /// would not give it; `None` (read it whole) is always allowed.
    fn agrees(text: &str) {
        for sections in 1..=4 {
            if let Some(value) = parse_in_sections(text, sections) {
                assert_eq!(Some(value), whole(text), "{sections} sections of {text:?}");
            }
        }
    }

    const TRICKY: &str = "\
# a comment before the first key
apiVersion: restoreplan/v1
notes: |+
  kept

# a comment at column 0 inside the block scalar's trailing lines
flow: {a: [1, 2], 'b': \"c\"}
folded: >-
  one
  two
list:
- name: x
  tags: [a, b]
- name: y
quoted: \"multi
  line\"
empty:
anchored: &point {id: 1}
again: *point
last: end
";

    #[test]
    fn sections_read_as_the_whole_file() {
        assert!(cut_points(TRICKY, 4).len() == 3);
        for sections in 1..=4 {
            assert_eq!(
                parse_in_sections(TRICKY, sections),
                whole(TRICKY),
                "{sections} sections"
            );
        }
        let contoso = include_str!("../../plans/inventory/contoso.yaml");
        assert!(!cut_points(contoso, 2).is_empty());
        for sections in 1..=4 {
            let value = parse_in_sections(contoso, sections).expect("contoso is clean");
            assert_eq!(Some(value), whole(contoso), "{sections} sections");
        }
    }

    #[test]
    fn a_section_that_cannot_stand_alone_sends_the_file_to_the_whole_parse() {
        // An alias to an anchor of an earlier section, a cut inside a quoted
        // scalar or a flow collection: clean whole, or an error whole, but
        // never a different value.
        for text in [
            "a: &x {k: v}\nb: *x\n",
            "a: \"open\nb: 1\"\nc: 2\n",
            "a: [1,\nb: 2]\nc: 3\n",
            "a: {k: 1,\nb: 2}\nc: 3\n",
            "--- |\nfoo: bar\nbaz: 1\n",
            "- item\nb: 1\n",
        ] {
            assert_eq!(parse_in_sections(text, 2), None, "{text:?}");
            agrees(text);
        }
        assert!(whole("a: &x {k: v}\nb: *x\n").is_some());
    }

    #[test]
    fn what_the_whole_parse_refuses_is_refused_in_sections() {
        for text in [
            // The same key in two sections.
            "a: 1\nb: 2\na: 3\n",
            // A second document, implicit after a document end marker.
            "a: 1\n...\nb: 2\n",
            "a: 1\n---\nb: 2\n",
            "%YAML 1.2\n---\na: 1\nb: 2\n",
            "a: 1\nb: !custom 2\n",
            "a: 1\nb:\n  c: 1\n  c: 2\n",
        ] {
            agrees(text);
            assert_eq!(parse_in_sections(text, 2), whole(text), "{text:?}");
        }
        assert!(cut_points("a: 1\n...\nb: 2\n", 2).is_empty());
        assert!(cut_points("%YAML 1.2\n---\na: 1\nb: 2\n", 2).is_empty());
    }

    #[test]
    fn budgets_count_every_section_together() {
        let section = |nodes, alias_nodes| {
            Some(Parsed {
                value: Value::Object(Map::new()),
                spans: Default::default(),
                nodes,
                alias_nodes,
            })
        };
        // Each root mapping is one node; the whole file has one.
        let half = MAX_NODES / 2;
        assert!(join(vec![section(half + 1, 0), section(half, 0)]).is_some());
        assert!(join(vec![section(half + 1, 0), section(half + 1, 0)]).is_none());
        let half = MAX_ALIAS_NODES / 2;
        assert!(join(vec![section(1, half), section(1, half)]).is_some());
        assert!(join(vec![section(1, half + 1), section(1, half)]).is_none());
        assert!(join(vec![section(1, 0), None]).is_none());
    }

    #[test]
    fn cuts_fall_on_top_level_keys_near_equal_shares() {
        let text = "a: 1\nb:\n  c: 2\n  d: 3\ne: 4\nf: 5\n";
        assert_eq!(cut_points(text, 1), Vec::<usize>::new());
        let cuts = cut_points(text, 2);
        assert_eq!(cuts.len(), 1);
        assert!(text[cuts[0]..].starts_with("e:"));
        let cuts = cut_points(text, 8);
        assert!(cuts.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(cuts.iter().all(|&at| is_plain_key_line(&text[at..])));
        assert!(!is_plain_key_line("  indented: 1"));
        assert!(!is_plain_key_line("a:b"));
        assert!(!is_plain_key_line("\"quoted\": 1"));
        assert!(is_plain_key_line("key_1:\r\n"));
    }
}
