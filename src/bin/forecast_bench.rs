//! The forecaster of src/core/forecast on the OJ protocol (issue 31; benches/forecast_peers.py
//! runs the peers on the same protocol), outside Postgres, for development of the algorithm:
//!   cargo run --release --no-default-features --bin forecast_bench -- [data/oj_sales.csv] [threads]
//!     [budget] [rounds] [calibration periods] [median|mape]
//! Covariates are what a shop's sales view would hold: the own brand's price, its ratio to the
//! mean price of all brands that week, deal and feat.
use shopml::core::forecast::{train, Options, PointLoss, Series};
use std::collections::BTreeMap;
use std::time::Instant;

const W0: i64 = 40;
const W1: i64 = 160;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).map_or("data/oj_sales.csv", |s| s.as_str());
    let threads: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2);
    let budget: f32 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1.0);
    let rounds: i64 = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(12);
    let calibration: usize = args.get(5).and_then(|s| s.parse().ok()).unwrap_or(8);
    let point = if args.get(6).is_some_and(|s| s == "mape") { PointLoss::Mape } else { PointLoss::Median };
    let text = std::fs::read_to_string(path).expect("data/oj_sales.csv (make data)");
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(|s| s.trim_matches('"').to_string()).collect();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let (cs, cb, cw, cl, cd, cf) = (col("store"), col("brand"), col("week"), col("logmove"), col("deal"), col("feat"));
    let cp: Vec<usize> = (1..=11).map(|b| col(&format!("price{b}"))).collect();
    let n = (W1 - W0 + 1) as usize;
    let mut all: BTreeMap<(i64, i64), Series> = BTreeMap::new();
    for line in lines {
        let f: Vec<f64> = line.split(',').map(|v| v.parse().unwrap()).collect();
        let (store, brand, week) = (f[cs] as i64, f[cb] as i64, f[cw] as i64);
        let s = all.entry((store, brand)).or_insert_with(|| Series {
            key: vec![store.to_string(), brand.to_string()],
            start: W0,
            y: vec![f64::NAN; n],
            x: vec![vec![f64::NAN; n]; 4],
        });
        let i = (week - W0) as usize;
        let own = f[cp[brand as usize - 1]];
        let mean = cp.iter().map(|&c| f[c]).sum::<f64>() / 11.0;
        s.y[i] = f[cl].exp().round();
        s.x[0][i] = own;
        s.x[1][i] = own / mean;
        s.x[2][i] = f[cd];
        s.x[3][i] = f[cf];
    }
    let series: Vec<Series> = all.into_values().collect();
    let covariates: Vec<String> = ["price", "price_ratio", "deal", "feat"].iter().map(|s| s.to_string()).collect();
    let o = Options { horizon: 2, gap: 1, season: 0, threads, budget, calibration, point, ..Options::default() };
    let (mut ape, mut ase, mut covered, mut cells) = (0.0, 0.0, 0usize, 0usize);
    let start = Instant::now();
    for r in 0..rounds {
        let end = 135 + 2 * r;
        let cut: Vec<Series> = series
            .iter()
            .map(|s| {
                let mut c = s.clone();
                for v in &mut c.y[(end - W0 + 1) as usize..] {
                    *v = f64::NAN;
                }
                c
            })
            .collect();
        // Every series forecasts from the round's end: its last week may be missing.
        let t0 = Instant::now();
        let model = train(&o, &cut, &covariates, &mut || {}).expect("train");
        let anchored: Vec<Series> = cut.iter().map(|s| anchor(s, end)).collect();
        let points = model.forecast(&anchored).expect("forecast");
        let (mut rape, mut rcells) = (0.0, 0);
        for p in &points {
            let s = &series[p.series];
            let actual = s.y[(p.period - W0) as usize];
            if actual.is_nan() {
                continue;
            }
            let f = p.value.round();
            let e = (f - actual).abs();
            rape += e / actual;
            rcells += 1;
            ape += e / actual;
            ase += e / scale(s, end);
            covered += (p.lower <= actual && actual <= p.upper) as usize;
            cells += 1;
        }
        eprintln!("round {:2}: train to {end}, MAPE {:.2}% over {rcells} cells, {:.1} s", r + 1, 100.0 * rape / rcells as f64, t0.elapsed().as_secs_f64());
    }
    println!(
        "shopml forecaster: MAPE {:.2}%  MASE {:.3}  80% interval coverage {:.1}%  cells {cells}  {:.1} s",
        100.0 * ape / cells as f64,
        ase / cells as f64,
        100.0 * covered as f64 / cells as f64,
        start.elapsed().as_secs_f64()
    );
}

/// A copy of `s` whose last value is at `end` (carried forward from its last known week when
/// that week is missing), so that every series forecasts the same target weeks.
fn anchor(s: &Series, end: i64) -> Series {
    let mut c = s.clone();
    let i = (end - s.start) as usize;
    if c.y[i].is_nan() {
        if let Some(last) = c.y[..i].iter().rev().find(|v| !v.is_nan()).copied() {
            c.y[i] = last;
        }
    }
    c
}

/// Mean absolute one-week change in units over the training weeks where both weeks exist.
fn scale(s: &Series, end: i64) -> f64 {
    let y = &s.y[..=(end - s.start) as usize];
    let d: Vec<f64> = y.windows(2).filter(|w| !w[0].is_nan() && !w[1].is_nan()).map(|w| (w[1] - w[0]).abs()).collect();
    d.iter().sum::<f64>() / d.len().max(1) as f64
}
