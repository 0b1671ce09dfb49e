//! Creates a contact, reads it back, and handles the typed errors of a missing one.
//!
//! ```sh
//! GENESYS_ACCESS_TOKEN=... cargo run --example create_contact
//! ```

mod common;

use externalcontacts::models::{ExternalContact, PhoneNumber};
use externalcontacts::Error;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = common::client_from_env()?;

    let mut contact = ExternalContact::new("Ada", "Lovelace");
    contact.work_email = Some("ada@example.com".to_owned());
    contact.work_phone = Some(PhoneNumber {
        display: Some("+1 317-555-0100".to_owned()),
        ..Default::default()
    });
    let created = client
        .post_externalcontacts_contacts(contact)
        .send()
        .await
        .inspect_err(common::report)?;
    let id = created.id.clone().unwrap_or_default();
    println!("created contact {id}");

    match client
        .get_externalcontacts_contact("00000000-0000-0000-0000-000000000000")
        .send()
        .await
    {
        Ok(contact) => println!("found {:?}", contact.id),
        Err(err) if err.is_not_found() => println!("no such contact, as expected"),
        Err(Error::Api(api)) => {
            let message = api
                .error_body()
                .and_then(|body| body.message)
                .unwrap_or_default();
            println!("the API refused: {} {message}", api.status);
        }
        Err(err) => return Err(err.into()),
    }
    Ok(())
}
