//! Helpers shared by the integration tests. Each test crate uses a part of
//! them, so the rest is dead code from that crate's point of view.
#![allow(dead_code)]

pub mod arm;
pub mod azure_spec;
pub mod backup;
pub mod inventory;
pub mod sample_ids;
pub mod scripted_server;
pub mod tls_server;
