//! The guide's "Full Example": connect, start the `example` workflow with `"Temporal"` on the
//! `hello-world` task queue, print `Started workflow …`, then wait for and print its result.
//!
//! Run it with `cargo xtask demo`, which starts a local server and the Python worker of
//! `examples/workers/hello_world.py` first, or against any server with that worker polling
//! `hello-world`: `TEMPORAL_ADDRESS=host:port cargo run --example hello_world`.

use temporal_client::{
    Client, ClientOptions, Connection, ConnectionOptions, StartOptions, workflow,
};

/// The `example` workflow of the hello-world worker (Python, in `examples/workers`).
#[workflow(name = "example")]
trait Example {
    #[run]
    async fn run(&mut self, name: String) -> String;
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Connect to the server the environment names, as the `temporal` CLI reads it:
    // TEMPORAL_ADDRESS (default localhost:7233), and for production TLS, mTLS or an API key
    // (TEMPORAL_TLS_*, TEMPORAL_API_KEY). `ConnectionOptions::new("host:port")` spells it out.
    let connection = Connection::connect(ConnectionOptions::from_env()?).await?;
    // The namespace of TEMPORAL_NAMESPACE (default `default`).
    let client = Client::with_options(connection, ClientOptions::from_env())?;

    // In practice, use a meaningful business id, such as a customer or transaction id.
    let workflow_id = format!("workflow-{}", uuid::Uuid::new_v4());
    // The arguments are checked against the contract's run method: `name: String`.
    let handle = client
        .start(
            Example,
            "Temporal".to_owned(),
            StartOptions::new(workflow_id, "hello-world"),
        )
        .await?;
    println!("Started workflow {}", handle.workflow_id());

    // Optional: wait for the result.
    let greeting = handle.result().await?; // a String, as the contract says
    println!("{greeting}"); // Hello, Temporal!
    Ok(())
}
