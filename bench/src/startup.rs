//! Launch + connect + one start + exit, timed as a whole process; and connect alone.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use temporal_client::{Connection, ConnectionOptions};
use tonic::transport::Endpoint;

use crate::Error;
use crate::measure::{median, waited_children_cpu};
use crate::results::Startup;
use crate::spec::{LAUNCH, Targets};

pub(crate) async fn measure(
    executable: &Path,
    targets: &Targets,
    launch_runs: usize,
    connect_runs: usize,
) -> Result<Startup, Error> {
    let mut launches = Vec::with_capacity(launch_runs);
    let mut launch_cpus = Vec::with_capacity(launch_runs);
    for _ in 0..launch_runs {
        let cpu_before = waited_children_cpu();
        let started = Instant::now();
        let output = crate::measure::measured(Command::new(executable))
            .args([LAUNCH, &targets.address, &targets.idle_queue])
            .stdin(Stdio::null())
            .output()?;
        let elapsed = started.elapsed();
        launch_cpus.push(waited_children_cpu().saturating_sub(cpu_before));
        if !output.status.success() {
            return Err(format!(
                "the launch child failed ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            )
            .into());
        }
        launches.push(elapsed);
    }
    let mut connects = Vec::with_capacity(connect_runs);
    let mut tonic_connects = Vec::with_capacity(connect_runs);
    for _ in 0..connect_runs {
        let started = Instant::now();
        let connection =
            Connection::connect(ConnectionOptions::new(targets.address.as_str())).await?;
        connects.push(started.elapsed());
        drop(connection);
        let started = Instant::now();
        let channel = Endpoint::from_shared(format!("http://{}", targets.address))?
            .connect()
            .await?;
        tonic_connects.push(started.elapsed());
        drop(channel);
    }
    Ok(Startup {
        launch: median(launches),
        launch_cpu: median(launch_cpus),
        launch_runs,
        connect: median(connects),
        tonic_connect: median(tonic_connects),
        connect_runs,
    })
}
