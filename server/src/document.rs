//! An open document: its text as a rope and its tree-sitter tree, re-parsed incrementally
//! after each batch of edits. All position arithmetic lives in [`position`].

pub mod position;

use ropey::Rope;
use tree_sitter::{InputEdit, Tree};

use crate::lang::Plugin;
pub use position::{Encoding, Pos};

pub struct Document {
    pub plugin: &'static Plugin,
    pub version: i32,
    rope: Rope,
    tree: Option<Tree>,
    /// Edits applied since the last parse; the next parse reuses the old tree.
    dirty: bool,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Document({}, v{}, {} bytes)",
            self.plugin.name,
            self.version,
            self.rope.len_bytes()
        )
    }
}

/// One edit, as LSP sends it: a range to replace (or the whole text) and the new text.
#[derive(Clone, Debug)]
pub struct Change<'a> {
    pub range: Option<(Pos, Pos)>,
    pub text: &'a str,
}

impl Document {
    /// A document not parsed yet: the first analysis (or [`Document::tree`]) parses it, off the
    /// task that serves the connection, so opening a huge file holds back no other request.
    pub fn new(plugin: &'static Plugin, text: &str, version: i32) -> Document {
        Document {
            plugin,
            version,
            rope: Rope::from_str(text),
            tree: None,
            dirty: true,
        }
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    /// Whether a tree is kept (see [`Document::forget_tree`]).
    pub fn has_tree(&self) -> bool {
        self.tree.is_some()
    }

    /// Drops the syntax tree to save memory (a tree takes some 40 times the text); the next
    /// parse is a full one.
    pub fn forget_tree(&mut self) -> Option<Tree> {
        self.dirty = true;
        self.tree.take()
    }

    /// The current tree (parsing first if edits are pending).
    pub fn tree(&mut self) -> Option<&Tree> {
        if self.dirty {
            self.reparse();
        }
        self.tree.as_ref()
    }

    /// Applies edits in order, then re-parses once, reusing the old tree. Positions outside
    /// the document are clamped to it (LSP: a character past the line end means the line end).
    /// Returns how many changes had to be clamped.
    pub fn apply(&mut self, changes: &[Change<'_>], enc: Encoding, version: i32) -> usize {
        let mut clamped = 0;
        for change in changes {
            let Some((start, end)) = change.range else {
                self.rope = Rope::from_str(change.text);
                self.tree = None;
                continue;
            };
            let (s, c1) = position::pos_to_char(&self.rope, start, enc);
            let (e, c2) = position::pos_to_char(&self.rope, end, enc);
            clamped += usize::from(c1 || c2);
            let (s, e) = if s <= e { (s, e) } else { (e, s) };
            let start_byte = self.rope.char_to_byte(s);
            let old_end_byte = self.rope.char_to_byte(e);
            let start_position = position::byte_to_point(&self.rope, start_byte);
            let old_end_position = position::byte_to_point(&self.rope, old_end_byte);
            self.rope.remove(s..e);
            self.rope.insert(s, change.text);
            let new_end_byte = start_byte + change.text.len();
            let new_end_position = position::byte_to_point(&self.rope, new_end_byte);
            if let Some(tree) = &mut self.tree {
                tree.edit(&InputEdit {
                    start_byte,
                    old_end_byte,
                    new_end_byte,
                    start_position,
                    old_end_position,
                    new_end_position,
                });
            }
        }
        self.version = version;
        self.dirty = true;
        clamped
    }

    /// What a background parse needs: the text and the previous tree (already edited), when
    /// edits are pending. Parsing can then happen outside any lock ([`Document::install`]).
    pub fn parse_input(&self) -> Option<(Rope, Option<Tree>)> {
        self.dirty.then(|| (self.rope.clone(), self.tree.clone()))
    }

    /// Installs a tree parsed elsewhere from [`Document::parse_input`] of this `version`; ignored
    /// when the document changed since.
    pub fn install(&mut self, version: i32, tree: Tree) {
        if self.version == version && self.dirty {
            self.tree = Some(tree);
            self.dirty = false;
        }
    }

    /// The current tree without parsing (`None` while edits are pending).
    pub fn parsed_tree(&self) -> Option<&Tree> {
        (!self.dirty).then_some(self.tree.as_ref()).flatten()
    }

    /// Parses `rope` with a fresh parser, reusing `old` (edited to match) incrementally.
    /// `cancel` is asked now and then (at most every half millisecond) while the parse runs;
    /// when it says yes the parse stops and returns `None`.
    pub fn parse_rope(
        plugin: &Plugin,
        rope: &Rope,
        old: Option<&Tree>,
        cancel: &dyn Fn() -> bool,
    ) -> Option<Tree> {
        let mut parser = plugin.parser();
        let mut read = |byte: usize, _: tree_sitter::Point| -> &[u8] {
            if byte >= rope.len_bytes() {
                return &[];
            }
            let (chunk, chunk_start, _, _) = rope.chunk_at_byte(byte);
            &chunk.as_bytes()[byte - chunk_start..]
        };
        const EVERY: std::time::Duration = std::time::Duration::from_micros(500);
        let mut last = std::time::Instant::now();
        let mut progress = |_: &tree_sitter::ParseState| {
            if last.elapsed() < EVERY {
                return false;
            }
            last = std::time::Instant::now();
            cancel()
        };
        let options = tree_sitter::ParseOptions::new().progress_callback(&mut progress);
        parser.parse_with_options(&mut read, old, Some(options))
    }

    fn reparse(&mut self) {
        // A parser per parse, not per document: a parser keeps sizeable buffers, and a server
        // with a hundred documents open should not keep a hundred of them.
        self.tree = Self::parse_rope(self.plugin, &self.rope, self.tree.as_ref(), &|| false);
        self.dirty = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::PYTHON;

    fn pos(line: u32, character: u32) -> Pos {
        Pos { line, character }
    }

    #[test]
    fn incremental_edits_match_a_fresh_parse() {
        let src = "x = 1\nstage = 'ünïcode 🎉'\ny = f(a, b)\n";
        let mut doc = Document::new(&PYTHON, src, 1);
        let edits = [
            Change {
                range: Some((pos(1, 9), pos(1, 16))),
                text: "plain",
            },
            Change {
                range: Some((pos(2, 6), pos(2, 10))),
                text: "region='eu-west-1'",
            },
            Change {
                range: Some((pos(3, 0), pos(3, 0))),
                text: "z = [1,\r\n 2]\r\n",
            },
        ];
        doc.apply(&edits, Encoding::Utf16, 2);
        let text = doc.text();
        assert_eq!(
            text,
            "x = 1\nstage = 'plain 🎉'\ny = f(region='eu-west-1')\nz = [1,\r\n 2]\r\n"
        );
        let incremental = doc.tree().unwrap().root_node().to_sexp();
        let fresh = PYTHON
            .parser()
            .parse(&text, None)
            .unwrap()
            .root_node()
            .to_sexp();
        assert_eq!(incremental, fresh);
        assert_eq!(doc.version, 2);
    }

    #[test]
    fn edits_past_the_end_are_clamped_not_panics() {
        let mut doc = Document::new(&PYTHON, "a = 1\n", 1);
        let n = doc.apply(
            &[Change {
                range: Some((pos(9, 9), pos(12, 0))),
                text: "b = 2\n",
            }],
            Encoding::Utf8,
            2,
        );
        assert_eq!(n, 1);
        assert_eq!(doc.text(), "a = 1\nb = 2\n");
        assert!(!doc.tree().unwrap().root_node().has_error());
    }

    #[test]
    fn whole_text_replacement_resets_the_tree() {
        let mut doc = Document::new(&PYTHON, "a = (", 1);
        assert!(doc.tree().unwrap().root_node().has_error());
        doc.apply(
            &[Change {
                range: None,
                text: "a = 1\n",
            }],
            Encoding::Utf16,
            2,
        );
        assert!(!doc.tree().unwrap().root_node().has_error());
    }

    #[test]
    fn a_parse_stops_when_asked_to_and_only_then() {
        let text = "x = call(1, 'two', [3])\n".repeat(20_000);
        let rope = Rope::from_str(&text);
        let asked = std::cell::Cell::new(0);
        let stop = || {
            asked.set(asked.get() + 1);
            true
        };
        assert!(Document::parse_rope(&PYTHON, &rope, None, &stop).is_none());
        assert_eq!(asked.get(), 1, "stops at the first answer");
        let tree = Document::parse_rope(&PYTHON, &rope, None, &|| false).unwrap();
        assert_eq!(tree.root_node().named_child_count(), 20_000);
    }
}
