//! Streams every contact of the organization with the cursor scan, printing one CSV line
//! each. Memory stays near one page however many contacts there are.
//!
//! ```sh
//! GENESYS_CLIENT_ID=... GENESYS_CLIENT_SECRET=... cargo run --example export_contacts > contacts.csv
//! ```

mod common;

use futures::StreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = common::client_from_env()?;

    // Against a mock server, which repeats one page, this ends with a repeated-cursor error.
    let mut contacts = client
        .get_externalcontacts_scan_contacts()
        .limit(200)
        .into_stream();
    println!("id,first_name,last_name,work_email");
    let mut count = 0;
    while let Some(contact) = contacts.next().await {
        let contact = contact.inspect_err(common::report)?;
        println!(
            "{},{},{},{}",
            contact.id.unwrap_or_default(),
            contact.first_name.unwrap_or_default(),
            contact.last_name.unwrap_or_default(),
            contact.work_email.unwrap_or_default()
        );
        count += 1;
    }
    eprintln!("exported {count} contacts");
    Ok(())
}
