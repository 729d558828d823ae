//! Integration tests of `gerbang-ingest`: one binary, one module per concern.

// Tests fail loudly on anything unexpected; unwrapping is how they say so.
#![allow(clippy::unwrap_used)]

mod lake;
mod run;
