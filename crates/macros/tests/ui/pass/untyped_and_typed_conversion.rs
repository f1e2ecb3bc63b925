//! Typed handles convert to untyped ones to call by name, and back; string workflow names
//! give untyped handles.

use temporal_client::{Client, Error, StartOptions, Untyped, WorkflowHandle, workflow};

#[workflow(name = "counter")]
trait Counter {
    #[run]
    async fn run(&mut self, start: i64) -> i64;

    #[query]
    fn current(&self) -> i64;
}

#[allow(dead_code)]
async fn uses(client: Client) -> Result<(), Error> {
    let typed = client
        .start(Counter, 1, StartOptions::new("c-1", "queue"))
        .await?;
    let untyped: WorkflowHandle<Untyped> = typed.into_untyped();
    untyped.signal(temporal_client::by_name("increment").arg(5)).await?;
    let _value: i64 = untyped.query("current").await?;
    let typed = untyped.into_typed::<Counter>();
    let _current: i64 = typed.query(Counter::current).await?;

    let by_name = client
        .start("counter", (1,), StartOptions::new("c-2", "queue"))
        .await?;
    let _text: String = by_name.result().await?;
    let _counter: WorkflowHandle<Counter> = by_name.into_typed();
    let any = client.get_handle::<Untyped>("c-3");
    let _: i64 = any.query("current").await?;
    Ok(())
}

fn main() {}
