//! The guide's "Full Example": connect, start the `example` workflow with `"Temporal"` on the
//! `hello-world` task queue, print `Started workflow …`, then wait for and print its result.
//!
//! Run it with `cargo xtask demo`, which starts a local server and the Python worker of
//! `examples/workers/hello_world.py` first, or against any server with that worker polling
//! `hello-world`: `TEMPORAL_ADDRESS=host:port cargo run --example hello_world`.

use temporal_client::{Client, ClientOptions, Connection, ConnectionOptions, StartOptions};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Connect to the server of TEMPORAL_ADDRESS (default localhost:7233). In production, pass
    // TLS options or an API key too.
    let address = temporal_examples::server_address();
    let connection = Connection::connect(ConnectionOptions::new(address)).await?;
    let client = Client::with_options(
        connection,
        ClientOptions::default().namespace(temporal_examples::namespace()),
    )?;

    // In practice, use a meaningful business id, such as a customer or transaction id.
    let workflow_id = format!("workflow-{}", uuid::Uuid::new_v4());
    let handle = client
        .start(
            "example",
            ("Temporal",),
            StartOptions::new(workflow_id, "hello-world"),
        )
        .await?;
    println!("Started workflow {}", handle.workflow_id());

    // Optional: wait for the result.
    let greeting: String = handle.result().await?;
    println!("{greeting}"); // Hello, Temporal!
    Ok(())
}
