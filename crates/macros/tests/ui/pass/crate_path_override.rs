//! `crate = "..."` makes the generated code reach temporal_client through a re-exporting
//! module: nothing here names `temporal_client` but that module.

mod sdk {
    pub use temporal_client::*;
}

#[sdk::workflow(crate = "crate::sdk")]
trait Greeting {
    #[run]
    async fn run(&mut self, name: String) -> String;

    #[sdk::signal]
    fn nudge(&mut self);
}

#[allow(dead_code)]
async fn uses(client: sdk::Client) -> Result<(), sdk::Error> {
    let options = sdk::StartOptions::new("greeting-1", "queue");
    let handle = client
        .start(Greeting, "Temporal".to_owned(), options)
        .await?;
    handle.signal(Greeting::nudge).await?;
    let _greeting: String = handle.result().await?;
    Ok(())
}

fn main() {}
