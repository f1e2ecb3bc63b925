//! The short-lived connection a starting process is probed through.

use std::time::Duration;

use temporal_proto::api::workflowservice::v1::workflow_service_client::WorkflowServiceClient;
use tonic::transport::{Channel, Endpoint};

/// A client for the server at `target`, or `None` while nothing accepts connections there.
/// Timeouts are short, so a probe never outlives the caller's own deadline by much.
pub(crate) async fn probe_client(target: &str) -> Option<WorkflowServiceClient<Channel>> {
    let channel = Endpoint::from_shared(target.to_owned())
        .ok()?
        .connect_timeout(Duration::from_secs(1))
        .timeout(Duration::from_secs(5))
        .connect()
        .await
        .ok()?;
    Some(WorkflowServiceClient::new(channel))
}
