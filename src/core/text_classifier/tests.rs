use super::*;

fn corpus() -> (Vec<Vec<String>>, Vec<String>) {
    // Three intents in varied wording, with shared filler words.
    let templates = [
        ("refund", ["i want my money back", "please refund my order", "refund the payment now", "money back for this order please"]),
        ("shipping", ["where is my parcel", "my order has not arrived", "tracking shows no delivery", "when will the parcel arrive"]),
        ("praise", ["great shop thank you", "love the product thanks", "thank you for the fast help", "great service love it"]),
    ];
    let (mut words, mut labels) = (Vec::new(), Vec::new());
    for rep in 0..20 {
        for (label, texts) in &templates {
            let t = format!("{} {}", texts[rep % 4], ["hello", "hi team", "", "dear shop"][rep % 4]);
            words.push(ngrams::words(&t, &mut || {}));
            labels.push(label.to_string());
        }
    }
    (words, labels)
}

#[test]
fn learns_three_intents_and_reports_test_metrics() {
    let (words, labels) = corpus();
    let inputs: Vec<Input> = words.iter().map(|w| Input { words: w, embedding: None }).collect();
    let opts = Options { buckets_log2: Some(12), ..Default::default() };
    let t = train(&inputs, &labels, None, &opts, None, &mut |_, _| Ok(())).unwrap();
    assert_eq!(t.model.labels, ["praise", "refund", "shipping"]);
    assert_eq!(t.rows_train + t.rows_test, 60);
    assert_eq!(t.rows_test, 12, "20% of each class");
    assert!(t.test.accuracy > 0.9, "{:?}", t.test);
    assert_eq!(t.validation.len(), C_GRID.len());
    let w = ngrams::words("refund my money please", &mut || {});
    let p = t.model.probabilities(&Input { words: &w, embedding: None }).unwrap();
    assert!(p[1] > 0.5, "{p:?}");
    assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9);
}

#[test]
fn round_trips_through_bytes() {
    let (words, labels) = corpus();
    let inputs: Vec<Input> = words.iter().map(|w| Input { words: w, embedding: None }).collect();
    let t = train(&inputs, &labels, None, &Options { buckets_log2: Some(10), c: Some(4.0), ..Default::default() }, None, &mut |_, _| Ok(())).unwrap();
    let back = Model::from_bytes(&t.model.to_bytes()).unwrap();
    assert_eq!(back, t.model);
    assert!(Model::from_bytes(&t.model.to_bytes()[..100]).is_err());
    assert!(Model::from_bytes(b"\xff\xff\xff\xff\xff\xff\xff\xff").is_err());
}

#[test]
fn one_class_and_bad_options_are_errors() {
    let (words, _) = corpus();
    let inputs: Vec<Input> = words.iter().map(|w| Input { words: w, embedding: None }).collect();
    let same = vec!["a".to_string(); inputs.len()];
    let e = train(&inputs, &same, None, &Options::default(), None, &mut |_, _| Ok(())).err().unwrap();
    assert_eq!(e.message, "the labels have 1 distinct value; a classifier needs at least two");
    let (_, labels) = corpus();
    for (opts, msg) in [
        (Options { test_fraction: Some(1.5), ..Default::default() }, "test_fraction must be between 0 and 1, not 1.5"),
        (Options { buckets_log2: Some(30), ..Default::default() }, "buckets_log2 must be between 10 and 20, not 30"),
        (Options { c: Some(-1.0), ..Default::default() }, "c must be a positive number, not -1"),
    ] {
        let e = train(&inputs, &labels, None, &opts, None, &mut |_, _| Ok(())).err().unwrap();
        assert_eq!(e.message, msg);
    }
    // cancellation from the tick stops training with its error
    let e = train(&inputs, &labels, None, &Options { buckets_log2: Some(10), ..Default::default() }, None, &mut |_, _| Err(Error::internal("stop"))).err().unwrap();
    assert_eq!(e.message, "stop");
}

#[test]
fn the_physical_order_of_the_rows_does_not_change_the_model() {
    let (words, labels) = corpus();
    let opts = Options { buckets_log2: Some(12), ..Default::default() };
    let fit = |order: &[usize]| {
        let inputs: Vec<Input> = order.iter().map(|&r| Input { words: &words[r], embedding: None }).collect();
        let labels: Vec<String> = order.iter().map(|&r| labels[r].clone()).collect();
        train(&inputs, &labels, None, &opts, None, &mut |_, _| Ok(())).unwrap()
    };
    let forward: Vec<usize> = (0..words.len()).collect();
    let mut shuffled = forward.clone();
    shuffled.reverse();
    shuffled.rotate_left(7);
    let (a, b) = (fit(&forward), fit(&shuffled));
    assert_eq!(a.model, b.model);
    assert_eq!(a.model.weights, b.model.weights);
    assert_eq!(a.validation, b.validation);
    assert_eq!(a.test.accuracy, b.test.accuracy);
}
