//! Schedules: created, described, listed, updated, paused, triggered, backfilled and
//! deleted on a dev server, with the Python `example` workflow as their action. Triggers and
//! backfills make the schedules act at once, so no test waits on the clock.

use std::future::Future;
use std::time::{Duration, SystemTime};

use futures_util::StreamExt as _;
use temporal_client::{
    CalendarSpec, CreateScheduleOptions, Error, Schedule, ScheduleAction, ScheduleBackfill,
    ScheduleDescription, ScheduleHandle, ScheduleOverlapPolicy, ScheduleRange, ScheduleSpec,
    ScheduleUpdate, SearchAttributeKey, SearchAttributes, StartOptions, Untyped, workflow,
};

use crate::support::{TestEnv, unique};

/// The Python `example` workflow.
#[workflow(name = "example")]
trait Greeting {
    #[run]
    async fn run(&mut self, name: String) -> String;
}

/// Polls `check` until it gives a value, for what the server does in the background.
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    for _ in 0..200 {
        if let Some(value) = check().await {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

async fn describe(handle: &ScheduleHandle) -> ScheduleDescription {
    handle.describe().await.expect("described")
}

/// A schedule of the `example` workflow, paused, on a spec that would not act for a day.
fn daily_greeting(env: &TestEnv, name: &str) -> Schedule {
    Schedule::new(
        ScheduleAction::start_workflow(
            Greeting,
            name.to_owned(),
            StartOptions::new(unique("greeting"), env.task_queue.clone()),
        ),
        ScheduleSpec::default().calendar(CalendarSpec::default().hour([ScheduleRange::new(3)])),
    )
    .paused("created paused by the test")
}

#[tokio::test]
async fn a_created_schedule_describes_as_it_was_made() {
    let env = TestEnv::start().await;
    let id = unique("schedule");
    let start_at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_900_000_000);
    let schedule = Schedule::new(
        // A name made at run time: by name, with a tuple of arguments.
        ScheduleAction::start_workflow_by_name(
            String::from("exam") + "ple",
            ("described",),
            StartOptions::new("described-greeting", env.task_queue.clone())
                .run_timeout(Duration::from_secs(60))
                .memo("origin", "schedule test"),
        ),
        ScheduleSpec::default()
            .interval_with_phase(Duration::from_secs(3600), Duration::from_secs(60))
            .calendar(
                CalendarSpec::default()
                    .hour([ScheduleRange::range(8, 17).step(3)])
                    .day_of_week([ScheduleRange::range(1, 5)])
                    .comment("office hours"),
            )
            .cron("30 6 * * *")
            .exclude(CalendarSpec::default().month([ScheduleRange::new(12)]))
            .start_at(start_at)
            .jitter(Duration::from_secs(5))
            .time_zone("Europe/Paris"),
    )
    .overlap_policy(ScheduleOverlapPolicy::BufferAll)
    .catchup_window(Duration::from_secs(600))
    .pause_on_failure()
    .paused("not yet")
    .remaining_actions(5);
    let keyword = SearchAttributeKey::keyword("CustomKeyword");
    let handle = env
        .client
        .create_schedule(
            &id,
            schedule,
            CreateScheduleOptions::default()
                .memo("owner", "team-reports")
                .search_attributes(SearchAttributes::new().with(&keyword, "reports")),
        )
        .await
        .expect("created");
    assert_eq!(handle.id(), id);

    let description = describe(&handle).await;
    let schedule = &description.schedule;
    assert_eq!(schedule.action.workflow_type(), "example");
    let args = schedule.action.args().expect("described arguments");
    assert_eq!(args.get::<String>(0).expect("a string"), "described");
    let options = format!("{:?}", schedule.action.options());
    for expected in [
        "described-greeting",
        "run_timeout: Some(60s)",
        "schedule test",
    ] {
        assert!(options.contains(expected), "{expected} not in {options}");
    }

    let spec = &schedule.spec;
    assert_eq!(spec.intervals.len(), 1);
    assert_eq!(spec.intervals[0].every, Duration::from_secs(3600));
    assert_eq!(spec.intervals[0].phase, Some(Duration::from_secs(60)));
    // The server keeps the cron string as a calendar, besides the one given as a calendar.
    assert_eq!(spec.calendars.len(), 2, "{spec:?}");
    let office = spec
        .calendars
        .iter()
        .find(|calendar| calendar.comment == "office hours")
        .expect("the calendar");
    assert_eq!(office.hour, [ScheduleRange::range(8, 17).step(3)]);
    assert_eq!(office.day_of_week, [ScheduleRange::range(1, 5)]);
    assert!(
        spec.calendars
            .iter()
            .any(|calendar| calendar.hour == [ScheduleRange::new(6)]
                && calendar.minute == [ScheduleRange::new(30)]),
        "{spec:?}"
    );
    assert_eq!(spec.excluded_calendars.len(), 1);
    assert_eq!(spec.excluded_calendars[0].month, [ScheduleRange::new(12)]);
    assert_eq!(spec.start_at, Some(start_at));
    assert_eq!(spec.jitter, Some(Duration::from_secs(5)));
    assert_eq!(spec.time_zone.as_deref(), Some("Europe/Paris"));

    assert_eq!(schedule.policies.overlap, ScheduleOverlapPolicy::BufferAll);
    assert_eq!(
        schedule.policies.catchup_window,
        Some(Duration::from_secs(600))
    );
    assert!(schedule.policies.pause_on_failure);
    assert!(schedule.state.paused);
    assert_eq!(schedule.state.note, "not yet");
    assert_eq!(schedule.state.remaining_actions, Some(5));

    assert_eq!(
        description
            .memo
            .get::<String>("owner")
            .expect("a memo")
            .expect("a string"),
        "team-reports"
    );
    assert_eq!(
        description.search_attributes.get(&keyword).as_deref(),
        Some("reports")
    );
    assert_eq!(description.info.num_actions, 0);
    assert!(description.info.created_at.is_some());

    // Listed, with the summary, once visibility has it.
    let listed = eventually("the schedule to be listed", || {
        let client = env.client.clone();
        let id = id.clone();
        async move {
            let mut schedules = client.list_schedules("TemporalSchedulePaused = true");
            let mut found = None;
            while let Some(entry) = schedules.next().await {
                let entry = entry.expect("a list page");
                if entry.id == id {
                    found = Some(entry);
                }
            }
            found
        }
    })
    .await;
    let info = listed.info.expect("a summary");
    assert_eq!(info.workflow_type, "example");
    assert!(info.paused);
    assert_eq!(
        listed
            .memo
            .get::<String>("owner")
            .expect("a memo")
            .expect("a string"),
        "team-reports"
    );

    handle.delete().await.expect("deleted");
    let error = handle.describe().await.unwrap_err();
    assert!(
        matches!(&error, Error::ScheduleNotFound { schedule_id } if *schedule_id == id),
        "{error:?}"
    );
}

#[tokio::test]
async fn triggered_runs_are_listed_and_return_their_results() {
    let env = TestEnv::start().await;
    let id = unique("schedule");
    let handle = env
        .client
        .create_schedule(
            &id,
            daily_greeting(&env, "schedule"),
            CreateScheduleOptions::default(),
        )
        .await
        .expect("created");

    // Paused, it still acts when triggered.
    handle.trigger().await.expect("triggered");
    eventually("the first action", || {
        let handle = handle.clone();
        async move { (describe(&handle).await.info.num_actions >= 1).then_some(()) }
    })
    .await;
    // The server names each run after the second it starts in: a second trigger within
    // the same second would collide with the first run's id.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    handle
        .trigger_with_overlap(ScheduleOverlapPolicy::AllowAll)
        .await
        .expect("triggered");
    let description = eventually("two actions", || {
        let handle = handle.clone();
        async move {
            let description = describe(&handle).await;
            (description.info.recent_actions.len() >= 2).then_some(description)
        }
    })
    .await;
    assert!(description.info.num_actions >= 2);

    for action in &description.info.recent_actions {
        let run = env
            .client
            .get_handle::<Untyped>(&action.workflow.workflow_id)
            .into_typed::<Greeting>();
        assert_eq!(
            run.result().await.expect("the run completes"),
            "Hello, schedule!"
        );
    }

    // The server tags the workflows a schedule starts with its id.
    let listed = eventually("the triggered runs to be listed", || {
        let client = env.client.clone();
        let query = format!("TemporalScheduledById = '{id}'");
        async move {
            let runs: Vec<_> = client
                .list(query)
                .map(|info| info.expect("a list page"))
                .collect()
                .await;
            (runs.len() >= 2).then_some(runs)
        }
    })
    .await;
    for run in &listed {
        assert_eq!(run.workflow_type, "example");
        assert!(
            description
                .info
                .recent_actions
                .iter()
                .any(|action| action.workflow.workflow_id == run.workflow_id),
            "{} was not one of the schedule's actions",
            run.workflow_id
        );
    }
    handle.delete().await.expect("deleted");
}

#[tokio::test]
async fn update_pause_unpause_and_backfill_change_the_schedule() {
    let env = TestEnv::start().await;
    let id = unique("schedule");
    let handle = env
        .client
        .create_schedule(
            &id,
            daily_greeting(&env, "backfill"),
            CreateScheduleOptions::default(),
        )
        .await
        .expect("created");

    handle.unpause("go").await.expect("unpaused");
    let unpaused = describe(&handle).await;
    assert!(!unpaused.schedule.state.paused);
    assert_eq!(unpaused.schedule.state.note, "go");
    // Daily at 03:00 UTC: the next time is within a day.
    let next = *unpaused
        .info
        .next_action_times
        .first()
        .expect("a next time");
    let now = SystemTime::now();
    assert!(
        next > now && next <= now + Duration::from_secs(24 * 3600),
        "{next:?}"
    );
    handle.pause("").await.expect("paused");
    let state = describe(&handle).await.schedule.state;
    assert!(state.paused);
    assert_eq!(state.note, "Paused via Rust client");

    let mut calls = 0;
    handle
        .update(|mut description| {
            calls += 1;
            description.schedule.spec = description.schedule.spec.cron("15 4 * * *");
            description.schedule.policies.overlap = ScheduleOverlapPolicy::AllowAll;
            description.schedule.state.note = "updated by the test".to_owned();
            Some(description.schedule.into())
        })
        .await
        .expect("updated");
    assert_eq!(calls, 1);
    let updated = describe(&handle).await;
    assert_eq!(
        updated.schedule.policies.overlap,
        ScheduleOverlapPolicy::AllowAll
    );
    assert_eq!(updated.schedule.state.note, "updated by the test");
    assert_eq!(updated.schedule.spec.calendars.len(), 2);
    // The arguments survived the read-modify-write.
    assert_eq!(
        updated
            .schedule
            .action
            .args()
            .expect("arguments")
            .get::<String>(0)
            .expect("a string"),
        "backfill"
    );
    // An updater that returns nothing writes nothing.
    handle.update(|_| None).await.expect("no update");
    let keyword = SearchAttributeKey::keyword("CustomKeyword");
    handle
        .update(|description| {
            Some(
                ScheduleUpdate::from(description.schedule)
                    .search_attributes(SearchAttributes::new().with(&keyword, "updated")),
            )
        })
        .await
        .expect("updated");
    // The scheduler upserts its search attributes as it applies the update.
    eventually("the updated search attributes", || {
        let handle = handle.clone();
        let keyword = keyword.clone();
        async move {
            let attributes = describe(&handle).await.search_attributes;
            (attributes.get(&keyword).as_deref() == Some("updated")).then_some(())
        }
    })
    .await;

    // A week ago the spec (03:00 and 04:15 daily) matched 14 times: a paused schedule
    // backfills them all, with its overlap policy (AllowAll) letting each run.
    let now = SystemTime::now();
    handle
        .backfill([ScheduleBackfill::new(
            now - Duration::from_secs(7 * 24 * 3600),
            now,
        )])
        .await
        .expect("backfilled");
    let description = eventually("the backfilled actions", || {
        let handle = handle.clone();
        async move {
            let description = describe(&handle).await;
            (description.info.num_actions >= 14).then_some(description)
        }
    })
    .await;
    assert_eq!(description.info.num_actions, 14);
    let last = description.info.recent_actions.last().expect("an action");
    let scheduled_at = last.scheduled_at.expect("a scheduled time");
    assert!(scheduled_at <= now, "{scheduled_at:?}");
    handle.delete().await.expect("deleted");
}

#[tokio::test]
async fn schedule_errors_name_the_schedule() {
    let env = TestEnv::start().await;
    let id = unique("schedule");
    env.client
        .create_schedule(
            &id,
            daily_greeting(&env, "errors"),
            CreateScheduleOptions::default(),
        )
        .await
        .expect("created");

    let error = env
        .client
        .create_schedule(
            &id,
            daily_greeting(&env, "errors"),
            CreateScheduleOptions::default(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::ScheduleAlreadyExists { schedule_id } if *schedule_id == id),
        "{error:?}"
    );

    let unknown = env.client.get_schedule_handle(unique("no-such-schedule"));
    for error in [
        unknown.describe().await.unwrap_err(),
        unknown.trigger().await.unwrap_err(),
        unknown.delete().await.unwrap_err(),
    ] {
        assert!(
            matches!(&error, Error::ScheduleNotFound { schedule_id } if schedule_id == unknown.id()),
            "{error:?}"
        );
    }

    let invalid = unique("invalid-schedule");
    let error = env
        .client
        .create_schedule(
            &invalid,
            Schedule::new(
                ScheduleAction::start_workflow(
                    "example",
                    ("never",),
                    StartOptions::new("never", env.task_queue.clone()),
                ),
                ScheduleSpec::default().cron("not a cron string"),
            ),
            CreateScheduleOptions::default(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidSchedule { schedule_id, message }
            if *schedule_id == invalid && !message.is_empty()),
        "{error:?}"
    );

    // Refused before sending.
    let error = env
        .client
        .create_schedule(
            "",
            daily_greeting(&env, "errors"),
            CreateScheduleOptions::default(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::InvalidArgument {
                field: "schedule_id",
                ..
            }
        ),
        "{error:?}"
    );
}

/// The update carries the conflict token of its read: a write based on a stale read does not
/// overwrite a change made in between. (This server's scheduler drops such a write without
/// an error; servers that refuse it with FAILED_PRECONDITION get the update read and written
/// again.) The scheduler checks a token when it processes a write, against the version it
/// has then: two writes it takes in one workflow task pass the same check, and the dev
/// server applies both (seen in 3 of 6 runs under load). So the test lets the concurrent
/// change be processed, as it is visible to a read, before the stale write is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_from_a_stale_read_does_not_overwrite_a_concurrent_change() {
    let env = TestEnv::start().await;
    let id = unique("schedule");
    let handle = env
        .client
        .create_schedule(
            &id,
            daily_greeting(&env, "conflict"),
            CreateScheduleOptions::default(),
        )
        .await
        .expect("created");
    let concurrent = handle.clone();
    handle
        .update(|mut description| {
            // Between this read and its write, someone else updates the schedule.
            tokio::task::block_in_place(|| {
                tokio::runtime::Handle::current().block_on(concurrent.update(|mut other| {
                    other.schedule.state.note = "concurrent change".to_owned();
                    Some(other.schedule.into())
                }))
            })
            .expect("the concurrent update");
            tokio::task::block_in_place(|| {
                tokio::runtime::Handle::current().block_on(processed(&concurrent))
            });
            description.schedule.state.note = "stale change".to_owned();
            Some(description.schedule.into())
        })
        .await
        .expect("no error");
    let note = describe(&handle).await.schedule.state.note;
    assert_eq!(note, "concurrent change");
    handle.delete().await.expect("deleted");
}

/// Waits until the scheduler has processed the concurrent change: a read shows it.
async fn processed(handle: &ScheduleHandle) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while describe(handle).await.schedule.state.note != "concurrent change" {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the concurrent change was not processed within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Writes the workflow header `origin` on every call that carries one.
#[derive(Debug)]
struct Origin;

impl temporal_client::Interceptor for Origin {
    fn intercept(&self, call: &mut temporal_client::OutboundCall<'_>) -> Result<(), Error> {
        call.set_workflow_header("origin", "schedules-test")
    }
}

#[tokio::test]
async fn the_start_action_carries_the_callers_and_the_interceptors_workflow_headers() {
    use temporal_client::{CallOptions, Client, ClientOptions, WithCallOptions};

    let env = TestEnv::start().await;
    let client = Client::with_options(
        env.client.connection().clone(),
        ClientOptions::default().interceptor(Origin),
    )
    .expect("a client");
    let id = unique("schedule");
    let handle = client
        .create_schedule(
            &id,
            daily_greeting(&env, "headers"),
            CreateScheduleOptions::default(),
        )
        .with_call_options(CallOptions::default().workflow_header("tenant", "acme"))
        .await
        .expect("created");

    let action = describe(&handle).await.schedule.action;
    let tenant: Option<String> = action.workflow_header("tenant").expect("a string");
    assert_eq!(tenant.as_deref(), Some("acme"), "{action:?}");
    let origin: Option<String> = action.workflow_header("origin").expect("a string");
    assert_eq!(origin.as_deref(), Some("schedules-test"), "{action:?}");

    // An update from a client without either keeps the described header.
    env.client
        .get_schedule_handle(&id)
        .update(|mut description| {
            description.schedule.state.note = "updated".to_owned();
            Some(description.schedule.into())
        })
        .await
        .expect("updated");
    let updated = describe(&handle).await.schedule;
    assert_eq!(updated.state.note, "updated");
    let tenant: Option<String> = updated.action.workflow_header("tenant").expect("a string");
    assert_eq!(tenant.as_deref(), Some("acme"));
    handle.delete().await.expect("deleted");
}
