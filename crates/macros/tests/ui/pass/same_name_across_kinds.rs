//! Signals, queries and updates have separate name spaces: one wire name may serve each.

use temporal_client::{QueryOf, SignalOf, UpdateOf, workflow};

#[workflow]
trait Door {
    #[run]
    async fn run(&mut self);

    #[signal(name = "state")]
    fn set_state(&mut self, open: bool);

    #[query(name = "state")]
    fn state(&self) -> bool;

    #[update(name = "state")]
    async fn toggle(&mut self) -> bool;
}

fn main() {
    assert_eq!(SignalOf::<Door, bool>::name(&Door::set_state), "state");
    assert_eq!(QueryOf::<Door, (), bool>::name(&Door::state), "state");
    assert_eq!(UpdateOf::<Door, (), bool>::name(&Door::toggle), "state");
}
