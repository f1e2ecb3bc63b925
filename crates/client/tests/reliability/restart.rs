//! (filled in by the reliability suite's work)
