//! A handler without a return type and one returning `()` both answer `()`.

use temporal_client::{Client, Error, StartOptions, workflow};

#[workflow]
trait Chores {
    #[run]
    async fn run(&mut self) -> ();

    #[query]
    fn poke(&self);

    #[update]
    async fn tidy(&mut self) -> ();
}

#[allow(dead_code)]
async fn uses(client: Client) -> Result<(), Error> {
    let handle = client
        .start(Chores, (), StartOptions::new("chores-1", "queue"))
        .await?;
    let () = handle.query(Chores::poke).await?;
    let () = handle.result().await?;
    let () = client
        .execute(Chores, (), StartOptions::new("chores-2", "queue"))
        .await?;
    Ok(())
}

fn main() {}
