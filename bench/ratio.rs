//! In-run baselines for the benches: time two (or more) sides interleaved, so that a machine
//! shared with other builds slows both alike, and print each result as a ratio of the baseline.
//! Included by each bench with `#[path = "../../bench/ratio.rs"] mod ratio;`.
#![allow(dead_code)]

use std::time::{Duration, Instant};

/// Rounds of the interleaved measurement (each side runs once per round); `BENCH_ROUNDS`
/// overrides, and `cargo test --benches` (divan's `--test`) runs one.
pub fn rounds(default: usize) -> usize {
    if std::env::args().any(|a| a == "--test") {
        return 1;
    }
    std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// The median of a sample (seconds).
pub fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    let n = xs.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

/// One side of a comparison.
pub struct Side<'a> {
    pub name: &'a str,
    pub run: &'a mut dyn FnMut(),
}

/// Time every side `rounds` times, interleaved, and return each side's median (seconds).
pub fn interleaved(rounds: usize, sides: &mut [Side<'_>]) -> Vec<f64> {
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); sides.len()];
    for round in 0..rounds {
        // Alternate the order, so neither side always runs on a warm (or cold) cache.
        let order: Vec<usize> = if round % 2 == 0 {
            (0..sides.len()).collect()
        } else {
            (0..sides.len()).rev().collect()
        };
        for i in order {
            let t = Instant::now();
            (sides[i].run)();
            samples[i].push(t.elapsed().as_secs_f64());
        }
    }
    samples.into_iter().map(median).collect()
}

/// `name = 12.3 ms`.
pub fn fmt_time(secs: f64) -> String {
    let d = Duration::from_secs_f64(secs.max(0.0));
    if secs >= 1.0 {
        format!("{:.2} s", d.as_secs_f64())
    } else if secs >= 1e-3 {
        format!("{:.2} ms", secs * 1e3)
    } else {
        format!("{:.1} µs", secs * 1e6)
    }
}

/// Print a summary header once.
pub fn header(title: &str) {
    println!();
    println!("== {title} (ratios against a baseline measured in this run)");
}

/// `  what: a / b = 0.45x  (a 12.3 ms, b 27.1 ms)`.
pub fn ratio_line(what: &str, a_name: &str, a: f64, b_name: &str, b: f64) {
    println!(
        "  {what}: {a_name}/{b_name} = {:.2}x  ({a_name} {}, {b_name} {})",
        a / b,
        fmt_time(a),
        fmt_time(b)
    );
}
