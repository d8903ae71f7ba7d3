//! The Azure Resource Manager client, and the ARM contract it shares with the
//! emulator: typed ids ([`id`]), operations and api-versions ([`api`]) and the
//! JSON bodies on the wire ([`wire`]), each defined once.

pub mod api;
pub mod auth;
pub mod backup;
pub mod cloud;
pub mod connect;
pub mod discover;
pub mod error;
pub mod http;
pub mod id;
pub mod lro;
pub mod secret;
pub mod wire;
