// Update-with-start takes an update of the workflow it starts: one error otherwise.
use temporal_client::{Client, Error, OnConflict, StartOptions, WithStartWorkflow, workflow};

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self, start: i64);
}

#[workflow]
trait Timer {
    #[run]
    async fn run(&mut self);

    #[update]
    fn reset(&mut self, to: i64) -> i64;
}

async fn uses(client: Client) -> Result<(), Error> {
    let start = WithStartWorkflow::new(
        Counter,
        1,
        StartOptions::new("c-1", "queue"),
        OnConflict::Fail,
    );
    client.execute_update_with_start(start, Timer::reset(0)).await?;
    Ok(())
}

fn main() {
    let _ = uses;
}
