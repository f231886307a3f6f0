//! The `pipelens` binary: see `pipelens --help`.

fn main() {
    std::process::exit(pipelens::cli::main());
}
