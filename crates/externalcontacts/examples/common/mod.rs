//! Client set-up shared by the examples, from environment variables:
//!
//! - `EXTERNALCONTACTS_BASE_URL`: an API base URL that overrides the region, such as a local
//!   mock server (`http://127.0.0.1:4010`);
//! - `GENESYS_REGION`: the region, such as `eu-west-1` or `mypurecloud.ie` (default `us-east-1`);
//! - `GENESYS_CLIENT_ID` and `GENESYS_CLIENT_SECRET`: OAuth client credentials, or
//!   `GENESYS_ACCESS_TOKEN`: a token obtained elsewhere.

use externalcontacts::{Client, Error, Region};

/// Builds a client from the environment variables above.
pub fn client_from_env() -> Result<Client, Box<dyn std::error::Error>> {
    let region: Region = match std::env::var("GENESYS_REGION") {
        Ok(name) => name.parse()?,
        Err(_) => Region::default(),
    };
    let mut builder = Client::builder().region(region);
    if let Ok(base_url) = std::env::var("EXTERNALCONTACTS_BASE_URL") {
        builder = builder.base_url(base_url);
    }
    builder = match (
        std::env::var("GENESYS_CLIENT_ID"),
        std::env::var("GENESYS_CLIENT_SECRET"),
    ) {
        (Ok(id), Ok(secret)) => builder.client_credentials(id, secret),
        _ => builder.access_token(std::env::var("GENESYS_ACCESS_TOKEN").map_err(|_| {
            "set GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET, or GENESYS_ACCESS_TOKEN"
        })?),
    };
    Ok(builder.build()?)
}

/// Prints an error the way a command-line tool would, with the correlation id that Genesys
/// Cloud support requests.
pub fn report(err: &Error) {
    eprintln!("error: {err}");
    if let Some(id) = err.correlation_id() {
        eprintln!("correlation id: {id}");
    }
}
