//! When a file arrived on the primary, for telling an upload in progress from a missing
//! signature (`policy.upload_grace`). A file's modification time is the uploader's when
//! `rsync -a` or `scp -p` keep it: a release built last week and uploaded now would look a
//! week old, and its signature, still on its way, missing. Its change time is when it was
//! written here, so the later of the two is when it arrived.

/// A file's two times, as its stat gives them, in Unix seconds held in 32 bits (until
/// 2106; a time before 1970 is 1970): every problem carries one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Arrival {
    pub modified: u32,
    pub changed: u32,
}

impl Arrival {
    /// From a stat's seconds.
    pub fn at(modified: i64, changed: i64) -> Arrival {
        let secs = |t: i64| t.clamp(0, u32::MAX as i64) as u32;
        Arrival { modified: secs(modified), changed: secs(changed) }
    }

    /// The later of each time: an artifact and its signature arrive together.
    pub fn and(self, other: Arrival) -> Arrival {
        Arrival { modified: self.modified.max(other.modified), changed: self.changed.max(other.changed) }
    }
}

/// Which time says when a file arrived (`policy.upload_clock`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UploadClock {
    /// The later of the modification and change times: right for uploads that keep the
    /// uploader's modification time.
    #[default]
    Arrival,
    /// The modification time alone: for a primary where a job touches every file's
    /// metadata (a `chmod -R` from cron), which renews every change time.
    Modification,
}

/// How long an upload may take, and by which clock.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Grace {
    pub secs: i64,
    pub clock: UploadClock,
}

impl Grace {
    /// Whether a file that arrived at `at` is still arriving at `now`.
    pub fn arriving(&self, at: Arrival, now: i64) -> bool {
        let at = match self.clock {
            UploadClock::Arrival => at.modified.max(at.changed),
            UploadClock::Modification => at.modified,
        };
        now - i64::from(at) < self.secs
    }

    /// The grace in whole minutes, as messages say it.
    pub fn minutes(&self) -> i64 {
        self.secs / 60
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_uploaded_with_its_old_modification_time_is_arriving_by_its_change_time() {
        let uploaded = Arrival::at(1_000, 100_000);
        let hour = |clock| Grace { secs: 3_600, clock };
        assert!(hour(UploadClock::Arrival).arriving(uploaded, 100_100));
        assert!(!hour(UploadClock::Modification).arriving(uploaded, 100_100));
        assert!(!hour(UploadClock::Arrival).arriving(uploaded, 104_000));
    }
}
