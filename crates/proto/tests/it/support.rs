//! What the tests share: a server with a connected client, and request builders.

use std::time::Duration;

use temporal_proto::api::common::v1::{Payload, Payloads, WorkflowType};
use temporal_proto::api::taskqueue::v1::TaskQueue;
use temporal_proto::api::workflowservice::v1::StartWorkflowExecutionRequest;
use temporal_proto::api::workflowservice::v1::workflow_service_client::WorkflowServiceClient;
use temporal_testing::{DevServer, DevServerOptions};
use tonic::transport::Channel;

/// A dev server of the test's own and a channel to it.
pub(crate) struct Server {
    pub(crate) server: DevServer,
    pub(crate) channel: Channel,
}

impl Server {
    pub(crate) async fn start(options: DevServerOptions) -> Self {
        let server = DevServer::start_with(options)
            .await
            .expect("a dev server starts (run `cargo xtask setup` to install the CLI)");
        let channel = tonic::transport::Endpoint::from_shared(server.target())
            .expect("the server's target is a valid URI")
            .timeout(Duration::from_secs(10))
            .connect()
            .await
            .expect("the dev server accepts connections");
        Self { server, channel }
    }

    pub(crate) fn workflow_service(&self) -> WorkflowServiceClient<Channel> {
        WorkflowServiceClient::new(self.channel.clone())
    }
}

/// A `json/plain` payload, as every SDK's default data converter writes a JSON value.
pub(crate) fn json_payload(json: &str) -> Payload {
    Payload {
        metadata: [("encoding".to_owned(), b"json/plain".to_vec())].into(),
        data: json.as_bytes().to_vec().into(),
        ..Default::default()
    }
}

/// A start request for workflow type `example` on task queue `queue`, with one argument.
pub(crate) fn start_request(
    workflow_id: &str,
    queue: &str,
    arg: Payload,
) -> StartWorkflowExecutionRequest {
    StartWorkflowExecutionRequest {
        namespace: "default".to_owned(),
        workflow_id: workflow_id.to_owned(),
        request_id: uuid::Uuid::new_v4().to_string(),
        workflow_type: Some(WorkflowType {
            name: "example".to_owned(),
        }),
        task_queue: Some(TaskQueue {
            name: queue.to_owned(),
            ..Default::default()
        }),
        input: Some(Payloads {
            payloads: vec![arg],
        }),
        identity: "temporal-proto-tests".to_owned(),
        ..Default::default()
    }
}

/// A fresh id for a workflow or task queue, so that tests never collide.
pub(crate) fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4())
}
