"""Reading Rust source without a compiler: tokens, attributes, items, and the #[pymodule]
entry points a crate exports, followed from lib.rs through `mod x;`."""
