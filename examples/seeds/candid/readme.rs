//! Candid Health's Python SDK README (`shared/seeds/candid-python-readme.txt`), snippet by
//! snippet, in Rust — against the SDK `tern generate` writes from `candid.yaml`. Runs against
//! any Candid-compatible server: `CANDID_BASE_URL` (e.g. a Prism mock).
//!
//! As with Fern's client, the client id and secret are all a caller gives: the SDK exchanges
//! them at the API's own `POST /auth/v2/token` for a bearer token, caches it and renews it.

use candid_sdk::resources::auth::v2::TokenParams;
use candid_sdk::resources::encounters::v4::ListParams;
use candid_sdk::{Candid, RequestOptions};
use std::time::Duration;

fn base_url() -> String {
    std::env::var("CANDID_BASE_URL").unwrap_or_else(|_| Candid::DEFAULT_BASE_URL.to_owned())
}

fn token_params() -> TokenParams {
    TokenParams::new("YOUR_CLIENT_ID", "YOUR_CLIENT_SECRET")
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // client = CandidApiClient(client_id="YOUR_CLIENT_ID", client_secret="YOUR_CLIENT_SECRET")
    let client = Candid::builder()
        .client_credentials("YOUR_CLIENT_ID", "YOUR_CLIENT_SECRET")
        .base_url(base_url())
        .build()?;

    // client.auth.v_2.get_token(client_id=…, client_secret=…)
    let token = client.auth().v2().token(token_params()).await?;
    println!("token expires in {:?} s", token.expires_in);

    // client.encounters.v_4.get_all(): the token is fetched behind the scenes.
    let encounters = client.encounters().v4().list(ListParams::new()).await?;
    println!("{encounters:?}");

    // Every encounter, page after page (the `page_token` cursor is followed for you; two pages
    // at most here — a mock server hands back the cursor it was sent, forever).
    let mut all = client
        .encounters()
        .v4()
        .list_pages(ListParams::new().limit(2))
        .await?
        .max_pages(2)
        .into_stream();
    let mut count = 0;
    while let Some(encounter) = all.next().await {
        encounter?;
        count += 1;
    }
    println!("{count} encounters in all");

    // try: client.auth.v_2.get_token(...) except ApiError as e: e.status_code, e.body
    let wrong = Candid::builder().base_url(base_url()).build()?;
    match wrong.encounters().v4().list(ListParams::new()).await {
        Ok(_) => println!("the server accepted a call without credentials"),
        Err(e) if e.is_status() => {
            println!("{:?}", e.status());
            if let Some(api) = e.api_error() {
                println!("{:?}", api.json);
            }
        }
        Err(e) => return Err(e.into()),
    }

    // Retries: client.auth.v_2.get_token(..., {max_retries=1})
    client
        .with_options(RequestOptions::new().max_retries(1))
        .auth()
        .v2()
        .token(token_params())
        .await?;

    // Timeouts: CandidApiClient(..., timeout=20.0); per call {timeout_in_seconds=1}
    let patient = Candid::builder()
        .client_credentials("YOUR_CLIENT_ID", "YOUR_CLIENT_SECRET")
        .base_url(base_url())
        .timeout(Duration::from_secs(20))
        .build()?;
    patient.auth().v2().token(token_params()).await?;
    client
        .with_options(RequestOptions::new().timeout(Duration::from_secs(1)))
        .auth()
        .v2()
        .token(token_params())
        .await?;

    // Custom client: CandidApiClient(..., http_client=httpx.Client(proxies=…, transport=…))
    let http = candid_sdk::runtime::transport::Client::builder()
        .local_address(std::net::IpAddr::from([0, 0, 0, 0]))
        .build()?;
    let custom = Candid::builder()
        .client_credentials("YOUR_CLIENT_ID", "YOUR_CLIENT_SECRET")
        .base_url(base_url())
        .http_client(http)
        .build()?;
    custom.encounters().v4().list(ListParams::new()).await?;

    // The synchronous client (CandidApiClient vs AsyncCandidApiClient).
    let token = tokio::task::spawn_blocking(|| -> Result<_, candid_sdk::Error> {
        let client = Candid::builder()
            .client_credentials("YOUR_CLIENT_ID", "YOUR_CLIENT_SECRET")
            .base_url(base_url())
            .build_blocking()?;
        client.auth().v2().token(token_params())
    })
    .await??;
    println!("blocking: token type {:?}", token.token_type);
    Ok(())
}
