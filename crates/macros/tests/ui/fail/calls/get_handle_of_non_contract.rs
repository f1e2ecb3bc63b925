// A handle's type parameter is a contract (or `Untyped`), not any type.
use temporal_client::Client;

fn uses(client: Client) {
    let _ = client.get_handle::<String>("c-1");
}

fn main() {
    let _ = uses;
}
