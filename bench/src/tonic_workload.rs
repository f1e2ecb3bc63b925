//! `temporal-bench-tonic`'s workloads: the same RPCs with the same messages as the client's,
//! built by hand and sent through the generated `WorkflowServiceClient` over tonic's `Channel`
//! (mode `tonic`), and over the transports of issue 16's experiment (transport.rs).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use temporal_client::proto::api::common::v1::{Payload, Payloads, WorkflowExecution, WorkflowType};
use temporal_client::proto::api::enums::v1::HistoryEventFilterType;
use temporal_client::proto::api::query::v1::WorkflowQuery;
use temporal_client::proto::api::taskqueue::v1::TaskQueue;
use temporal_client::proto::api::workflowservice::v1::workflow_service_client::WorkflowServiceClient;
use temporal_client::proto::api::workflowservice::v1::{
    DescribeWorkflowExecutionRequest, GetWorkflowExecutionHistoryRequest,
    ListWorkflowExecutionsRequest, QueryWorkflowRequest, SignalWithStartWorkflowExecutionRequest,
    SignalWorkflowExecutionRequest, StartWorkflowExecutionRequest,
};
use tonic::transport::Endpoint;

use crate::Error;
use crate::drive::{
    NAMESPACE, Operate, QUERY_ANSWER, QUERY_NAME, QUICK_TYPE, SIGNAL_NAME, WAITING_TYPE,
    check_answer, check_listed, run_operations,
};
use crate::measure::Sample;
use crate::operation::{Mode, Operation};
use crate::spec::Job;
use crate::transport::{H2Direct, HyperDirect, Transport};
use crate::workload::{Workload, not_here};

/// The largest message a bare client accepts, as the high-level client does.
const MAX_MESSAGE_BYTES: usize = 128 * 1024 * 1024;

/// Runs one job through the generated client.
pub(crate) async fn run(job: Job) -> Result<Sample, Error> {
    let Job::Operations {
        operation,
        mode,
        ops,
        concurrency,
        payload_bytes,
        run_id,
        targets,
    } = job
    else {
        return Err("history and list jobs are driven by temporal-bench-client".into());
    };
    let address = targets.address.clone();
    let workload = Workload::new(operation, payload_bytes, run_id, targets);
    let concurrency = concurrency.max(1);
    match mode {
        Mode::Tonic => {
            let channel = Endpoint::from_shared(format!("http://{address}"))?
                .connect()
                .await?;
            drive(
                WorkflowServiceClient::new(channel),
                workload,
                ops,
                concurrency,
            )
            .await
        }
        Mode::TonicTuned => {
            let channel = crate::transport::tuned_channel(&address).await?;
            drive(
                WorkflowServiceClient::new(channel),
                workload,
                ops,
                concurrency,
            )
            .await
        }
        Mode::HyperDirect => {
            let service = WorkflowServiceClient::with_origin(
                HyperDirect::connect(&address).await?,
                crate::transport::origin(&address)?,
            );
            drive(service, workload, ops, concurrency).await
        }
        Mode::H2Direct => {
            let service = WorkflowServiceClient::with_origin(
                H2Direct::connect(&address).await?,
                crate::transport::origin(&address)?,
            );
            drive(service, workload, ops, concurrency).await
        }
        other => Err(not_here(other)),
    }
}

/// Runs the workload through `service`, made to take messages as large as the high-level
/// client does.
async fn drive<T: Transport>(
    service: WorkflowServiceClient<T>,
    workload: Workload,
    ops: usize,
    concurrency: usize,
) -> Result<Sample, Error> {
    let service = service
        .max_decoding_message_size(MAX_MESSAGE_BYTES)
        .max_encoding_message_size(MAX_MESSAGE_BYTES);
    run_operations(
        Arc::new(TonicRunner { service, workload }),
        ops,
        concurrency,
    )
    .await
}

/// Makes operation `i` of a workload through the generated client.
struct TonicRunner<T> {
    service: WorkflowServiceClient<T>,
    workload: Workload,
}

impl<T: Transport> TonicRunner<T> {
    /// The same RPCs with the same messages, built by hand and sent through the generated
    /// client: what a caller who writes every request themselves pays.
    async fn operate(&self, i: usize) -> Result<(), Error> {
        let mut service = self.service.clone();
        let targets = &self.workload.targets;
        match self.workload.operation {
            Operation::Start => {
                service
                    .start_workflow_execution(self.start_request(i, &targets.idle_queue)?)
                    .await?;
            }
            Operation::Signal => {
                service
                    .signal_workflow_execution(SignalWorkflowExecutionRequest {
                        namespace: NAMESPACE.to_owned(),
                        workflow_execution: Some(execution(
                            self.workload.waiting_id(i),
                            String::new(),
                        )),
                        signal_name: SIGNAL_NAME.to_owned(),
                        input: Some(self.input()?),
                        identity: identity(),
                        request_id: uuid::Uuid::new_v4().to_string(),
                        ..Default::default()
                    })
                    .await?;
            }
            Operation::Query => {
                let response = service
                    .query_workflow(QueryWorkflowRequest {
                        namespace: NAMESPACE.to_owned(),
                        execution: Some(execution(self.workload.queryable_id(i), String::new())),
                        query: Some(WorkflowQuery {
                            query_type: QUERY_NAME.to_owned(),
                            ..Default::default()
                        }),
                        ..Default::default()
                    })
                    .await?
                    .into_inner();
                let answer = first_payload(response.query_result)?;
                check_answer(
                    &serde_json::from_slice::<String>(&answer.data)?,
                    QUERY_ANSWER,
                )?;
            }
            Operation::Describe => {
                service
                    .describe_workflow_execution(DescribeWorkflowExecutionRequest {
                        namespace: NAMESPACE.to_owned(),
                        execution: Some(execution(self.workload.waiting_id(i), String::new())),
                    })
                    .await?;
            }
            Operation::StartResult => {
                let request = self.start_request(i, &targets.worker_queue)?;
                let workflow_id = request.workflow_id.clone();
                let run_id = service
                    .start_workflow_execution(request)
                    .await?
                    .into_inner()
                    .run_id;
                let answer = wait_for_result(&mut service, workflow_id, run_id).await?;
                check_answer(
                    &serde_json::from_slice::<String>(&answer.data)?,
                    &self.workload.value,
                )?;
            }
            Operation::SignalWithStart => {
                let start = self.start_request(i, &targets.idle_queue)?;
                service
                    .signal_with_start_workflow_execution(SignalWithStartWorkflowExecutionRequest {
                        namespace: start.namespace,
                        workflow_id: start.workflow_id,
                        workflow_type: start.workflow_type,
                        task_queue: start.task_queue,
                        input: start.input,
                        identity: start.identity,
                        request_id: start.request_id,
                        signal_name: SIGNAL_NAME.to_owned(),
                        signal_input: Some(self.input()?),
                        ..Default::default()
                    })
                    .await?;
            }
            Operation::List => {
                let response = service
                    .list_workflow_executions(ListWorkflowExecutionsRequest {
                        namespace: NAMESPACE.to_owned(),
                        query: targets.list_query.clone(),
                        ..Default::default()
                    })
                    .await?
                    .into_inner();
                check_listed(response.executions.len())?;
            }
        }
        Ok(())
    }

    fn start_request(
        &self,
        i: usize,
        task_queue: &str,
    ) -> Result<StartWorkflowExecutionRequest, Error> {
        let (workflow_type, task_queue) = (
            if task_queue == self.workload.targets.worker_queue {
                QUICK_TYPE
            } else {
                WAITING_TYPE
            },
            task_queue.to_owned(),
        );
        Ok(StartWorkflowExecutionRequest {
            namespace: NAMESPACE.to_owned(),
            workflow_id: self.workload.new_id(i),
            workflow_type: Some(WorkflowType {
                name: workflow_type.to_owned(),
            }),
            task_queue: Some(TaskQueue {
                name: task_queue,
                ..Default::default()
            }),
            input: Some(self.input()?),
            identity: identity(),
            request_id: uuid::Uuid::new_v4().to_string(),
            ..Default::default()
        })
    }

    /// The argument as a `json/plain` payload, encoded as the data converter does.
    fn input(&self) -> Result<Payloads, Error> {
        Ok(Payloads {
            payloads: vec![Payload {
                metadata: HashMap::from([("encoding".to_owned(), b"json/plain".to_vec())]),
                data: serde_json::to_vec(&self.workload.value)?.into(),
                ..Default::default()
            }],
        })
    }
}

impl<T: Transport> Operate for TonicRunner<T> {
    async fn run_one(&self, i: usize) -> Result<(), Error> {
        self.operate(i).await
    }
}

/// Long-polls the history for the close event, as `WorkflowHandle::result` does.
async fn wait_for_result<T: Transport>(
    service: &mut WorkflowServiceClient<T>,
    workflow_id: String,
    run_id: String,
) -> Result<Payload, Error> {
    use temporal_client::proto::api::history::v1::history_event::Attributes;
    let mut next_page_token = Vec::new();
    loop {
        let mut request = tonic::Request::new(GetWorkflowExecutionHistoryRequest {
            namespace: NAMESPACE.to_owned(),
            execution: Some(execution(workflow_id.clone(), run_id.clone())),
            wait_new_event: true,
            history_event_filter_type: HistoryEventFilterType::CloseEvent.into(),
            skip_archival: true,
            next_page_token: std::mem::take(&mut next_page_token),
            ..Default::default()
        });
        request.set_timeout(Duration::from_secs(70));
        let response = service
            .get_workflow_execution_history(request)
            .await?
            .into_inner();
        let event = response.history.and_then(|h| h.events.into_iter().last());
        if let Some(event) = event {
            return match event.attributes {
                Some(Attributes::WorkflowExecutionCompletedEventAttributes(completed)) => {
                    first_payload(completed.result)
                }
                other => Err(format!("the workflow did not complete: {other:?}").into()),
            };
        }
        next_page_token = response.next_page_token;
    }
}

fn execution(workflow_id: String, run_id: String) -> WorkflowExecution {
    WorkflowExecution {
        workflow_id,
        run_id,
    }
}

fn identity() -> String {
    format!("{}@bench", std::process::id())
}

fn first_payload(payloads: Option<Payloads>) -> Result<Payload, Error> {
    payloads
        .and_then(|p| p.payloads.into_iter().next())
        .ok_or_else(|| "the answer has no payload".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Targets;

    #[test]
    fn client_modes_and_streamed_jobs_are_refused_before_any_dial() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let job = Job::Operations {
            operation: Operation::Describe,
            mode: Mode::Client,
            ops: 1,
            concurrency: 1,
            payload_bytes: 0,
            run_id: "r".to_owned(),
            targets: Targets {
                // Nothing listens there: the refusal comes first.
                address: "127.0.0.1:1".to_owned(),
                worker_queue: "w".to_owned(),
                idle_queue: "i".to_owned(),
                waiting_prefix: "w".to_owned(),
                waiting_count: 1,
                queryable_prefix: "q".to_owned(),
                queryable_count: 1,
                list_query: "x".to_owned(),
            },
        };
        let err = runtime.block_on(run(job)).expect_err("refused");
        assert!(err.to_string().contains("another workload binary"), "{err}");
        let history = Job::History {
            address: "127.0.0.1:1".to_owned(),
            workflow_id: "h".to_owned(),
        };
        let err = runtime.block_on(run(history)).expect_err("refused");
        assert!(err.to_string().contains("temporal-bench-client"), "{err}");
    }
}
