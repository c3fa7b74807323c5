//! Progress of long calls (embedding, training, index builds) as NOTICEs with percent and ETA,
//! on the schedule of src/core/progress.rs: silent for calls that finish within
//! shopml.progress_after seconds (3 by default).

use crate::core::progress::Schedule;
use std::time::Instant;

pub struct Progress {
    what: &'static str,
    unit: &'static str,
    start: Instant,
    /// None: shopml.progress_after = -1.
    schedule: Option<Schedule>,
}

impl Progress {
    /// `what` names the call ("train_churn_model"), `unit` what is counted ("texts", "rounds").
    pub fn new(what: &'static str, unit: &'static str) -> Self {
        Progress { what, unit, start: Instant::now(), schedule: crate::gucs::progress_after_secs().map(Schedule::new) }
    }

    /// Notes that `done` of `total` units are done; sends a NOTICE when one is due.
    pub fn report(&mut self, done: usize, total: usize) {
        let Some(schedule) = self.schedule.as_mut() else { return };
        if let Some(r) = schedule.due(done, total, self.start.elapsed().as_secs_f64()) {
            pgrx::notice!("{}", r.message(self.what, self.unit));
        }
    }

    pub fn elapsed_secs(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }
}
