//! Calls a third-party API of the sample crate (Acme CRM, OAUTH2 client credentials, described
//! in `tests/sample-apis/spec/crm.yaml`): the client fetches a token at the API's token URL,
//! caches it, refreshes it before it expires, and reads a contact and a page of contacts.
//!
//! ```sh
//! cargo run -p livevox-sample-apis --example oauth2_api          # against the simulator
//! ACME_CLIENT_ID=... ACME_CLIENT_SECRET=... cargo run -p livevox-sample-apis --example oauth2_api
//! ```

use livevox_sample_apis::acme_crm;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Against the real API when its credentials are in the environment; else the simulator,
    // which serves Acme CRM's operations and its token endpoint from the crate's spec.
    let (crm, sim) = match (std::env::var("ACME_CLIENT_ID"), std::env::var("ACME_CLIENT_SECRET")) {
        (Ok(id), Ok(secret)) => {
            println!("oauth2_api: talking to Acme CRM (ACME_CLIENT_ID is set)");
            (acme_crm::Client::builder().oauth2_client_credentials(id, secret).build()?, None)
        }
        _ => {
            // LiveVox's spec plus this crate's: the simulator serves Acme CRM next to LiveVox.
            let sim = livevox_sim::Simulator::builder().extra_spec_dir(livevox_sample_apis::SPEC_DIR).start().await?;
            println!("oauth2_api: talking to the bundled simulator at {} (set ACME_CLIENT_ID and ACME_CLIENT_SECRET for the real API)", sim.base_url());
            let creds = sim.api_credentials();
            let token_url = sim.oauth2_token_url("acme_crm").ok_or("the simulator serves no token endpoint for acme_crm")?;
            let crm = acme_crm::Client::builder()
                .base_url(sim.base_url())
                .allow_plain_http_for_loopback_tests()
                .oauth2_client_credentials(creds.oauth2_client_id.as_str(), creds.oauth2_client_secret.as_str())
                .oauth2_token_url(token_url)
                .build()?;
            (crm, Some(sim))
        }
    };
    let contact = crm.crm_contacts().read_contact(5001).await?;
    println!("oauth2_api: contact 5001 is {} {}", contact.first_name, contact.last_name);
    let page = crm.crm_contacts().list_contacts().limit(2).await?;
    println!("oauth2_api: first page holds {} contacts", page.contacts.len());
    if let Some(sim) = &sim {
        println!("oauth2_api: {} token request(s) for {} API calls", sim.oauth2_token_requests(), sim.requests().len());
    }
    Ok(())
}
