// A `#[deprecated]` handler warns where it is called (here denied, so the warning shows).
#![deny(deprecated)]

use temporal_client::{Client, workflow};

#[workflow]
trait Cart {
    #[run]
    async fn run(&mut self);

    #[deprecated(note = "use `add_item`")]
    #[update(name = "addSku")]
    fn add_sku(&mut self, sku: String) -> u32;
}

async fn uses(client: Client) {
    let _ = client.get_handle::<Cart>("c-1").execute_update(Cart::add_sku("sku-1")).await;
}

fn main() {
    let _ = uses;
}
