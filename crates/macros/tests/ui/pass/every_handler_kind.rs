//! A contract with every handler kind: run, signal, query and update, each callable (or, for
//! updates, implementing `UpdateCall`) with its declared types.

use temporal_client::{Client, Error, Handler, StartOptions, Typed, UpdateCall, workflow};

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

fn is_update<W, R>(_: impl UpdateCall<W, R, Typed>) {}

#[allow(dead_code)]
async fn uses(client: Client) -> Result<(), Error> {
    let handle = client
        .start(Account, 10, StartOptions::new("account-1", "queue"))
        .await?;
    handle.signal(Account::deposit(5)).await?;
    let balance: i64 = handle.query(Account::balance).await?;
    let total: i64 = handle.result().await?;
    let _ = (balance, total);
    is_update::<Account, bool>(Account::withdraw(3));
    let _withdrawn: bool = handle.execute_update(Account::withdraw(3)).await?;
    Ok(())
}

fn main() {
    assert_eq!(account_handlers::Withdraw::NAME, "withdraw");
    assert_eq!(Account::withdraw(7).into_args(), (7,));
}
