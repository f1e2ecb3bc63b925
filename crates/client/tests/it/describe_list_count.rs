//! Describe, list and count, and the history stream.

use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use temporal_client::HistoryEventType as EventType;
use temporal_client::{SearchAttributeKey, SearchAttributes, WorkflowExecutionStatus};

use crate::support::{TestEnv, unique};

#[tokio::test]
async fn describe_decodes_status_memo_and_search_attributes() {
    let env = TestEnv::start().await;
    let keyword = SearchAttributeKey::keyword("CustomKeyword");
    let number = SearchAttributeKey::int("CustomInt");
    let options = env
        .options("describe")
        .memo("owner", "team-a")
        .search_attributes(
            SearchAttributes::new()
                .with(&keyword, "kw".to_owned())
                .with(&number, 7),
        );
    let handle = env
        .client
        .start("counter", (0,), options)
        .await
        .expect("started");
    let description = handle.describe().await.expect("describe");
    let info = &description.info;
    assert_eq!(info.workflow_id, handle.workflow_id());
    assert_eq!(Some(info.run_id.as_str()), handle.first_execution_run_id());
    assert_eq!(info.workflow_type, "counter");
    assert_eq!(info.status, Some(WorkflowExecutionStatus::Running));
    assert_eq!(info.task_queue, env.task_queue);
    assert!(info.start_time.is_some());
    assert!(info.close_time.is_none());
    assert!(info.history_length >= 2);
    assert_eq!(
        info.memo
            .get::<String>("owner")
            .expect("a string")
            .expect("a memo"),
        "team-a"
    );
    assert_eq!(info.search_attributes.get(&keyword), Some("kw".to_owned()));
    assert_eq!(info.search_attributes.get(&number), Some(7));
    assert!(info.parent.is_none());
    assert!(
        description.raw_response().execution_config.is_some(),
        "the raw response is kept"
    );
}

#[tokio::test]
async fn list_and_count_find_workflows_by_query() {
    let env = TestEnv::start().await;
    let marker = unique("batch");
    let keyword = SearchAttributeKey::keyword("CustomKeyword");
    let mut ids = Vec::new();
    for _ in 0..3 {
        let options = env
            .options("listed")
            .search_attributes(SearchAttributes::new().with(&keyword, marker.clone()));
        let handle = env
            .client
            .start("example", ("list",), options)
            .await
            .expect("started");
        let _: String = handle.result().await.expect("completes");
        ids.push(handle.workflow_id().to_owned());
    }
    let running = env
        .client
        .start(
            "waitForever",
            (),
            env.options("listed")
                .search_attributes(SearchAttributes::new().with(&keyword, marker.clone())),
        )
        .await
        .expect("started");

    let query = format!("CustomKeyword = '{marker}'");
    // Visibility is eventually consistent: wait until all four are indexed.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let count = env.client.count(&query).await.expect("count");
        if count.count == 4 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "only {} of 4 indexed",
            count.count
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let listed: Vec<_> = env
        .client
        .list(format!("{query} AND ExecutionStatus = 'Completed'"))
        .map(|item| item.expect("a page"))
        .collect()
        .await;
    let mut listed_ids: Vec<String> = listed.iter().map(|info| info.workflow_id.clone()).collect();
    listed_ids.sort();
    ids.sort();
    assert_eq!(listed_ids, ids);
    assert!(listed.iter().all(|info| info.workflow_type == "example"));

    let grouped = env
        .client
        .count(format!("{query} GROUP BY ExecutionStatus"))
        .await
        .expect("count with groups");
    assert_eq!(grouped.count, 4);
    let mut groups: Vec<(String, i64)> = grouped
        .groups
        .iter()
        .map(|group| {
            (
                group.values[0].as_str().unwrap_or_default().to_owned(),
                group.count,
            )
        })
        .collect();
    groups.sort();
    assert_eq!(
        groups,
        [("Completed".to_owned(), 3), ("Running".to_owned(), 1)]
    );

    let err = env
        .client
        .count("this is not a query")
        .await
        .expect_err("malformed");
    assert!(matches!(err, temporal_client::Error::Rpc(_)), "{err:?}");
    drop(running);
}

#[tokio::test]
async fn fetch_history_streams_every_event_in_order() {
    let env = TestEnv::start().await;
    let handle = env
        .client
        .start("example", ("history",), env.options("history"))
        .await
        .expect("started");
    let _: String = handle.result().await.expect("completes");
    let types: Vec<Option<EventType>> = handle
        .fetch_history()
        .map(|event| event.expect("a page").event_type())
        .collect()
        .await;
    assert_eq!(
        types,
        [
            Some(EventType::WorkflowExecutionStarted),
            Some(EventType::WorkflowTaskScheduled),
            Some(EventType::WorkflowTaskStarted),
            Some(EventType::WorkflowTaskCompleted),
            Some(EventType::WorkflowExecutionCompleted),
        ]
    );
}

#[tokio::test]
async fn a_history_exports_as_the_json_the_cli_prints() {
    let env = TestEnv::start().await;
    let handle = env
        .client
        .start("example", ("json",), env.options("json"))
        .await
        .expect("started");
    let _: String = handle.result().await.expect("completes");
    let mut exported = Vec::new();
    let count = handle
        .write_history_json(&mut exported)
        .await
        .expect("written");
    assert_eq!(count, 5);

    let cli = temporal_testing::temporal_cli().expect("the CLI is installed");
    let output = std::process::Command::new(cli)
        .args([
            "workflow",
            "show",
            "--output",
            "json",
            "--workflow-id",
            handle.workflow_id(),
        ])
        .args(["--address", &env.address().to_string()])
        .output()
        .expect("the CLI runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let ours: serde_json::Value = serde_json::from_slice(&exported).expect("valid JSON");
    let theirs: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert_eq!(ours, theirs);
    let history: temporal_client::proto::api::history::v1::History =
        serde_json::from_slice(&exported).expect("reads back");
    assert_eq!(history.events.len(), 5);
}
