//! Two contracts side by side may declare handlers of the same name: each marker is its own.

use temporal_client::{Client, Error, Handler, StartOptions, workflow};

#[workflow]
trait Left {
    #[run]
    async fn run(&mut self);

    #[signal]
    fn poke(&mut self, times: u8);
}

#[workflow]
trait Right {
    #[run]
    async fn run(&mut self);

    #[signal]
    fn poke(&mut self, reason: String);
}

#[allow(dead_code)]
async fn uses(client: Client) -> Result<(), Error> {
    let left = client
        .start(Left, (), StartOptions::new("l-1", "queue"))
        .await?;
    left.signal(Left::poke(2)).await?;
    let right = client
        .start(Right, (), StartOptions::new("r-1", "queue"))
        .await?;
    right.signal(Right::poke("why".to_owned())).await?;
    Ok(())
}

fn main() {
    assert_eq!(left_handlers::Poke::NAME, "poke");
    assert_eq!(right_handlers::Poke::NAME, "poke");
    // A `String` parameter takes a string literal too.
    let _ = Right::poke("why");
}
