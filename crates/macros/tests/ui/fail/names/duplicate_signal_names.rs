// Two signals cannot share a name: the second is reported, naming the first.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[signal(name = "add")]
    fn increment(&mut self, amount: i64);

    #[signal(name = "add")]
    fn add_one(&mut self);
}

fn main() {}
