use super::*;

/// Weekly series with a level per series, a price effect and noise from a fixed seed.
fn synthetic(series: usize, weeks: usize, future: usize) -> Vec<Series> {
    let mut rng = crate::core::rng::SplitMix(7);
    (0..series)
        .map(|s| {
            let base = 20.0 * (1 + s % 5) as f64;
            let price: Vec<f64> = (0..weeks + future).map(|_| 1.0 + 0.5 * rng.next_unit()).collect();
            let y = (0..weeks).map(|t| (base * price[t].powf(-2.0) * (0.9 + 0.2 * rng.next_unit())).round()).collect();
            Series { key: vec![format!("s{s}")], start: 0, y, x: vec![price] }
        })
        .collect()
}

#[test]
fn learns_the_price_effect_and_forecasts_after_the_gap() {
    let data = synthetic(30, 80, 3);
    let o = Options { horizon: 2, gap: 1, windows: vec![4, 13], budget: 0.3, ..Options::default() };
    let model = train(&o, &data, &["price".into()], &mut || {}).unwrap();
    let points = model.forecast(&data).unwrap();
    assert_eq!(points.len(), 60);
    assert!(points.iter().all(|p| p.period == 81 || p.period == 82));
    assert!(points.iter().all(|p| p.lower <= p.value && p.value <= p.upper));
    // Cheaper weeks sell more: the same series forecast with its future price lowered by 30%.
    let mut cheaper = data.clone();
    for s in &mut cheaper {
        for v in &mut s.x[0][80..] {
            *v *= 0.7;
        }
    }
    let lower = model.forecast(&cheaper).unwrap();
    let up = points.iter().zip(&lower).filter(|(a, b)| b.value > a.value).count();
    assert!(up >= 50, "only {up} of 60 forecasts rose with a 30% lower price");
}

#[test]
fn refuses_bad_options_and_too_little_history() {
    let data = synthetic(2, 3, 0);
    let e = train(&Options { horizon: 0, ..Options::default() }, &data, &["price".into()], &mut || {}).err().unwrap();
    assert_eq!(e.message, "horizon must be between 1 and 1000, not 0");
    let e = train(&Options::default(), &data, &["price".into()], &mut || {}).err().unwrap();
    assert!(e.message.starts_with("too little history"), "{}", e.message);
}

#[test]
fn the_mape_shift_aims_below_the_median() {
    // Actuals of 50, 50, 100, 200, 300 around a prediction of 100: an error on a low week counts
    // more, so the least MAPE forecasts 50 (a shift of ln(51/101)) where the median is 100.
    let level = 101f64.ln();
    let held: Vec<(f64, f64, f64, f64)> = [50.0, 50.0, 100.0, 200.0, 300.0].iter().map(|a: &f64| (level, 0.0, (a + 1.0).ln() - level, 0.0)).collect();
    let shift = mape_shift(&held);
    assert!((shift.base - (51f64 / 101.0).ln()).abs() < 0.011, "shift {shift:?}");
}

#[test]
fn a_mape_point_forecast_stays_inside_the_interval() {
    let data = synthetic(30, 80, 3);
    let o = Options { horizon: 2, gap: 1, windows: vec![4, 13], budget: 0.3, point: PointLoss::Mape, ..Options::default() };
    let model = train(&o, &data, &["price".into()], &mut || {}).unwrap();
    assert!((-1.0..=0.2).contains(&model.shift.base) && (-3.0..=0.0).contains(&model.shift.per_volatility));
    assert!(model.forecast(&data).unwrap().iter().all(|p| p.lower <= p.value && p.value <= p.upper));
}
