//! `rename_all` renames every handler, an explicit `name` wins over it, and `name` on the
//! workflow sets the workflow type; raw identifiers lose their `r#`.

use temporal_client::{QueryOf, SignalOf, StartWorkflow, UpdateOf, workflow};

#[workflow(name = "counter-v2", rename_all = "camelCase")]
trait Counter {
    #[run]
    async fn run(&mut self, start: i64) -> i64;

    #[signal]
    fn add_many(&mut self, amount: i64);

    #[signal(name = "stop_now")]
    fn finish(&mut self);

    #[query]
    fn value_plus(&self, extra: i64) -> i64;

    #[query]
    fn r#type(&self) -> String;

    #[update(name = "SetTo")]
    async fn set_to(&mut self, value: i64) -> i64;
}

#[workflow(rename_all = "SCREAMING-KEBAB-CASE")]
trait Shouting {
    #[run]
    async fn run(&mut self);

    #[signal]
    fn make_noise(&mut self);
}

fn main() {
    assert_eq!(StartWorkflow::<i64>::workflow_type(&Counter), "counter-v2");
    assert_eq!(
        SignalOf::<Counter, i64>::name(&Counter::add_many),
        "addMany"
    );
    assert_eq!(SignalOf::<Counter, ()>::name(&Counter::finish), "stop_now");
    assert_eq!(
        QueryOf::<Counter, i64, i64>::name(&Counter::value_plus),
        "valuePlus"
    );
    assert_eq!(
        QueryOf::<Counter, (), String>::name(&Counter::r#type),
        "type"
    );
    assert_eq!(
        UpdateOf::<Counter, i64, i64>::name(&Counter::set_to),
        "SetTo"
    );
    assert_eq!(StartWorkflow::<()>::workflow_type(&Shouting), "Shouting");
    assert_eq!(
        SignalOf::<Shouting, ()>::name(&Shouting::make_noise),
        "MAKE-NOISE"
    );
}
