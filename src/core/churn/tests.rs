use super::*;
use features::Raw;
use crate::core::table::{Column, Table, Values};
use crate::core::test_rng::XorShift;

/// 2,000 customers whose churn depends on tenure (less is riskier), contract (month-to-month
/// riskier) and a missing-value pattern; plus a noise column.
fn synthetic() -> Table {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut uniform = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let n = 2000;
    let (mut tenure, mut contract, mut noise, mut churn) = (vec![], vec![], vec![], vec![]);
    for i in 0..n {
        let t = (uniform() * 72.0).floor();
        let c = ["month", "year", "two-year"][i % 3];
        let z = 1.5 - t / 20.0 + if c == "month" { 1.2 } else { -0.8 } + (uniform() - 0.5) * 2.0;
        tenure.push(if i % 17 == 0 { None } else { Some(t) });
        contract.push(Some(c.to_string()));
        noise.push(Some(uniform()));
        churn.push(Some(if z > 0.0 { "Yes" } else { "No" }.to_string()));
    }
    let col = |name: &str, values| Column { name: name.into(), sql_type: String::new(), values };
    Table {
        rows: n,
        columns: vec![
            col("id", Values::Number((0..n).map(|i| Some(i as f64)).collect())),
            col("tenure", Values::Number(tenure)),
            col("contract", Values::Text(contract)),
            col("noise", Values::Number(noise)),
            col("churn", Values::Text(churn)),
        ],
    }
}

#[test]
fn trains_both_algorithms_and_explains_exactly() {
    let t = synthetic();
    for algorithm in ["logistic", "gbdt", "auto"] {
        let o = Options { exclude: vec!["id".into()], algorithm: Some(algorithm.into()), ..Default::default() };
        let trained = train(&t, "churn", &o, &mut |_, _| {}).unwrap();
        assert!(trained.test.auc > 0.85, "{algorithm}: {:?}", trained.test);
        eprintln!("{algorithm}: {:?} validation {:?}", trained.test, trained.validation);
        assert_eq!((trained.rows_train, trained.rows_test), (1600, 400));
        assert_eq!(trained.model.positive, "Yes");
        assert_eq!(trained.model.spec.features.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["tenure", "contract", "noise"]);
        if algorithm == "auto" {
            assert_eq!(trained.validation.len(), 2);
        }
        // contributions + base = log-odds, for a row with a missing value and an unseen category
        let mut row = Vec::new();
        trained.model.encode(&[Raw::Null, Raw::Text("weekly".into()), Raw::Num(0.3)], &mut row).unwrap();
        let (contrib, base) = trained.model.explain(&row);
        let z = trained.model.log_odds(&row)[0];
        assert!((base + contrib.iter().sum::<f64>() - z).abs() < 1e-6, "{algorithm}: {base} + {contrib:?} != {z}");
        // the payload round-trips
        let json = serde_json::to_vec(&trained.model).unwrap();
        let back: Model = serde_json::from_slice(&json).unwrap();
        assert_eq!(back.log_odds(&row), trained.model.log_odds(&row));
    }
}

#[test]
fn split_is_stratified_and_deterministic() {
    let y: Vec<bool> = (0..1000).map(|i| i % 4 == 0).collect();
    let rows: Vec<usize> = (0..1000).collect();
    let (a, b) = stratified_split(&rows, &y, 0.2, 42);
    assert_eq!((a.len(), b.len()), (800, 200));
    assert_eq!(b.iter().filter(|&&r| y[r]).count(), 50, "a quarter of the test rows churn, as in the table");
    assert_eq!(stratified_split(&rows, &y, 0.2, 42), (a.clone(), b.clone()));
    assert_ne!(stratified_split(&rows, &y, 0.2, 43).1, b);
}

#[test]
fn labels_are_parsed_or_refused_with_the_values_found() {
    let col = |values| Column { name: "churn".into(), sql_type: String::new(), values };
    assert_eq!(labels(&col(Values::Text(vec![Some("no".into()), None, Some("yes".into())]))).unwrap(), (vec![Some(false), None, Some(true)], "yes".into()));
    assert_eq!(labels(&col(Values::Number(vec![Some(0.0), Some(1.0)]))).unwrap().0, vec![Some(false), Some(true)]);
    let e = labels(&col(Values::Number(vec![Some(0.0), Some(2.0)]))).unwrap_err();
    assert_eq!(e.message, "label column \"churn\" must hold 0 and 1, found 2");
    let e = labels(&col(Values::Text(vec![Some("stayed".into()), Some("left".into())]))).unwrap_err();
    assert_eq!(e.message, "label column \"churn\" must hold two values, one of them yes/true/1/churn; found 'left', 'stayed'");
    let t = Table { rows: 2, columns: vec![col(Values::Bool(vec![Some(true), Some(true)])), Column { name: "x".into(), sql_type: String::new(), values: Values::Number(vec![Some(1.0), Some(2.0)]) }] };
    let e = train(&t, "churn", &Options::default(), &mut |_, _| {}).err().expect("one class is refused");
    assert_eq!(e.message, "label column \"churn\" needs both classes, found 2 churned and 0 not in 2 labelled rows");
}
