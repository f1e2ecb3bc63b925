// A handler's constructor takes each of its parameters: one missing is one error, naming it.
use temporal_client::{Client, workflow};

#[workflow]
trait Cart {
    #[run]
    async fn run(&mut self);

    #[update]
    fn add_item(&mut self, sku: String, quantity: u32) -> u32;
}

async fn uses(client: Client) {
    let _ = client.get_handle::<Cart>("c-1").execute_update(Cart::add_item("sku-1")).await;
}

fn main() {
    let _ = uses;
}
