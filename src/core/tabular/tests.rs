use super::*;
use crate::core::table::{Column, Table, Values};
use crate::core::test_rng::XorShift;
use features::Raw;

fn col(name: &str, values: Values) -> Column {
    Column { name: name.into(), sql_type: String::new(), values }
}

/// 1,500 rows: a price that depends on size, a grade (text) and a date's month, plus noise;
/// a three-class segment decided by size and grade.
fn synthetic() -> Table {
    let mut rng = XorShift(0x5EED_0000_1234_5678);
    let mut uniform = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let n = 1500;
    let (mut size, mut grade, mut sold, mut noise, mut price, mut segment) = (vec![], vec![], vec![], vec![], vec![], vec![]);
    for i in 0..n {
        let s = 50.0 + uniform() * 150.0;
        let g = ["low", "mid", "high"][i % 3];
        let month = (i % 12) as f64;
        let day = 19_000.0 + month * 30.5 + 1.0;
        let bonus = match g {
            "low" => 0.0,
            "mid" => 40.0,
            _ => 90.0,
        };
        size.push(if i % 23 == 0 { None } else { Some(s) });
        grade.push(Some(g.to_string()));
        sold.push(Some(day * 86_400.0));
        noise.push(Some(uniform()));
        price.push(Some(2.0 * s + bonus + if month >= 6.0 { 25.0 } else { 0.0 } + (uniform() - 0.5) * 10.0));
        segment.push(Some(
            if s > 150.0 {
                "large"
            } else if g == "high" {
                "premium"
            } else {
                "basic"
            }
            .to_string(),
        ));
    }
    Table {
        rows: n,
        columns: vec![
            col("id", Values::Number((0..n).map(|i| Some(i as f64)).collect())),
            col("size", Values::Number(size)),
            col("grade", Values::Text(grade)),
            col("sold", Values::Time(sold)),
            col("noise", Values::Number(noise)),
            col("price", Values::Number(price)),
            col("segment", Values::Text(segment)),
        ],
    }
}

fn metric(s: &Scores, name: &str) -> f64 {
    s.all.iter().find(|(k, _)| k == name).unwrap().1
}

#[test]
fn regression_beats_the_mean_and_explains_exactly() {
    let t = synthetic();
    for algorithm in ["linear", "gbdt", "blend", "auto"] {
        let o = Options { exclude: vec!["id".into(), "segment".into()], algorithm: Some(algorithm.into()), ..Default::default() };
        let trained = train(&t, "price", &o, &mut |_, _| {}).unwrap();
        eprintln!("{algorithm}: {:?} validation {:?}", trained.test, trained.validation);
        assert_eq!(trained.model.kind, Target::Regression);
        assert_eq!(trained.test.metric, "rmse");
        assert!(trained.test.score < trained.test.baseline / 3.0, "{algorithm}: {:?}", trained.test);
        assert!(metric(&trained.test, "r2") > 0.9, "{algorithm}");
        assert_eq!((trained.rows_train, trained.rows_test), (1200, 300));
        if algorithm == "blend" {
            assert_eq!((trained.model.algorithm_name(), trained.model.blend.len()), ("gbdt+ridge", 1));
        }
        if algorithm == "auto" {
            assert_eq!(trained.validation.iter().map(|v| v.0.as_str()).collect::<Vec<_>>(), ["ridge", "gbdt", "gbdt+ridge"]);
        }
        let mut row = Vec::new();
        trained.model.encode(&[Raw::Null, Raw::Text("unseen".into()), Raw::Num(19_100.0 * 86_400.0), Raw::Num(0.5)], &mut row).unwrap();
        let (contributions, base) = trained.model.explain(&row, 0);
        let value = trained.model.predict(&row)[0];
        assert!((base + contributions.iter().sum::<f64>() - value).abs() < 1e-6, "{algorithm}: {base} + {contributions:?} != {value}");
        let back = Model::from_payload(&serde_json::to_vec(&trained.model).unwrap()).unwrap();
        assert_eq!(back.predict(&row), trained.model.predict(&row));
    }
}

#[test]
fn three_classes_one_head_each() {
    let t = synthetic();
    for algorithm in ["linear", "gbdt"] {
        let o = Options {
            exclude: vec!["id".into(), "price".into()],
            algorithm: Some(algorithm.into()),
            class_weight: Some("balanced".into()),
            ..Default::default()
        };
        let trained = train(&t, "segment", &o, &mut |_, _| {}).unwrap();
        eprintln!("{algorithm}: {:?}", trained.test);
        assert_eq!(trained.model.classes(), ["basic", "large", "premium"]);
        assert_eq!(trained.model.heads.len(), 3);
        assert!(metric(&trained.test, "accuracy") > 0.9, "{algorithm}: {:?}", trained.test);
        assert!((trained.test.baseline - 0.5).abs() < 1e-9, "the baseline's AUC is a coin's");
        let mut row = Vec::new();
        trained.model.encode(&[Raw::Num(180.0), Raw::Text("low".into()), Raw::Null, Raw::Num(0.1)], &mut row).unwrap();
        let p = trained.model.probabilities(&row);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert_eq!(trained.model.predict_classes(&row)[0].0, 1, "a large one: {p:?}");
        let (c, base) = trained.model.explain(&row, 1);
        assert!((base + c.iter().sum::<f64>() - trained.model.raw(&row)[1][0]).abs() < 1e-6);
    }
}

#[test]
fn split_is_stratified_and_deterministic() {
    let y: Vec<usize> = (0..1000).map(|i| usize::from(i % 4 == 0)).collect();
    let rows: Vec<usize> = (0..1000).collect();
    let class = |r: usize| y[r];
    let rank: Vec<usize> = (0..1000).collect();
    let (a, b) = stratified_split(&rows, &class, 2, 0.2, 42, &rank);
    assert_eq!((a.len(), b.len()), (800, 200));
    assert_eq!(b.iter().filter(|&&r| y[r] == 1).count(), 50, "a quarter of the test rows are class 1, as in the table");
    assert_eq!(stratified_split(&rows, &class, 2, 0.2, 42, &rank), (a.clone(), b.clone()));
    assert_ne!(stratified_split(&rows, &class, 2, 0.2, 43, &rank).1, b);
}

#[test]
fn options_are_checked() {
    let t = synthetic();
    let bad = |o: Options| train(&t, "price", &o, &mut |_, _| {}).err().expect("refused").message;
    assert_eq!(bad(Options { algorithm: Some("forest".into()), ..Default::default() }), "unknown algorithm \"forest\"");
    assert_eq!(bad(Options { max_levels: Some(0), ..Default::default() }), "max_levels must be 1 to 1000, not 0");
    assert_eq!(bad(Options { class_weight: Some("even".into()), ..Default::default() }), "unknown class_weight \"even\"");
    assert_eq!(bad(Options { features: Some(vec!["price".into()]), ..Default::default() }), "the target \"price\" cannot be a feature too");
    assert_eq!(
        bad(Options { max_bytes: Some(1000), ..Default::default() }),
        "1500 rows of 15 encoded values take 0 MB, more than shopml.max_training_memory (0 MB)"
    );
    let e = train(&t, "nope", &Options::default(), &mut |_, _| {}).err().unwrap();
    assert_eq!(e.message, "target column \"nope\" does not exist");
}

#[test]
fn deploy_comparison_uses_the_same_rows() {
    let t = synthetic();
    let o = Options { exclude: vec!["id".into(), "segment".into()], algorithm: Some("linear".into()), ..Default::default() };
    let good = train(&t, "price", &o, &mut |_, _| {}).unwrap();
    let weak_o = Options { features: Some(vec!["noise".into()]), algorithm: Some("linear".into()), ..Default::default() };
    let weak = train(&t, "price", &weak_o, &mut |_, _| {}).unwrap();
    let weak_on_good_rows = score_on_test_rows(&weak.model, &good, &t).unwrap().unwrap();
    assert!(better(&Target::Regression, good.test.score) > better(&Target::Regression, weak_on_good_rows));
    let same = score_on_test_rows(&good.model, &good, &t).unwrap().unwrap();
    assert!((same - good.test.score).abs() < 1e-9);
    let classifier =
        train(&t, "segment", &Options { exclude: vec!["id".into()], algorithm: Some("linear".into()), ..Default::default() }, &mut |_, _| {}).unwrap();
    assert_eq!(score_on_test_rows(&classifier.model, &good, &t).unwrap(), None, "another target cannot be compared");
}

#[test]
fn the_same_rows_in_another_order_give_the_same_model() {
    let t = synthetic();
    // The rows reversed: every column permuted the same way.
    let mut reversed = t.clone();
    for c in &mut reversed.columns {
        match &mut c.values {
            Values::Number(v) | Values::Time(v) => v.reverse(),
            Values::Text(v) => v.reverse(),
            Values::Bool(v) => v.reverse(),
            Values::Vector(v) => v.reverse(),
        }
    }
    for algorithm in ["linear", "gbdt"] {
        let o = Options { exclude: vec!["id".into(), "segment".into()], algorithm: Some(algorithm.into()), ..Default::default() };
        let a = train(&t, "price", &o, &mut |_, _| {}).unwrap();
        let b = train(&reversed, "price", &o, &mut |_, _| {}).unwrap();
        assert_eq!(a.test.score, b.test.score, "{algorithm}");
        let mut row = Vec::new();
        a.model.encode(&[Raw::Num(120.0), Raw::Text("mid".into()), Raw::Null, Raw::Num(0.3)], &mut row).unwrap();
        assert_eq!(a.model.predict(&row), b.model.predict(&row), "{algorithm}");
    }
}

/// The flattened trees score exactly as perpetual does: squared error (with perpetual's linear
/// correction, which it fits for 256 to 2,048 rows of 2 to 12 slots), log loss, NaNs, and
/// native categorical splits (the forecaster's).
#[test]
fn flattened_trees_score_the_same_bits_as_perpetual() {
    let mut rng = XorShift(77);
    let mut uniform = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let (rows, width) = (1200, 4);
    let mut x = Vec::with_capacity(rows * width);
    let (mut value, mut class) = (Vec::new(), Vec::new());
    for r in 0..rows {
        let (a, b, level) = (uniform() * 10.0, uniform(), (r % 5) as f64);
        x.extend([if r % 17 == 0 { f64::NAN } else { a }, b, level, uniform()]);
        value.push(a * 2.0 + level * 3.0 + b);
        class.push(f64::from(a + level > 7.0));
    }
    let params = gbdt::Params { budget: 0.5, ..Default::default() };
    for (loss, y, categories) in
        [(gbdt::Loss::SquaredError, &value, vec![]), (gbdt::Loss::LogLoss, &class, vec![]), (gbdt::Loss::SquaredError, &value, vec![2usize])]
    {
        let booster = gbdt::fit(&x, width, y, None, loss, &categories, params).unwrap();
        let trees = gbdt::Trees::new(booster.clone());
        let (theirs, ours) = (gbdt::predict(&booster, &x, width), trees.predict(&x, width));
        assert!(flat::Flat::of(&booster).is_some(), "{loss:?} flattens");
        assert_eq!(theirs.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), ours.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), "{loss:?} {categories:?}");
        if !categories.is_empty() {
            assert!(booster.get_prediction_trees().iter().any(|t| t.nodes.values().any(|n| n.left_cats.is_some())), "a categorical split was tested");
        }
    }
    // Rows narrower than the trees read fall back to perpetual (which then decides).
    let booster = gbdt::fit(&x, width, &value, None, gbdt::Loss::SquaredError, &[], params).unwrap();
    assert!(flat::Flat::of(&booster).unwrap().predict(&x[..6], 2).is_none());
}
