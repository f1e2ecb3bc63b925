//! A contract keeps the trait's visibility: `pub(crate)` ones are usable across the crate,
//! private ones within their module, and their handlers go with them.

use temporal_client::{Client, Error, StartOptions};

mod contracts {
    use temporal_client::{Client, Error, StartOptions, workflow};

    #[workflow]
    pub(crate) trait Shared {
        #[run]
        async fn run(&mut self);

        #[signal]
        fn poke(&mut self);
    }

    #[workflow]
    trait Hidden {
        #[run]
        async fn run(&mut self) -> u8;

        #[query]
        fn peek(&self) -> u8;
    }

    #[allow(dead_code)]
    pub(crate) async fn uses_hidden(client: Client) -> Result<u8, Error> {
        let handle = client
            .start(Hidden, (), StartOptions::new("hidden-1", "queue"))
            .await?;
        handle.query(Hidden::peek).await
    }
}

#[allow(dead_code)]
async fn uses(client: Client) -> Result<(), Error> {
    let handle = client
        .start(
            contracts::Shared,
            (),
            StartOptions::new("shared-1", "queue"),
        )
        .await?;
    handle.signal(contracts::Shared::poke).await?;
    contracts::uses_hidden(client).await?;
    Ok(())
}

fn main() {}
