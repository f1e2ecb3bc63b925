//! A contract with every handler kind: run, signal, query and update, each callable (or, for
//! updates, implementing `UpdateOf`) with its declared types.

use temporal_client::{Client, Error, StartOptions, UpdateOf, workflow};

#[workflow]
trait Account {
    #[run]
    async fn run(&mut self, opening: i64) -> i64;

    #[signal]
    fn deposit(&mut self, amount: i64);

    #[query]
    fn balance(&self) -> i64;

    #[update]
    async fn withdraw(&mut self, amount: i64) -> bool;
}

fn is_update<W, A, R>(_: impl UpdateOf<W, A, R>) {}

#[allow(dead_code)]
async fn uses(client: Client) -> Result<(), Error> {
    let handle = client
        .start(Account, 10, StartOptions::new("account-1", "queue"))
        .await?;
    handle.signal(Account::deposit, 5).await?;
    let balance: i64 = handle.query(Account::balance, ()).await?;
    let total: i64 = handle.result().await?;
    let _ = (balance, total);
    is_update::<Account, i64, bool>(Account::withdraw);
    Ok(())
}

fn main() {
    assert_eq!(
        UpdateOf::<Account, i64, bool>::name(&Account::withdraw),
        "withdraw"
    );
}
