//! A contract evolves across releases: `#[deprecated]`, `#[doc(hidden)]` and `#[cfg(...)]` on
//! a handler carry over to its constructor and type, and a handler compiled out by `cfg` is
//! gone from the contract's handler list too.
#![deny(missing_docs)]

use temporal_client::{Client, Error, Handler, HandlerKind, Workflow, workflow};

/// An order.
#[workflow(name = "order", rename_all = "camelCase")]
pub trait Order {
    /// Opens it.
    #[run]
    async fn run(&mut self, customer: String) -> String;

    /// Adds an item.
    #[update]
    fn add_item(&mut self, sku: String, quantity: u32) -> u32;

    /// Adds one item.
    #[deprecated(note = "use `add_item`")]
    #[update(name = "addSku")]
    fn add_sku(&mut self, sku: String) -> u32;

    /// Internal.
    #[doc(hidden)]
    #[signal]
    fn poke(&mut self);

    /// Never compiled.
    #[cfg(any())]
    #[query]
    fn audit(&self) -> Vec<String>;
}

#[allow(dead_code)]
async fn uses(client: Client) -> Result<(), Error> {
    let handle = client.get_handle::<Order>("order-1");
    #[allow(deprecated)]
    let _lines = handle.execute_update(Order::add_sku("sku-1")).await?;
    handle.signal(Order::poke).await?;
    Ok(())
}

fn main() {
    let kinds: Vec<(HandlerKind, &str)> = Order::HANDLERS.iter().map(|h| (h.kind, h.name)).collect();
    assert_eq!(
        kinds,
        [
            (HandlerKind::Run, "order"),
            (HandlerKind::Update, "addItem"),
            (HandlerKind::Update, "addSku"),
            (HandlerKind::Signal, "poke"),
        ]
    );
    #[allow(deprecated)]
    let name = order_handlers::AddSku::NAME;
    assert_eq!(name, "addSku");
}
