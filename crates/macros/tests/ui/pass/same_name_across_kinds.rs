//! Signals, queries and updates have separate name spaces: one wire name may serve each.

use temporal_client::{Handler, HandlerKind, workflow};

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
    assert_eq!(door_handlers::SetState::NAME, "state");
    assert_eq!(door_handlers::State::NAME, "state");
    assert_eq!(door_handlers::Toggle::NAME, "state");
    assert_eq!(door_handlers::SetState::KIND, HandlerKind::Signal);
    assert_eq!(door_handlers::State::KIND, HandlerKind::Query);
    assert_eq!(door_handlers::Toggle::KIND, HandlerKind::Update);
    let _ = (Door::set_state(true), Door::state, Door::toggle);
}
