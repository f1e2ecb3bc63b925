// `#[cfg]` on a handler carries over to its constructor, type and impls: compiled out, the
// handler does not exist, so `Counter::gone` below does not resolve (one error).
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[cfg(any())]
    #[signal]
    fn gone(&mut self);
}

fn main() {
    let _ = Counter::gone;
}
