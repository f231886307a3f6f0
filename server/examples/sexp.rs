//! Prints a file's tree-sitter tree (a debugging aid for writing lowerings and queries).
fn main() {
    let path = std::env::args().nth(1).expect("usage: sexp FILE");
    let text = std::fs::read_to_string(&path).expect("readable file");
    let plugin = pipelens::lang::for_path(std::path::Path::new(&path)).expect("known language");
    let tree = plugin.parser().parse(&text, None).expect("parse");
    fn walk(n: tree_sitter::Node, depth: usize, text: &str) {
        let t = if n.child_count() == 0 {
            format!(" {:?}", &text[n.byte_range()])
        } else {
            String::new()
        };
        println!(
            "{}{} [{}..{}]{}",
            "  ".repeat(depth),
            n.kind(),
            n.start_position().row + 1,
            n.end_position().row + 1,
            t
        );
        let mut c = n.walk();
        for ch in n.named_children(&mut c) {
            walk(ch, depth + 1, text);
        }
    }
    walk(tree.root_node(), 0, &text);
}
