//! Typed async client for the Genesys Cloud External Contacts API.
//!
//! ```no_run
//! # async fn run() -> Result<(), externalcontacts::Error> {
//! use externalcontacts::Client;
//! use externalcontacts::operations::GetExternalcontactsContactExpand;
//!
//! let client = Client::builder()
//!     .base_url("https://api.mypurecloud.ie")
//!     .access_token(std::env::var("GENESYS_ACCESS_TOKEN").unwrap_or_default())
//!     .build()?;
//!
//! let contact = client
//!     .get_externalcontacts_contact("3ab2c1d0-0000-4000-8000-000000000000")
//!     .expand([GetExternalcontactsContactExpand::ExternalOrganization])
//!     .send()
//!     .await?;
//! println!("{:?} {:?}", contact.first_name, contact.last_name);
//! # Ok(())
//! # }
//! ```
//!
//! # Crate layout
//!
//! - [`Client`]: one method per API operation, named after its `operationId` in snake case.
//!   Each returns a request builder from [`operations`]; optional parameters are setters,
//!   and `send().await` returns the decoded response.
//! - [`models`]: the request and response bodies.
//! - [`Error`]: every way a request can fail; [`ApiError`] carries the status and body of
//!   an error response.
//!
//! `models` and `operations` are generated from `spec/externalcontacts.yaml` by
//! `cargo xtask codegen`; the rest of the crate is written by hand.

mod client;
mod date_time;
mod error;
mod param;
mod request;

#[rustfmt::skip]
pub mod models;
#[rustfmt::skip]
pub mod operations;

pub use crate::client::{Client, ClientBuilder, DEFAULT_BASE_URL};
pub use crate::error::{ApiError, DecodeError, Error};
pub(crate) use crate::param::ParamValue;
pub(crate) use crate::request::OperationInfo;

/// Compiles the README's Rust examples as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
