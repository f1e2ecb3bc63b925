//! Zero parameters take `()`, one takes the value itself, several take a tuple, in order.

use temporal_client::{Client, Error, StartOptions, workflow};

#[workflow]
trait Shapes {
    #[run]
    async fn run(&mut self, text: String, number: i64, flag: bool) -> String;

    #[signal]
    fn reset(&mut self);

    #[signal]
    fn resize(&mut self, width: u32);

    #[signal]
    fn place(&mut self, x: i32, y: i32, label: String);

    #[query]
    fn area(&self) -> u64;

    #[query]
    fn point(&self, x: i32, y: i32) -> Option<String>;
}

#[allow(dead_code)]
async fn uses(client: Client) -> Result<(), Error> {
    let options = StartOptions::new("shapes-1", "queue");
    let handle = client
        .start(Shapes, ("x".to_owned(), 7, true), options)
        .await?;
    handle.signal(Shapes::reset).await?;
    handle.signal(Shapes::resize(3)).await?;
    handle.signal(Shapes::place(1, 2, "a".to_owned())).await?;
    let _area: u64 = handle.query(Shapes::area).await?;
    let _label: Option<String> = handle.query(Shapes::point(1, 2)).await?;
    Ok(())
}

fn main() {}
