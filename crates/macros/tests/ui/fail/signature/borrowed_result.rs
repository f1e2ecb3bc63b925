// Today: "implementation of `Deserialize` is not general enough" on `&`. Expected: on the
// whole `&'static str`, "a result is read from a payload, so it is owned: return `String`".
use temporal_client::workflow;

#[workflow]
trait Greeting {
    #[run]
    async fn run(&mut self, name: String) -> &'static str;
}

fn main() {}
