//! When long work reports progress, and what it says: at most one report per 10% of the work,
//! none before `quiet_secs` have passed (short calls stay silent), each with percent and ETA.
//! The clock is passed in, so the schedule is tested without sleeping; src/pg/progress.rs sends
//! the reports as NOTICEs.

#[derive(Clone, Debug)]
pub struct Schedule {
    next_percent: usize,
    quiet_secs: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub percent: usize,
    pub done: usize,
    pub total: usize,
    pub elapsed_secs: f64,
    pub eta_secs: f64,
}

impl Schedule {
    pub fn new(quiet_secs: f64) -> Self {
        Schedule { next_percent: 10, quiet_secs }
    }

    /// The report due after `done` of `total` units in `elapsed_secs`, if one is.
    pub fn due(&mut self, done: usize, total: usize, elapsed_secs: f64) -> Option<Report> {
        if total == 0 || done == 0 || elapsed_secs < self.quiet_secs {
            return None;
        }
        let done = done.min(total);
        let percent = done * 100 / total;
        if percent < self.next_percent {
            return None;
        }
        self.next_percent = (percent / 10 + 1) * 10;
        let eta_secs = elapsed_secs * (total - done) as f64 / done as f64;
        Some(Report { percent, done, total, elapsed_secs, eta_secs })
    }
}

impl Report {
    /// "embed_texts: 40% (400 of 1000 texts), 12 s so far, about 18 s left"
    pub fn message(&self, what: &str, unit: &str) -> String {
        format!(
            "{what}: {}% ({} of {} {unit}), {:.0} s so far, about {:.0} s left",
            self.percent, self.done, self.total, self.elapsed_secs, self.eta_secs
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_at_first_then_every_tenth() {
        let mut s = Schedule::new(3.0);
        assert_eq!(s.due(500, 1000, 1.0), None, "within the quiet time");
        let r = s.due(500, 1000, 4.0).unwrap();
        assert_eq!((r.percent, r.eta_secs), (50, 4.0));
        assert_eq!(r.message("embed_texts", "texts"), "embed_texts: 50% (500 of 1000 texts), 4 s so far, about 4 s left");
        assert_eq!(s.due(550, 1000, 4.5), None, "not yet the next tenth");
        assert_eq!(s.due(600, 1000, 5.0).unwrap().percent, 60);
        assert_eq!(s.due(1000, 1000, 8.0).unwrap().eta_secs, 0.0);
        assert_eq!(s.due(1000, 1000, 9.0), None, "100% is reported once");
    }

    #[test]
    fn nothing_to_report_for_no_work() {
        let mut s = Schedule::new(0.0);
        assert_eq!(s.due(0, 0, 10.0), None);
        assert_eq!(s.due(0, 10, 10.0), None);
        assert_eq!(s.due(20, 10, 1.0).unwrap().percent, 100, "done is capped at total");
    }
}
