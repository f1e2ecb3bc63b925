// rename_all can map two methods to one name: reported on the second method.
use temporal_client::workflow;

#[workflow(rename_all = "lowercase")]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[signal]
    fn add_one(&mut self);

    #[signal]
    fn addone(&mut self);
}

fn main() {}
