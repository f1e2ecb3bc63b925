//! Serde structs and enums as arguments and results, in every handler position.

use serde::{Deserialize, Serialize};
use temporal_client::{Client, Error, StartOptions, workflow};

#[derive(Serialize, Deserialize)]
struct Order {
    id: u64,
    lines: Vec<String>,
}

#[derive(Serialize, Deserialize)]
enum Status {
    Open,
    Shipped { tracking: String },
}

#[derive(Serialize)]
struct Note(String);

#[workflow]
trait Fulfilment {
    #[run]
    async fn run(&mut self, order: Order, priority: u8) -> Status;

    #[signal]
    fn annotate(&mut self, note: Note);

    #[query]
    fn order(&self) -> Order;

    #[update]
    async fn ship(&mut self, carrier: String) -> Status;
}

#[allow(dead_code)]
async fn uses(client: Client) -> Result<(), Error> {
    let order = Order {
        id: 7,
        lines: vec!["book".to_owned()],
    };
    let options = StartOptions::new("order-7", "queue");
    let handle = client.start(Fulfilment, (order, 1), options).await?;
    handle
        .signal(Fulfilment::annotate(Note("fragile".to_owned())))
        .await?;
    let _order: Order = handle.query(Fulfilment::order).await?;
    let _status: Status = handle.result().await?;
    Ok(())
}

fn main() {
    let _ = Status::Open;
}
