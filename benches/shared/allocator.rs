//! The allocator the benches run on: the system's by default; mimalloc
//! with `--cfg baton_mimalloc` (what `BATON_ALLOC=mimalloc bench/run`
//! sets), to show how much of a figure is the allocator's.

#[cfg(baton_mimalloc)]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
