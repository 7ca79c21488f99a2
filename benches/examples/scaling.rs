//! Wall time of `verify_many` over 16384 receipts, for the [perf] scaling target: run once
//! under `taskset -c 0` and once under `taskset -c 0-1` (`make bench-scaling` alternates
//! them). `RAYON_NUM_THREADS=1` is not a one-core run: the pipelined journal also feeds the
//! chain analysis on the calling thread, so only an affinity mask gives the one-core time.
//!
//! Prints the minimum and the median wall time of `RUNS` runs after one warm-up run, and the
//! process CPU time per run (user + system, from `/proc/self/stat`).
//!
//! Usage: `cargo run --release -p possig-benches --example scaling -- <keys>` (`0`: every
//! receipt by its own key).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use possig::VerifyOptions;
use possig::journal::{JournalOptions, verify_many};

/// Receipts per run: the size of the `verify_many` target.
const RECEIPTS: usize = 16384;
/// Timed runs; the machine's neighbours only ever slow a run down, so the minimum is the
/// figure to compare, the median shows the spread.
const RUNS: usize = 9;

/// CPU time of this process so far, seconds (Linux clock ticks of 1/100 s).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let ticks = |i: usize| fields[i].parse::<f64>().expect("clock ticks");
    (ticks(11) + ticks(12)) / 100.0
}

fn main() {
    let keys: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().expect("number of keys"))
        .unwrap_or(1);
    let keys = if keys == 0 { RECEIPTS } else { keys };
    let (store, records) = possig_benches::signed_by_many(RECEIPTS, keys).unwrap();
    let opts = JournalOptions::new(VerifyOptions::at(1_798_761_600));
    let run = || {
        let s = verify_many(&records, &store, &opts, |_| {});
        assert_eq!(s.records, RECEIPTS as u64);
    };
    run();
    let cpu = cpu_seconds();
    let mut walls: Vec<f64> = (0..RUNS)
        .map(|_| {
            let t = std::time::Instant::now();
            run();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    let cpu_per_run = (cpu_seconds() - cpu) * 1e3 / RUNS as f64;
    walls.sort_by(f64::total_cmp);
    println!(
        "keys={keys} cores={} min={:.1}ms median={:.1}ms cpu/run={:.1}ms",
        std::thread::available_parallelism().map_or(1, usize::from),
        walls[0],
        walls[RUNS / 2],
        cpu_per_run
    );
}
