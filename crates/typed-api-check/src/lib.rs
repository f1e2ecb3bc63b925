//! Uses the typed API of `temporal-client` end to end (connect, start, signal, query, update,
//! result, describe, list, count, and every error matched on its facts) with no dependency
//! but `temporal-client` and `tokio`: if a typed signature named a `tonic`, `prost` or
//! `temporal-proto` type that a caller must write, this crate would not compile.
//!
//! It is compiled, not run (`cargo build -p temporal-typed-api-check`); the behaviour is
//! tested in `crates/client/tests`.

use std::time::Duration;

use temporal_client::{
    CallOptions, Client, Code, ConnectError, Connection, ConnectionOptions, Error, FailureKind,
    QueryRejectCondition, RetryState, StartOptions, TimeoutType, Untyped, WorkflowExecutionStatus,
    WorkflowIdConflictPolicy, WorkflowIdReusePolicy, WorkflowOutcome, by_name,
};

/// What went wrong, said in the application's words: every `Error` variant is matched on
/// the crate's own types.
pub fn explain(error: &Error) -> String {
    match error {
        Error::Connect(connect) => match &**connect {
            ConnectError::Transport { address, source } => {
                format!("cannot reach {address}: {source}")
            }
            ConnectError::TimedOut { address, timeout } => {
                format!("{address}: no answer in {timeout:?}")
            }
            other => other.to_string(),
        },
        Error::NotFound(missing) => format!(
            "no workflow {} (run {:?}): {}",
            missing.workflow_id, missing.run_id, missing.message
        ),
        Error::AlreadyStarted {
            workflow_id,
            run_id,
        } => format!("{workflow_id} runs as {run_id}"),
        Error::WorkflowFailed(failed) => {
            let how = match failed.outcome() {
                WorkflowOutcome::Cancelled => "cancelled".to_owned(),
                WorkflowOutcome::Terminated => "terminated".to_owned(),
                WorkflowOutcome::TimedOut => "timed out".to_owned(),
                _ => format!("failed with {:?}", failed.application_failure_type()),
            };
            let retried = failed.retry_state == Some(RetryState::MaximumAttemptsReached);
            let heartbeat = matches!(
                failed.failure.root_cause().kind(),
                FailureKind::Timeout {
                    timeout_type: Some(TimeoutType::Heartbeat),
                    ..
                }
            );
            format!(
                "{} {how} (out of attempts: {retried}, heartbeat: {heartbeat})",
                failed.workflow_id
            )
        }
        Error::FailureUndecodable(undecodable) => format!("{undecodable}"),
        Error::QueryRejected { status } => format!("rejected in {status:?}"),
        Error::HistoryWrite {
            workflow_id,
            source,
        } => format!("{workflow_id}: {source}"),
        Error::Rpc(rpc) if rpc.code() == Code::PermissionDenied => "no access".to_owned(),
        Error::Rpc(rpc) => format!("{} {}", rpc.code(), rpc.message()),
        other => other.to_string(),
    }
}

/// Connect, start, signal, query, update, await, describe, list and count, with `?` from
/// connecting to calling in one function.
pub async fn end_to_end(address: &str) -> Result<String, Error> {
    let connection = Connection::connect(ConnectionOptions::new(address)).await?;
    let client = Client::new(connection)
        .with_call_options(CallOptions::default().timeout(Duration::from_secs(10)))?;
    let options = StartOptions::new("typed-api-1", "typed-api")
        .id_reuse_policy(WorkflowIdReusePolicy::AllowDuplicateFailedOnly)
        .id_conflict_policy(WorkflowIdConflictPolicy::UseExisting);
    let handle = client.start("counter", (1,), options).await?;
    handle.signal(by_name("increment").arg(2)).await?;
    let value: i64 = handle
        .query_with_reject_condition("value", QueryRejectCondition::NotOpen)
        .await?;
    let updated: i64 = handle.execute_update(by_name("add").arg(3)).await?;
    let description = handle.describe().await?;
    let running = description.info.status == Some(WorkflowExecutionStatus::Running);
    let mut listed = client.list("WorkflowType = 'counter'");
    let mut count = 0;
    while let Some(info) = listed.next().await {
        count += usize::from(info?.status == Some(WorkflowExecutionStatus::Completed));
    }
    let total = client.count("").await?.count;
    let again = client.get_handle::<Untyped>(handle.workflow_id());
    let result: String = match again.result().await {
        Ok(result) => result,
        Err(error @ Error::WorkflowFailed(_)) => explain(&error),
        Err(error) => return Err(error),
    };
    Ok(format!(
        "{value} {updated} {running} {count} {total} {result}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_explained_from_the_crates_own_types() {
        let error = Error::from(ConnectError::InvalidOption {
            option: "address",
            reason: "empty".to_owned(),
        });
        assert_eq!(explain(&error), "invalid connection option address: empty");
    }

    #[tokio::test]
    async fn connecting_to_nothing_is_a_typed_error_through_question_mark() {
        // Port 1 refuses at once: the error comes through `?` as `Error::Connect`.
        let error = end_to_end("127.0.0.1:1")
            .await
            .expect_err("nothing listens on port 1");
        assert!(matches!(error, Error::Connect(_)), "{error:?}");
    }
}
