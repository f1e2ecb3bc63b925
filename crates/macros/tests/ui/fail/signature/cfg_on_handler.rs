// NOT CAUGHT today (compiles): `#[cfg]` on a handler is dropped, so the handler exists in
// every configuration. Expected: honour the cfg (emit it on the marker, constant and impls), or
// reject it on the `#[cfg]` attribute; `Counter::gone` below must not resolve.
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
