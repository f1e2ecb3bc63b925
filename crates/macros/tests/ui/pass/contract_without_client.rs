//! `temporal_contract::workflow` names `temporal_contract`, not `temporal_client`: a contract
//! crate needs no client. The client then calls it as any other contract.

mod published {
    use temporal_contract::workflow;

    /// A greeting.
    #[workflow(name = "greet")]
    pub trait Greeting {
        /// Greets `name`.
        #[run]
        async fn run(&mut self, name: String) -> String;

        /// Sets the tone.
        #[signal]
        fn set_tone(&mut self, tone: String);
    }
}

use published::Greeting;
use temporal_client::{Client, Error, StartOptions};

#[allow(dead_code)]
async fn uses(client: Client) -> Result<String, Error> {
    let handle = client
        .start(Greeting, "Temporal".to_owned(), StartOptions::new("g-1", "queue"))
        .await?;
    handle.signal(Greeting::set_tone("warm")).await?;
    handle.result().await
}

fn main() {
    use temporal_contract::Workflow;
    assert_eq!(Greeting::NAME, "greet");
}
