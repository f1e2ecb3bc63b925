// Today: 9 errors ("cannot find `DataConverter` in `__temporal`", ...), most on the
// `#[workflow(...)]` call site and some on the user's parameter types. Expected: one error on
// the `"crate::sdk"` literal saying it must re-export temporal_client.
use temporal_client::workflow;

mod sdk {}

#[workflow(crate = "crate::sdk")]
trait Counter {
    #[run]
    async fn run(&mut self, start: i64) -> i64;

    #[signal]
    fn increment(&mut self, amount: i64);
}

fn main() {}
