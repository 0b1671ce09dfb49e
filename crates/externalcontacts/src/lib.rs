//! Typed async client for the Genesys Cloud External Contacts API.
//!
//! # Quick start
//!
//! Log in with OAuth client credentials in a region, search contacts, create one and handle
//! a typed API error:
//!
//! ```no_run
//! use externalcontacts::models::ExternalContact;
//! use externalcontacts::{Client, Error, Region};
//!
//! # async fn run() -> Result<(), Error> {
//! // The region decides both the API host and the login host.
//! let client = Client::builder()
//!     .region(Region::EuWest1)
//!     .client_credentials(
//!         std::env::var("GENESYS_CLIENT_ID").unwrap_or_default(),
//!         std::env::var("GENESYS_CLIENT_SECRET").unwrap_or_default(),
//!     )
//!     .build()?;
//!
//! // Search: one page of the contacts that match a keyword.
//! let page = client
//!     .get_externalcontacts_contacts()
//!     .q("lovelace")
//!     .page_size(25)
//!     .send()
//!     .await?;
//! for contact in page.entities.unwrap_or_default() {
//!     println!("{:?} {:?}", contact.first_name, contact.last_name);
//! }
//!
//! // Create: the body is a generated model, whose required fields are the arguments of `new`.
//! let mut contact = ExternalContact::new("Ada", "Lovelace");
//! contact.work_email = Some("ada@example.com".to_owned());
//! let created = client.post_externalcontacts_contacts(contact).send().await?;
//! println!("created {:?}", created.id);
//!
//! // Typed errors: an error status arrives as `Error::Api`, with the status, the
//! // correlation id and the body as the API sent it.
//! match client.get_externalcontacts_contact("no-such-contact").send().await {
//!     Ok(contact) => println!("found {:?}", contact.id),
//!     Err(err) if err.is_not_found() => println!("no such contact"),
//!     Err(Error::Api(api)) => {
//!         let message = api.error_body().and_then(|body| body.message);
//!         println!("status {}: {message:?} ({:?})", api.status, api.correlation_id);
//!     }
//!     Err(err) => return Err(err),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! [`ClientBuilder::access_token`] takes a token obtained elsewhere instead, and
//! [`ClientBuilder::base_url`] points the client at another server, such as a local mock.
//!
//! # Listing everything
//!
//! Listing operations have `pages()`, `into_stream()` and `collect_all(max_items)`, which
//! request one page at a time as the stream is read. Page-number listings return only their
//! first 1,000 records, so for a full export use the `scan` operations, which page by cursor:
//!
//! ```no_run
//! # async fn run(client: externalcontacts::Client) -> Result<(), externalcontacts::Error> {
//! use futures::StreamExt;
//!
//! // Every contact of the organization, 200 per request.
//! let mut contacts = client.get_externalcontacts_scan_contacts().limit(200).into_stream();
//! while let Some(contact) = contacts.next().await {
//!     let contact = contact?;
//!     println!("{:?} {:?}", contact.id, contact.last_name);
//! }
//!
//! // At most 1,000 notes of one contact, as a Vec. A page-number listing returns only its
//! // first 1,000 records, and a larger `max_items` would end in `PaginationError::PageLimit`.
//! let notes = client
//!     .get_externalcontacts_contact_notes("3ab2c1d0-0000-4000-8000-000000000000")
//!     .page_size(100)
//!     .collect_all(1_000)
//!     .await?;
//! println!("{} notes", notes.len());
//! # Ok(())
//! # }
//! ```
//!
//! The crate's `examples/` folder has runnable programs for these flows.
//!
//! # Crate layout
//!
//! - [`Client`]: one method per API operation, named after its `operationId` in snake case.
//!   Each returns a request builder from [`operations`]; optional parameters are setters,
//!   and `send().await` returns the decoded response.
//! - [`models`]: the request and response bodies.
//! - [`Error`]: every way a request can fail; [`ApiError`] carries the status and body of
//!   an error response.
//! - [`Region`], [`RetryConfig`] and [`TokenProvider`]: where the API is, when failed
//!   requests are repeated, and where access tokens come from.
//!
//! The client logs in with the OAuth client credentials grant, caches the token and renews
//! it before it expires. It retries rate-limited requests (429) after the `Retry-After`
//! wait, and requests that are safe to repeat after 502, 503, 504 and connection failures.
//! Each request runs in a `tracing` span named `externalcontacts.request` that records the
//! operation id, method, path template, status, attempts and latency; tokens are never
//! logged.
//!
//! `models` and `operations` are generated from `spec/externalcontacts.yaml` by
//! `cargo xtask codegen`; the rest of the crate is written by hand.

mod auth;
mod client;
mod date_time;
mod de;
mod error;
mod pagination;
pub(crate) mod param;
mod region;
mod request;
mod retry;

#[rustfmt::skip]
pub mod models;
#[rustfmt::skip]
pub mod operations;

pub use crate::auth::{BoxFuture, StaticToken, TokenProvider};
pub use crate::client::{Client, ClientBuilder};
pub use crate::error::{ApiError, AuthError, DecodeError, Error, PageError, PaginationError};
pub use crate::pagination::MAX_PAGE_NUMBER_RECORDS;
pub(crate) use crate::param::ParamValue;
pub use crate::region::{Region, UnknownRegion};
pub(crate) use crate::request::OperationInfo;
pub use crate::request::{ApiResponse, MultipartForm, RawBody};
pub use crate::retry::RetryConfig;
pub use reqwest::StatusCode;
pub use secrecy::SecretString;

/// Compiles the README's Rust examples as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
