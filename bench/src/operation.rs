//! The operations the table measures, and the ways each is made.

use std::fmt;
use std::str::FromStr;

/// One kind of request the benchmark repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    Start,
    Signal,
    Query,
    Describe,
    StartResult,
    SignalWithStart,
    List,
}

impl Operation {
    /// Every operation, in table order.
    pub(crate) const ALL: [Operation; 7] = [
        Operation::Start,
        Operation::Signal,
        Operation::Query,
        Operation::Describe,
        Operation::StartResult,
        Operation::SignalWithStart,
        Operation::List,
    ];

    /// The operations issue 16's CPU goals name, at one and at 32 operations in flight.
    pub(crate) const GOALS: [Operation; 5] = [
        Operation::Start,
        Operation::Signal,
        Operation::Query,
        Operation::Describe,
        Operation::StartResult,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Operation::Start => "start",
            Operation::Signal => "signal",
            Operation::Query => "query",
            Operation::Describe => "describe",
            Operation::StartResult => "start+result",
            Operation::SignalWithStart => "signal-with-start",
            Operation::List => "list",
        }
    }

    /// What one operation does, for the report.
    pub(crate) fn description(self) -> &'static str {
        match self {
            Operation::Start => "start a workflow (no worker polls its queue)",
            Operation::Signal => "signal a running workflow",
            Operation::Query => "query a running workflow (a Python worker answers)",
            Operation::Describe => "describe a running workflow",
            Operation::StartResult => {
                "start a workflow and wait for its result (a Python worker runs it)"
            }
            Operation::SignalWithStart => "signal-with-start a new workflow",
            Operation::List => "list 10 workflows by a visibility query (one page)",
        }
    }

    /// The figures of the official Rust client (temporalio-client 1.1.1, gzip on) for this
    /// operation, as the issue gives them: CPU µs/op. Only the fallback of a run that could
    /// not build the official client, which is otherwise measured in the same run.
    pub(crate) fn official_cpu_us(self) -> Option<f64> {
        match self {
            Operation::Start => Some(350.0),
            Operation::Signal => Some(225.0),
            Operation::Describe => Some(175.0),
            Operation::StartResult => Some(950.0),
            _ => None,
        }
    }

    /// The official client's figure with its gzip off, where the issue gives one.
    pub(crate) fn official_no_gzip_cpu_us(self) -> Option<f64> {
        match self {
            Operation::Describe => Some(66.0),
            _ => None,
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Operation {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        Operation::ALL
            .into_iter()
            .find(|op| op.name() == name)
            .ok_or_else(|| {
                let known: Vec<_> = Operation::ALL.iter().map(|op| op.name()).collect();
                format!(
                    "unknown operation `{name}`; expected one of {}",
                    known.join(", ")
                )
            })
    }
}

/// How an operation is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// temporal-client's high-level API.
    Client,
    /// A bare tonic call of the same RPC with the same message, from the generated client.
    Tonic,
    /// The official Rust client, temporalio-client 1.1.1 (its own binary, `bench/official`),
    /// with its gzip compression on (its default) or off.
    Official { gzip: bool },
    /// Experiments, measured only when asked for (`--experiment`): the generated client over
    /// hyper's HTTP/2 `SendRequest` directly, no `Buffer` (transport.rs).
    HyperDirect,
    /// The generated client over h2's `SendRequest`, driven from the caller's task.
    H2Direct,
    /// temporal-client over its direct HTTP/2 transport (`Http2Transport::Direct`): h2-direct
    /// integrated, with reconnection, keepalive and flow control.
    ClientDirect,
    /// Bare tonic with tuned HTTP/2 settings.
    TonicTuned,
    /// temporal-client with one interceptor that does nothing installed.
    ClientIntercepted,
    /// temporal-client with a subscriber recording its `tracing` spans (the bench's `tracing`
    /// feature).
    ClientTraced,
}

impl Mode {
    pub(crate) const ALL: [Mode; 4] = [
        Mode::Client,
        Mode::Tonic,
        Mode::Official { gzip: false },
        Mode::Official { gzip: true },
    ];

    /// The experiments `--experiment` can add to a run, in table order.
    pub(crate) const EXPERIMENTS: [Mode; 6] = [
        Mode::HyperDirect,
        Mode::H2Direct,
        Mode::ClientDirect,
        Mode::TonicTuned,
        Mode::ClientIntercepted,
        Mode::ClientTraced,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Mode::HyperDirect => "hyper-direct",
            Mode::H2Direct => "h2-direct",
            Mode::ClientDirect => "client-direct",
            Mode::TonicTuned => "tonic-tuned",
            Mode::ClientIntercepted => "client-intercepted",
            Mode::ClientTraced => "client-traced",
            Mode::Client => "client",
            Mode::Tonic => "tonic",
            Mode::Official { gzip: false } => "official",
            Mode::Official { gzip: true } => "official-gzip",
        }
    }

    /// What makes the calls, for the progress lines and the report.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Mode::Client => "temporal-client",
            Mode::Tonic => "bare tonic",
            Mode::Official { gzip: false } => "the official client, gzip off",
            Mode::Official { gzip: true } => "the official client, gzip on",
            Mode::HyperDirect => "hyper's SendRequest, no Buffer",
            Mode::H2Direct => "h2's SendRequest from the caller's task",
            Mode::ClientDirect => {
                "temporal-client, direct HTTP/2 transport (`http2-direct`, a binary of its own)"
            }
            Mode::TonicTuned => "bare tonic, tuned HTTP/2 settings",
            Mode::ClientIntercepted => "temporal-client, one no-op interceptor",
            Mode::ClientTraced => "temporal-client, spans recorded",
        }
    }
}

impl FromStr for Mode {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        let modes = || Mode::ALL.into_iter().chain(Mode::EXPERIMENTS);
        modes().find(|mode| mode.name() == name).ok_or_else(|| {
            let known: Vec<_> = modes().map(|mode| mode.name()).collect();
            format!(
                "unknown mode `{name}`; expected one of {}",
                known.join(", ")
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_ones_list_the_known() {
        for op in Operation::ALL {
            assert_eq!(op.name().parse::<Operation>(), Ok(op));
        }
        for mode in Mode::ALL.into_iter().chain(Mode::EXPERIMENTS) {
            assert_eq!(mode.name().parse::<Mode>(), Ok(mode));
        }
        let err = "update".parse::<Operation>().expect_err("unknown");
        assert!(err.contains("signal-with-start"), "{err}");
        let err = "official-zstd".parse::<Mode>().expect_err("unknown");
        assert!(err.contains("official-gzip"), "{err}");
    }
}
