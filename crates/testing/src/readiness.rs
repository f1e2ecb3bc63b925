//! Waiting for a starting process to be ready, and the short-lived connection it is probed
//! through.

use std::future::Future;
use std::process::ExitStatus;
use std::time::{Duration, Instant};

use temporal_proto::api::workflowservice::v1::workflow_service_client::WorkflowServiceClient;
use temporal_proto::api::workflowservice::v1::{DescribeNamespaceRequest, GetSystemInfoRequest};
use tonic::transport::{Channel, Endpoint};

use crate::process::ManagedChild;

/// How a starting process failed to become ready; each server turns it into its own error.
#[derive(Debug)]
pub(crate) enum StartupFailure {
    /// The process exited first.
    Exited {
        status: ExitStatus,
        /// The first and last lines it printed.
        output: String,
    },
    /// `ready` did not answer `true` in time; the process is still running.
    NotReady {
        /// The first and last lines it printed.
        output: String,
    },
}

/// Whether a server's output says that its port was taken, which a retry on another port (or
/// after a moment, on the same one) fixes. Go says "address already in use", Java "Address
/// already in use".
pub(crate) fn mentions_address_in_use(output: &str) -> bool {
    output
        .to_ascii_lowercase()
        .contains("address already in use")
}

/// Asks `ready` every `interval` until it answers `true`, the process exits, or `timeout`
/// passes.
pub(crate) async fn wait_until_ready<F, Fut>(
    process: &mut ManagedChild,
    timeout: Duration,
    interval: Duration,
    mut ready: F,
) -> Result<(), StartupFailure>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = process.exit_status().await {
            return Err(StartupFailure::Exited {
                status,
                output: process.log_excerpt(),
            });
        }
        if ready().await {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(StartupFailure::NotReady {
                output: process.log_excerpt(),
            });
        }
        tokio::time::sleep(interval).await;
    }
}

/// A client for the server at `target`, or `None` while nothing accepts connections there.
/// Timeouts are short, so a probe never outlives the caller's own deadline by much.
pub(crate) async fn probe_client(target: &str) -> Option<WorkflowServiceClient<Channel>> {
    probe_channel(target).await.map(WorkflowServiceClient::new)
}

/// A channel to the server at `target`, with the timeouts of [`probe_client`].
pub(crate) async fn probe_channel(target: &str) -> Option<Channel> {
    Endpoint::from_shared(target.to_owned())
        .ok()?
        .connect_timeout(Duration::from_secs(1))
        .timeout(Duration::from_secs(5))
        .connect()
        .await
        .ok()
}

/// Whether the server at `target` answers `GetSystemInfo`, and `DescribeNamespace` for each
/// namespace.
pub(crate) async fn answers(target: &str, namespaces: &[String]) -> bool {
    let Some(mut client) = probe_client(target).await else {
        return false;
    };
    if client
        .get_system_info(GetSystemInfoRequest::default())
        .await
        .is_err()
    {
        return false;
    }
    for namespace in namespaces {
        let request = DescribeNamespaceRequest {
            namespace: namespace.clone(),
            ..Default::default()
        };
        if client.describe_namespace(request).await.is_err() {
            return false;
        }
    }
    true
}
