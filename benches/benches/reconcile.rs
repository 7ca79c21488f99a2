//! Reconciliation throughput: a simulated day (two terminals, ~1,000 receipts, every kind and
//! the injected discrepancies) verified and reconciled against its settlement file.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use possig_reconcile::reconcile;

fn bench(c: &mut Criterion) {
    let store = possig_benches::store().unwrap();
    let day = possig_benches::day(500).unwrap();
    let options = possig_benches::options();
    let mut g = c.benchmark_group("reconcile");
    g.sample_size(10);
    g.throughput(Throughput::Elements(day.receipts as u64));
    g.bench_function("day_1000_receipts", |b| {
        b.iter(|| {
            let mut n = 0u64;
            let report = reconcile(
                &day.journal[..],
                day.settlement_csv.as_bytes(),
                &store,
                &options,
                |_| n += 1,
            )
            .unwrap();
            assert!(report.is_conserved());
            n
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
