// #[signal] on a method of an ordinary trait says to mark the trait #[workflow].
use temporal_client::signal;

trait Counter {
    #[signal]
    fn increment(&mut self, amount: i64);
}

fn main() {}
