//! The window sweep of batch verification's multi-scalar multiplication (group `msm_window`):
//! batch-shaped inputs (n `R` terms with 128-bit weights, 1 or 100 keys and `G` with full
//! scalars) at the sizes a batch has per core, for window widths around the one in use. The
//! window table in `core/src/msm.rs` follows these measurements (docs/BENCHMARKS.md).
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use possig::bench_internals::{MsmInput, default_window, msm};

fn sweep(c: &mut Criterion) {
    let mut g = c.benchmark_group("msm_window");
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(2));
    for (n, keys) in [
        (64usize, 1usize),
        (256, 1),
        (1024, 1),
        (2048, 1),
        (2048, 100),
        (4096, 1),
    ] {
        let input = MsmInput::batch_shaped(n, keys, 7);
        let ours = default_window(input.len());
        g.throughput(Throughput::Elements(n as u64));
        for w in ours.saturating_sub(3).max(2)..=ours + 3 {
            let id = BenchmarkId::new(format!("{n} R, {keys} keys"), format!("c={w}"));
            g.bench_with_input(id, &input, |b, input| b.iter(|| msm(black_box(input), w)));
        }
    }
    g.finish();
}

criterion_group!(benches, sweep);
criterion_main!(benches);
