//! Writes a generated pipeline file of about N lines (for benchmarks):
//! `cargo run --release --example gen_pipeline -- python 10000 > big.py`; the huge files of
//! the benchmarks: `-- after-stacks` (50,000 lines), `-- many-stages 40000`.

#[path = "support/gen.rs"]
mod gen;

fn main() {
    let mut args = std::env::args().skip(1);
    let lang = args.next().unwrap_or_else(|| "python".into());
    let n: Option<usize> = args.next().and_then(|n| n.parse().ok());
    match lang.as_str() {
        "after-stacks" => print!("{}", gen::pipeline_after_stacks()),
        "many-stages" => print!("{}", gen::many_stages(n.unwrap_or(40_000))),
        _ => print!("{}", gen::generate(&lang, n.unwrap_or(10_000))),
    }
}
