//! The smallest contract: a run method without parameters or result.

use temporal_client::workflow;

#[workflow]
trait Ping {
    #[run]
    async fn run(&mut self);
}

#[allow(dead_code)]
async fn uses(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    let options = temporal_client::StartOptions::new("ping-1", "queue");
    let handle = client.start(Ping, (), options).await?;
    let () = handle.result().await?;
    Ok(())
}

fn main() {}
