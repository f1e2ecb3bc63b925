//! `rename_all` renames every handler, an explicit `name` wins over it, and `name` on the
//! workflow sets the workflow type; raw identifiers lose their `r#`.

use temporal_client::{Handler, Workflow, workflow};

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
    assert_eq!(Counter::NAME, "counter-v2");
    assert_eq!(counter_handlers::AddMany::NAME, "addMany");
    assert_eq!(counter_handlers::Finish::NAME, "stop_now");
    assert_eq!(counter_handlers::ValuePlus::NAME, "valuePlus");
    assert_eq!(counter_handlers::Type::NAME, "type");
    assert_eq!(counter_handlers::SetTo::NAME, "SetTo");
    assert_eq!(Shouting::NAME, "Shouting");
    assert_eq!(shouting_handlers::MakeNoise::NAME, "MAKE-NOISE");
    let _ = (Counter::r#type, Counter::add_many(1), Counter::set_to(2));
}
