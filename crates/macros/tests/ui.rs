//! Compile-time behaviour of `#[workflow]`: `ui/pass` holds every supported form, and
//! `ui/fail/<group>` pins one diagnostic per case, with its `.stderr` beside it.
//!
//! Regenerate the `.stderr` files with `TRYBUILD=overwrite cargo test -p temporal-macros --test
//! ui`, then read the diff: each error should sit on the user's offending tokens and say what
//! to write instead.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*/*.rs");
}
