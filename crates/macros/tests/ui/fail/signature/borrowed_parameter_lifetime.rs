// Today: E0261 "use of undeclared lifetime name `'a`" reported twice, with the help
// "consider introducing lifetime `'a` here: #[workflow]<'a>". Expected: one macro error on
// `&'a str` saying arguments are serialized values: use an owned type such as `String`.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[signal]
    fn poke(&mut self, text: &'a str);
}

fn main() {}
