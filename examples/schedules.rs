//! Schedules, the flexible successor of cron workflows: create a schedule that starts the
//! `example` workflow every hour (paused, so that it waits for us), describe it, trigger it
//! and read the run's result, backfill the last three hours, update it (add a weekday
//! calendar, change its overlap policy) with a read-modify-write, unpause and pause it with
//! notes, list the schedules and the runs it started, then delete it.
//!
//! Triggers and backfills make it act at once, so the sample takes seconds, not hours.
//!
//! Run it against any server with the Python worker of `examples/workers/hello_world.py`
//! polling the `schedules` task queue:
//!
//! ```sh
//! python examples/workers/hello_world.py --task-queue schedules &
//! TEMPORAL_ADDRESS=localhost:7233 cargo run --example schedules
//! ```

use std::time::{Duration, Instant, SystemTime};

use temporal_client::{
    CalendarSpec, CreateScheduleOptions, Schedule, ScheduleAction, ScheduleBackfill,
    ScheduleDescription, ScheduleHandle, ScheduleOverlapPolicy, ScheduleRange, ScheduleSpec,
    StartOptions, workflow,
};
use temporal_examples::SampleError;

/// The `example` workflow of the hello-world worker.
#[workflow(name = "example")]
trait Example {
    #[run]
    async fn run(&mut self, name: String) -> String;
}

const TASK_QUEUE: &str = "schedules";
/// How long to wait for the server to take the actions asked for.
const ACTION_WAIT: Duration = Duration::from_secs(30);

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = temporal_examples::client().await?;

    let schedule_id = format!("hourly-greeting-{}", uuid::Uuid::new_v4());
    // The action is typed by the workflow's contract: the compiler checks the argument.
    let action = ScheduleAction::start_workflow(
        Example,
        "schedule".to_owned(),
        StartOptions::new(format!("{schedule_id}-run"), TASK_QUEUE),
    );
    let schedule = Schedule::new(
        action,
        ScheduleSpec::default().interval(Duration::from_secs(3600)),
    )
    .overlap_policy(ScheduleOverlapPolicy::AllowAll)
    .paused("created paused by the sample");
    let handle = client
        .create_schedule(
            &schedule_id,
            schedule,
            CreateScheduleOptions::default().memo("owner", "samples"),
        )
        .await?;
    println!("Created schedule {schedule_id}");
    let description = handle.describe().await?;
    println!(
        "Spec: every {:?}; overlap {:?}; paused: {} ({})",
        description.schedule.spec.intervals[0].every,
        description.schedule.policies.overlap,
        description.schedule.state.paused,
        description.schedule.state.note,
    );

    // Paused, it still acts when triggered.
    handle.trigger().await?;
    let description = wait_for_actions(&handle, 1).await?;
    let first = &description.info.recent_actions[0].workflow;
    let greeting = client
        .get_handle::<Example>(&first.workflow_id)
        .result()
        .await?;
    println!("Triggered run {}: {greeting}", first.workflow_id);

    // The actions of the last three hours, taken now: three hourly runs.
    let now = SystemTime::now();
    handle
        .backfill([ScheduleBackfill::new(
            now - Duration::from_secs(3 * 3600),
            now,
        )])
        .await?;
    let description = wait_for_actions(&handle, 4).await?;
    println!(
        "Backfilled the last 3 hours: {} actions taken in all",
        description.info.num_actions
    );

    // Read-modify-write: the update is based on what was read, with its conflict token.
    handle
        .update(|mut description| {
            description.schedule.spec = description.schedule.spec.calendar(
                CalendarSpec::default()
                    .hour([ScheduleRange::new(9)])
                    .day_of_week([ScheduleRange::range(1, 5)])
                    .comment("weekdays at 09:00"),
            );
            description.schedule.policies.overlap = ScheduleOverlapPolicy::BufferOne;
            Some(description.schedule.into())
        })
        .await?;
    let description = handle.describe().await?;
    println!(
        "Updated: {} calendar ({}), overlap {:?}",
        description.schedule.spec.calendars.len(),
        description.schedule.spec.calendars[0].comment,
        description.schedule.policies.overlap,
    );

    handle.unpause("running for the demo").await?;
    let description = handle.describe().await?;
    println!(
        "Unpaused ({}); next action at {}",
        description.schedule.state.note,
        temporal_examples::display_time(description.info.next_action_times.first().copied())
    );
    handle.pause("paused again by the sample").await?;
    println!("Paused ({})", handle.describe().await?.schedule.state.note);

    // Visibility lists schedules and the runs they start (eventually: it lags a little).
    let mut rows = Vec::new();
    let deadline = Instant::now() + ACTION_WAIT;
    while rows.is_empty() && Instant::now() < deadline {
        let mut schedules = client.list_schedules("TemporalSchedulePaused = true");
        while let Some(entry) = schedules.next().await {
            let entry = entry?;
            if entry.id != schedule_id {
                continue;
            }
            let Some(info) = entry.info else { continue };
            rows.push([
                entry.id,
                info.workflow_type,
                info.paused.to_string(),
                entry.memo.get::<String>("owner")?.unwrap_or_default(),
            ]);
        }
        if rows.is_empty() {
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
    println!("Paused schedules:");
    temporal_examples::print_table(&["schedule id", "workflow type", "paused", "owner"], &rows);

    let mut runs = client.list(format!("TemporalScheduledById = '{schedule_id}'"));
    let mut run_rows = Vec::new();
    while let Some(info) = runs.next().await {
        let info = info?;
        run_rows.push([
            info.workflow_id,
            temporal_examples::display_status(info.status),
        ]);
    }
    println!("Runs the schedule started (as visibility lists them so far):");
    temporal_examples::print_table(&["workflow id", "status"], &run_rows);

    handle.delete().await?;
    println!("Deleted schedule {schedule_id}");
    Ok(())
}

/// Waits until the schedule has taken `count` actions, and has recorded each.
async fn wait_for_actions(
    handle: &ScheduleHandle,
    count: i64,
) -> Result<ScheduleDescription, Box<dyn std::error::Error>> {
    let deadline = Instant::now() + ACTION_WAIT;
    loop {
        let description = handle.describe().await?;
        if description.info.num_actions >= count {
            return Ok(description);
        }
        if Instant::now() >= deadline {
            return Err(SampleError::new(format!(
                "the schedule took {} of {count} actions within {ACTION_WAIT:?}",
                description.info.num_actions
            ))
            .into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
