//! Where a workload child's memory goes: what `TEMPORAL_BENCH_MEMORY=1` makes a child print to
//! its stderr at the end of the workload, one `MEMORY {json}` line (`=smaps`: the whole
//! `/proc/self/smaps` before it) (the investigation of
//! bench/notes/memory.md). Not part of the report: the parent discards a child's stderr.
//!
//! The resident pages are read from `/proc/self/smaps` and grouped by what they map: the
//! child's own executable, other files (the C library, the loader), the `[heap]` (glibc's main
//! arena), the `[stack]` of the main thread, and other anonymous memory (thread stacks, other
//! malloc arenas, large `mmap`ped allocations). Beside them, the live heap as the counting
//! allocator sees it, sampled after every operation so that its peak is known.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};

/// The environment variable that turns the report on.
pub(crate) const ENV: &str = "TEMPORAL_BENCH_MEMORY";

/// The prefix of the line a child prints.
const MEMORY_LINE: &str = "MEMORY ";

/// The highest live heap seen by [`note_live_heap`], in bytes.
static PEAK_LIVE_HEAP: AtomicU64 = AtomicU64::new(0);

/// Whether this child reports its memory.
pub(crate) fn enabled() -> bool {
    std::env::var_os(ENV).is_some_and(|value| value != "0")
}

/// Bytes the program holds on the heap now: allocated less freed, as the counting allocator
/// saw them (glibc's own bookkeeping and free lists are not in it).
pub(crate) fn live_heap_bytes() -> u64 {
    let stats = crate::ALLOCATOR.stats();
    stats
        .bytes_allocated
        .saturating_sub(stats.bytes_deallocated) as u64
}

/// Records the live heap now, keeping the highest.
pub(crate) fn note_live_heap() {
    PEAK_LIVE_HEAP.fetch_max(live_heap_bytes(), Ordering::Relaxed);
}

/// Prints the `MEMORY` line to stderr if the report is on, and with
/// `TEMPORAL_BENCH_MEMORY=smaps` the whole of `/proc/self/smaps` before it.
pub(crate) fn report_if_enabled() {
    if enabled() {
        note_live_heap();
        if std::env::var_os(ENV).is_some_and(|value| value == "smaps") {
            eprintln!(
                "{}",
                std::fs::read_to_string("/proc/self/smaps").unwrap_or_default()
            );
        }
        eprintln!("{MEMORY_LINE}{}", Breakdown::read().to_json());
    }
}

/// Resident memory by what it maps, in KiB, and the heap as the program sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Breakdown {
    /// `VmHWM` and `VmRSS` of `/proc/self/status`: the peak and the present.
    pub(crate) peak_rss: u64,
    pub(crate) rss: u64,
    /// Pages of the child's own executable: its code and read-only data that ran or were read
    /// ahead, and its writable data.
    pub(crate) executable: u64,
    /// Pages of other files: the C library, the loader, locale data.
    pub(crate) other_files: u64,
    /// glibc's main arena (`[heap]`, grown by `brk`).
    pub(crate) heap: u64,
    /// The main thread's stack.
    pub(crate) stack: u64,
    /// Other anonymous mappings: other threads' stacks, their malloc arenas, allocations
    /// large enough for glibc to `mmap` them.
    pub(crate) anonymous: u64,
    /// Threads of the process now.
    pub(crate) threads: u64,
    /// The live heap now and at its highest after an operation, in KiB.
    pub(crate) live_heap: u64,
    pub(crate) peak_live_heap: u64,
}

impl Breakdown {
    /// Reads the breakdown of this process now.
    pub(crate) fn read() -> Self {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap_or_default();
        let executable = std::env::current_exe()
            .ok()
            .map(|path| path.display().to_string())
            .unwrap_or_default();
        let mut breakdown = Self::from_smaps(&smaps, &executable);
        let field = |name| crate::measure::parse_status_kib(&status, name).unwrap_or(0);
        breakdown.peak_rss = field("VmHWM:");
        breakdown.rss = field("VmRSS:");
        breakdown.threads = crate::measure::parse_status_kib(&status, "Threads:").unwrap_or(0);
        breakdown.live_heap = live_heap_bytes() / 1024;
        breakdown.peak_live_heap = PEAK_LIVE_HEAP.load(Ordering::Relaxed) / 1024;
        breakdown
    }

    /// Groups the `Rss:` of each mapping of `smaps` by what it maps.
    fn from_smaps(smaps: &str, executable: &str) -> Self {
        let mut breakdown = Self::default();
        let mut current: Option<&str> = None;
        for line in smaps.lines() {
            let mut fields = line.split_whitespace();
            let first = fields.next().unwrap_or_default();
            if first.contains('-') && !first.ends_with(':') {
                // A mapping's header: address perms offset dev inode [path].
                current = Some(fields.nth(4).unwrap_or(""));
            } else if first == "Rss:" {
                let kib: u64 = fields.next().and_then(|v| v.parse().ok()).unwrap_or(0);
                let slot = match current.unwrap_or("") {
                    path if !executable.is_empty() && path == executable => {
                        &mut breakdown.executable
                    }
                    "[heap]" => &mut breakdown.heap,
                    "[stack]" => &mut breakdown.stack,
                    path if path.starts_with('/') => &mut breakdown.other_files,
                    _ => &mut breakdown.anonymous,
                };
                *slot += kib;
            }
        }
        breakdown
    }

    fn to_json(&self) -> Value {
        json!({
            "peak_rss_kib": self.peak_rss,
            "rss_kib": self.rss,
            "executable_kib": self.executable,
            "other_files_kib": self.other_files,
            "heap_kib": self.heap,
            "stack_kib": self.stack,
            "anonymous_kib": self.anonymous,
            "threads": self.threads,
            "live_heap_kib": self.live_heap,
            "peak_live_heap_kib": self.peak_live_heap,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smaps_mappings_are_grouped_by_what_they_map() {
        let smaps = "\
55d0-55e0 r-xp 00000000 08:01 42 /work/bench
Size:                 64 kB
Rss:                  40 kB
55e0-55f0 rw-p 00010000 08:01 42 /work/bench
Rss:                   8 kB
5600-5700 rw-p 00000000 00:00 0 [heap]
Rss:                 900 kB
7f00-7f10 rw-p 00000000 00:00 0
Rss:                 132 kB
7f10-7f20 r-xp 00000000 08:01 7 /usr/lib/x86_64-linux-gnu/libc.so.6
Rss:                 600 kB
7ffc-7ffd rw-p 00000000 00:00 0 [stack]
Rss:                  20 kB
7ffe-7fff r-xp 00000000 00:00 0 [vdso]
Rss:                   4 kB
";
        let breakdown = Breakdown::from_smaps(smaps, "/work/bench");
        assert_eq!(
            (
                breakdown.executable,
                breakdown.heap,
                breakdown.stack,
                breakdown.other_files,
                breakdown.anonymous
            ),
            (48, 900, 20, 600, 136)
        );
    }
}
