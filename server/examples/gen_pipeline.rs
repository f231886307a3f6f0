//! Writes a generated pipeline file of about N lines (for benchmarks):
//! `cargo run --release --example gen_pipeline -- python 10000 > big.py`

#[path = "support/gen.rs"]
mod gen;

fn main() {
    let mut args = std::env::args().skip(1);
    let lang = args.next().unwrap_or_else(|| "python".into());
    let lines: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    print!("{}", gen::generate(&lang, lines));
}
