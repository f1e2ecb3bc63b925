// A method named `__temporal...` would send a reserved name: reported on the method name.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[signal]
    fn __temporal_poke(&mut self);
}

fn main() {}
