//! The forecaster of src/core/forecast on the OJ protocol (issue 31; benches/forecast_peers.py
//! runs the peers on the same protocol), outside Postgres, for development of the algorithm:
//!   cargo run --release --no-default-features --bin forecast_bench -- [data/oj_sales.csv] [threads]
//!     [budget] [rounds] [calibration periods] [median|mape]
//! Covariates are what a shop's sales view would hold: the own brand's price, its ratio to the
//! mean price of all brands that week, deal and feat.
use shopml::core::forecast::backtest::{rolling_origin, Metrics};
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
    let env = |k: &str, d: usize| std::env::var(k).ok().and_then(|s| s.parse().ok()).unwrap_or(d);
    let season = env("SEASON", 0);
    let lags = env("LAGS", 20);
    let max_trees = env("MAX_TREES", 300);
    let o = Options { horizon: 2, gap: 1, season, lags, max_trees, threads, budget, calibration, point, ..Options::default() };
    let start = Instant::now();
    let origins: Vec<i64> = (0..rounds).map(|r| 135 + 2 * r).collect();
    let rounds = rolling_origin(&series, &origins, usize::MAX, &mut |history, _| {
        let m = train(&o, history, &covariates, &mut || {})?;
        eprintln!("  shift {:?}", m.shift);
        Ok(m)
    }, &mut |r| {
        let m = r.metrics.summary();
        eprintln!("round from {}: MAPE {:.2}% over {} cells, {:.1} s", r.origin, 100.0 * m.mape, m.cells, r.seconds);
    })
    .expect("backtest");
    let mut all = Metrics::default();
    for r in &rounds {
        all.merge(&r.metrics);
    }
    let m = all.summary();
    println!(
        "shopml forecaster: MAPE {:.2}%  MASE {:.3}  WAPE {:.3}  80% interval coverage {:.1}%  cells {}  {:.1} s",
        100.0 * m.mape,
        m.mase,
        m.wape,
        100.0 * m.coverage,
        m.cells,
        start.elapsed().as_secs_f64()
    );
}
