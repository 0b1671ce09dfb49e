//! Searches contacts by keyword, one page of results.
//!
//! ```sh
//! GENESYS_REGION=eu-west-1 GENESYS_CLIENT_ID=... GENESYS_CLIENT_SECRET=... \
//!     cargo run --example search_contacts -- "lovelace"
//! ```

mod common;

use externalcontacts::operations::GetExternalcontactsContactsExpand;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = common::client_from_env()?;
    let query = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "lovelace".to_owned());

    let page = client
        .get_externalcontacts_contacts()
        .q(query)
        .page_size(25)
        .expand([GetExternalcontactsContactsExpand::ExternalOrganization])
        .send()
        .await
        .inspect_err(common::report)?;

    println!("{} matching contacts", page.total.unwrap_or_default());
    for contact in page.entities.unwrap_or_default() {
        let organization = contact
            .external_organization
            .and_then(|organization| organization.name);
        println!(
            "{} {} {}",
            contact.first_name.unwrap_or_default(),
            contact.last_name.unwrap_or_default(),
            organization
                .map(|name| format!("({name})"))
                .unwrap_or_default()
        );
    }
    Ok(())
}
