use super::*;
use crate::core::table::{Column, Table, Values};
use crate::core::test_rng::XorShift;
use features::Raw;

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
        assert_eq!(trained.model.classes(), ["No", "Yes"]);
        assert_eq!(trained.model.spec.features.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["tenure", "contract", "noise"]);
        if algorithm == "auto" {
            assert_eq!(trained.validation.iter().map(|v| v.0.as_str()).collect::<Vec<_>>(), ["logistic", "gbdt", "gbdt+logistic"]);
        }
        // contributions + base = log-odds, for a row with a missing value and an unseen category
        let mut row = Vec::new();
        trained.model.encode(&[Raw::Null, Raw::Text("weekly".into()), Raw::Num(0.3)], &mut row).unwrap();
        let (contrib, base) = trained.model.explain(&row, 0);
        let z = trained.model.raw(&row)[0][0];
        assert!((base + contrib.iter().sum::<f64>() - z).abs() < 1e-6, "{algorithm}: {base} + {contrib:?} != {z}");
        // the payload round-trips
        let json = serde_json::to_vec(&trained.model).unwrap();
        let back = Model::from_payload(&json).unwrap();
        assert_eq!(back.raw(&row), trained.model.raw(&row));
    }
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
    let t = Table {
        rows: 2,
        columns: vec![
            col(Values::Bool(vec![Some(true), Some(true)])),
            Column { name: "x".into(), sql_type: String::new(), values: Values::Number(vec![Some(1.0), Some(2.0)]) },
        ],
    };
    let e = train(&t, "churn", &Options::default(), &mut |_, _| {}).err().expect("one class is refused");
    assert_eq!(e.message, "label column \"churn\" needs both classes, found 2 churned and 0 not in 2 labelled rows");
}

#[test]
fn a_churn_model_stored_by_0_3_0_still_loads() {
    // The payload shape of shopml 0.3.0: spec, label, positive and one algorithm.
    let old = r#"{"spec":{"features":[{"name":"tenure","kind":"Number"}]},"label":"churn","positive":"Yes",
        "algorithm":{"Logistic":{"impute":[1.0],"mean":[0.0],"scale":[1.0],"weights":[2.0],"intercept":-1.0}}}"#;
    let m = Model::from_payload(old.as_bytes()).unwrap();
    assert_eq!((m.target.as_str(), m.classes()[1].as_str(), m.algorithm_name()), ("churn", "Yes", "logistic"));
    let p = m.predict(&[1.0])[0];
    assert!((p - 1.0 / (1.0 + (-1.0f64).exp())).abs() < 1e-12, "{p}");
    assert!(Model::from_payload(b"{}").is_err());
}
