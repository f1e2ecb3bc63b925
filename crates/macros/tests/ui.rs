//! Compile-time behaviour of `#[workflow]`: `ui/pass` holds every supported form, and
//! `ui/fail/<group>` pins one diagnostic per case, with its `.stderr` beside it.
//!
//! Regenerate the `.stderr` files with `TRYBUILD=overwrite cargo test -p temporal-macros --test
//! ui`, then read the diff: each error should sit on the user's offending tokens and say what
//! to write instead.
//!
//! rustc's wording and spans change between releases, so the `.stderr` files pin one compiler:
//! the version CI builds with (the workspace's `rust-version`). On any other compiler the test
//! is ignored rather than failed, so a new stable release cannot turn CI red; regenerate the
//! files and move the pin together.

#[test]
#[rustversion::attr(
    not(stable(1.95)),
    ignore = "the .stderr files pin rustc 1.95; regenerate them with TRYBUILD=overwrite to move the pin"
)]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*/*.rs");
}
