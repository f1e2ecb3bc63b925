//! Values as other SDKs and the server write them: search attributes written the TypeScript
//! client's way, the static summary and details, and the run a failure belongs to when the
//! handle knew only the workflow id.

use temporal_client::proto::api::common::v1::{
    Payload, SearchAttributes as ProtoSearchAttributes, WorkflowType,
};
use temporal_client::proto::api::taskqueue::v1::TaskQueue;
use temporal_client::proto::api::workflowservice::v1::StartWorkflowExecutionRequest;
use temporal_client::{Error, SearchAttributeKey, Untyped};

use crate::support::{TestEnv, unique};

/// A JSON payload without the `type` metadata, as the TypeScript client's deprecated
/// `searchAttributes` option writes every value: a one-element array.
fn typescript_style(json: &str) -> Payload {
    Payload {
        metadata: [("encoding".to_owned(), b"json/plain".to_vec())].into(),
        data: json.as_bytes().to_vec().into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn search_attributes_written_as_one_element_arrays_are_read() {
    let env = TestEnv::start().await;
    let workflow_id = unique("ts-attributes");
    let request = StartWorkflowExecutionRequest {
        namespace: env.client.namespace().to_owned(),
        workflow_id: workflow_id.clone(),
        workflow_type: Some(WorkflowType {
            name: "counter".to_owned(),
        }),
        task_queue: Some(TaskQueue {
            name: env.task_queue.clone(),
            ..Default::default()
        }),
        input: Some(temporal_client::proto::api::common::v1::Payloads {
            payloads: vec![typescript_style("1")],
        }),
        identity: "typescript-style".to_owned(),
        request_id: uuid::Uuid::new_v4().to_string(),
        search_attributes: Some(ProtoSearchAttributes {
            indexed_fields: [
                ("CustomKeyword".to_owned(), typescript_style(r#"["kw"]"#)),
                ("CustomInt".to_owned(), typescript_style("[7]")),
            ]
            .into(),
        }),
        ..Default::default()
    };
    env.client
        .raw_workflow_service()
        .start_workflow_execution(request)
        .await
        .expect("the server accepts the TypeScript client's form");

    let info = env
        .client
        .get_handle::<Untyped>(&workflow_id)
        .describe()
        .await
        .expect("described")
        .info;
    // The server keeps the arrays as written.
    assert_eq!(
        info.search_attributes.get_json("CustomKeyword"),
        Some(&serde_json::json!(["kw"]))
    );
    assert_eq!(
        info.search_attributes.get_json("CustomInt"),
        Some(&serde_json::json!([7]))
    );
    let keyword = SearchAttributeKey::keyword("CustomKeyword");
    let number = SearchAttributeKey::int("CustomInt");
    assert_eq!(
        info.search_attributes.get(&keyword),
        Some("kw".to_owned()),
        "as stored: {:?}",
        info.search_attributes.get_json("CustomKeyword")
    );
    assert_eq!(info.search_attributes.get(&number), Some(7));
    assert_eq!(info.search_attributes.try_get(&number), Ok(Some(7)));
    // Absent and of another type are told apart.
    assert_eq!(
        info.search_attributes
            .try_get(&SearchAttributeKey::keyword("CustomText")),
        Ok(None)
    );
    assert!(
        info.search_attributes
            .try_get(&SearchAttributeKey::bool("CustomKeyword"))
            .is_err()
    );
    assert!(
        info.raw_info().search_attributes.is_none(),
        "held once, decoded"
    );
}

#[tokio::test]
async fn describe_decodes_the_static_summary_and_details() {
    let env = TestEnv::start().await;
    let handle = env
        .client
        .start(
            "counter",
            (1,),
            env.options("summary")
                .static_summary("Order 1234 for c-42")
                .static_details("Two items, express shipping."),
        )
        .await
        .expect("started");
    let description = handle.describe().await.expect("described");
    assert_eq!(
        description.static_summary.as_deref(),
        Some("Order 1234 for c-42")
    );
    assert_eq!(
        description.static_details.as_deref(),
        Some("Two items, express shipping.")
    );

    let plain = env
        .client
        .start("counter", (1,), env.options("no-summary"))
        .await
        .expect("started")
        .describe()
        .await
        .expect("described");
    assert_eq!(plain.static_summary, None);
    assert_eq!(plain.static_details, None);
}

#[tokio::test]
async fn a_failure_awaited_by_id_alone_names_the_run_that_failed() {
    let env = TestEnv::start().await;
    let started = env
        .client
        .start("fail", ("the order is invalid",), env.options("fail-by-id"))
        .await
        .expect("started");
    let run_id = started
        .first_execution_run_id()
        .expect("a run id")
        .to_owned();
    let by_id = env.client.get_handle::<Untyped>(started.workflow_id());
    assert_eq!(by_id.run_id(), None);
    match by_id.result::<()>().await {
        Err(Error::WorkflowFailed(failed)) => {
            assert_eq!(failed.run_id, run_id);
            assert_eq!(failed.workflow_id, started.workflow_id());
        }
        other => panic!("expected WorkflowFailed, got {other:?}"),
    }
}
