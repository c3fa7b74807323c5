//! The column a tabular model predicts: classes (boolean, text, few-valued integers) or a
//! number, decided from the column unless the caller says which, and read as one value per row
//! (a class index or the number; None where the target is NULL).

use crate::core::table::{Column, Values};
use crate::error::{excerpt, Error, Result};
use serde::{Deserialize, Serialize};

/// Most classes a classifier may have (one head each when more than two).
pub const MAX_CLASSES: usize = 100;

/// A number column is a class label by default when it holds whole numbers only and at most
/// this many distinct values (ratings 1-5, flags 0/1); `task` overrides.
pub const AUTO_CLASSES: usize = 10;

/// Values that name the positive class of a two-class text target (it becomes class 1, the
/// one whose probability predict returns): as the churn preset reads its labels.
pub const POSITIVE_WORDS: [&str; 7] = ["yes", "true", "1", "churn", "churned", "y", "t"];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Target {
    /// Class names in order (class i is `classes[i]`); with two, class 1 is the positive one.
    Classes(Vec<String>),
    Regression,
}

impl Target {
    pub fn task(&self) -> &'static str {
        match self {
            Target::Classes(_) => "classification",
            Target::Regression => "regression",
        }
    }

    pub fn classes(&self) -> &[String] {
        match self {
            Target::Classes(c) => c,
            Target::Regression => &[],
        }
    }
}

/// Reads `column` as the target: the task (`task` from the options, or decided from the column)
/// and one value per row.
pub fn read(column: &Column, task: Option<&str>) -> Result<(Target, Vec<Option<f64>>)> {
    let name = &column.name;
    let classify = match (task, &column.values) {
        (Some("classification"), _) => true,
        (Some("regression"), Values::Number(_)) => false,
        (Some("regression"), v) => {
            return Err(Error::invalid_parameter(format!("regression needs a numeric target; column \"{name}\" is {}", v.kind()))
                .with_hint("use task classification, or a numeric target column"))
        }
        (Some(other), _) => return Err(Error::invalid_parameter(format!("unknown task \"{}\"", excerpt(other))).with_hint("use classification or regression")),
        (None, Values::Number(v)) => {
            let mut distinct: Vec<f64> = v.iter().flatten().copied().collect();
            distinct.sort_by(f64::total_cmp);
            distinct.dedup();
            distinct.len() <= AUTO_CLASSES && distinct.iter().all(|x| x.fract() == 0.0)
        }
        (None, _) => true,
    };
    if !classify {
        let Values::Number(v) = &column.values else { unreachable!("checked above") };
        let present: Vec<f64> = v.iter().flatten().copied().collect();
        let distinct = present.iter().any(|&x| x != present[0]);
        if present.is_empty() || !distinct {
            return Err(Error::data(format!("target column \"{name}\" has {} value", if present.is_empty() { "no" } else { "one" }))
                .with_hint("a model needs a target that varies"));
        }
        return Ok((Target::Regression, v.clone()));
    }
    let labels: Vec<Option<String>> = match &column.values {
        Values::Bool(v) => v.iter().map(|b| b.map(|b| b.to_string())).collect(),
        Values::Text(v) => v.clone(),
        Values::Number(v) => v.iter().map(|x| x.map(|x| x.to_string())).collect(),
        other => return Err(Error::invalid_parameter(format!("target column \"{name}\" is {}, which a model cannot predict", other.kind()))),
    };
    let mut classes: Vec<String> = labels.iter().flatten().cloned().collect();
    classes.sort_unstable();
    classes.dedup();
    if let Values::Number(_) = column.values {
        classes.sort_by(|a, b| a.parse::<f64>().unwrap_or(0.0).total_cmp(&b.parse::<f64>().unwrap_or(0.0)));
    }
    if classes.len() < 2 {
        return Err(Error::data(format!("target column \"{name}\" has {} class", if classes.is_empty() { "no" } else { "one" }))
            .with_hint("a classifier needs at least two classes among the rows"));
    }
    if classes.len() > MAX_CLASSES {
        return Err(Error::data(format!("target column \"{name}\" has {} classes, more than {MAX_CLASSES}", classes.len()))
            .with_hint("group rare classes, or use task regression for a number"));
    }
    // Two texts, one of them a yes-word: that one is the positive class.
    if classes.len() == 2 && matches!(column.values, Values::Text(_)) {
        let yes = |s: &str| POSITIVE_WORDS.contains(&s.to_lowercase().as_str());
        if yes(&classes[0]) && !yes(&classes[1]) {
            classes.swap(0, 1);
        }
    }
    let index: std::collections::HashMap<&str, usize> = classes.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
    let y = labels.iter().map(|l| l.as_deref().map(|l| index[l] as f64)).collect();
    Ok((Target::Classes(classes), y))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(values: Values) -> Column {
        Column { name: "y".into(), sql_type: String::new(), values }
    }

    #[test]
    fn tasks_are_decided_from_the_column() {
        let (t, y) = read(&col(Values::Text(vec![Some("yes".into()), Some("no".into()), None])), None).unwrap();
        assert_eq!(t, Target::Classes(vec!["no".into(), "yes".into()]));
        assert_eq!(y, vec![Some(1.0), Some(0.0), None]);
        let (t, _) = read(&col(Values::Text(vec![Some("Yes".into()), Some("stay".into())])), None).unwrap();
        assert_eq!(t.classes(), ["stay", "Yes"], "the yes-word is the positive class");
        let (t, y) = read(&col(Values::Number(vec![Some(10.0), Some(2.0), Some(3.0)])), None).unwrap();
        assert_eq!((t.classes(), y), (&["2".to_string(), "3".into(), "10".into()][..], vec![Some(2.0), Some(0.0), Some(1.0)]), "numeric order");
        let (t, _) = read(&col(Values::Number(vec![Some(1.5), Some(2.0)])), None).unwrap();
        assert_eq!(t, Target::Regression);
        let (t, _) = read(&col(Values::Number(vec![Some(1.0), Some(2.0)])), Some("regression")).unwrap();
        assert_eq!(t, Target::Regression);
        let (t, _) = read(&col(Values::Bool(vec![Some(true), Some(false)])), None).unwrap();
        assert_eq!(t.classes(), ["false", "true"]);
    }

    #[test]
    fn bad_targets_are_refused() {
        let e = read(&col(Values::Text(vec![Some("a".into()), Some("a".into())])), None).unwrap_err();
        assert_eq!(e.message, "target column \"y\" has one class");
        let e = read(&col(Values::Number(vec![Some(1.5), Some(1.5)])), None).unwrap_err();
        assert_eq!(e.message, "target column \"y\" has one value");
        let many = Values::Text((0..101).map(|i| Some(format!("c{i}"))).collect());
        assert_eq!(read(&col(many), None).unwrap_err().message, "target column \"y\" has 101 classes, more than 100");
        let e = read(&col(Values::Text(vec![Some("a".into())])), Some("regression")).unwrap_err();
        assert_eq!(e.message, "regression needs a numeric target; column \"y\" is text");
        assert_eq!(read(&col(Values::Bool(vec![])), Some("clustering")).unwrap_err().message, "unknown task \"clustering\"");
    }
}
