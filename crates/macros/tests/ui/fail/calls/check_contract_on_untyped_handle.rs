// Checking a contract needs one: an `Untyped` handle has none to compare.
use temporal_client::{Client, Untyped};

async fn uses(client: Client) {
    let _ = client.get_handle::<Untyped>("c-1").check_contract().await;
}

fn main() {
    let _ = uses;
}
