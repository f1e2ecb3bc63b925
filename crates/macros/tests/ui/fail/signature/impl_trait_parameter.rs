// A parameter has a concrete type: `impl Trait` is reported on the type.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[signal]
    fn rename(&mut self, name: impl Into<String>);
}

fn main() {}
