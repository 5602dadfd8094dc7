//! Candid Health's Python SDK README (`shared/seeds/candid-python-readme.txt`), snippet by
//! snippet, in Rust — against the SDK `tern generate` writes from `candid.yaml`. Runs against
//! any Candid-compatible server: `CANDID_BASE_URL` (e.g. a Prism mock).
//!
//! As with Fern's client, the client id and secret are all a caller gives: the SDK exchanges
//! them at the API's own `POST /auth/v2/token` for a bearer token, caches it and renews it.

use candid_sdk::resources::auth::PostV2TokenParams;
use candid_sdk::resources::encounters::ListV4Params;
use candid_sdk::{Candid, Error, RequestOptions};
use std::time::Duration;

fn base_url() -> String {
    std::env::var("CANDID_BASE_URL").unwrap_or_else(|_| Candid::DEFAULT_BASE_URL.to_owned())
}

fn token_params() -> PostV2TokenParams {
    PostV2TokenParams::new("YOUR_CLIENT_ID", "YOUR_CLIENT_SECRET")
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    // client = CandidApiClient(client_id="YOUR_CLIENT_ID", client_secret="YOUR_CLIENT_SECRET")
    let client = Candid::builder()
        .client_credentials("YOUR_CLIENT_ID", "YOUR_CLIENT_SECRET")
        .base_url(base_url())
        .build()?;

    // client.auth.v_2.get_token(client_id=…, client_secret=…)
    let token = client.auth().post_v2_token(token_params()).await?;
    println!("token expires in {:?} s", token.expires_in);

    // Any authenticated call: the token is fetched behind the scenes.
    let encounters = client.encounters().list_v4(ListV4Params::new()).await?;
    println!("{encounters:?}");

    // try: client.auth.v_2.get_token(...) except ApiError as e: e.status_code, e.body
    let wrong = Candid::builder().base_url(base_url()).build()?;
    match wrong.encounters().list_v4(ListV4Params::new()).await {
        Ok(_) => println!("the server accepted a call without credentials"),
        Err(e) if e.is_status() => {
            println!("{:?}", e.status());
            if let Some(api) = e.api_error() {
                println!("{:?}", api.json);
            }
        }
        Err(e) => return Err(e),
    }

    // Retries: client.auth.v_2.get_token(..., {max_retries=1})
    client
        .with_options(RequestOptions::new().max_retries(1))
        .auth()
        .post_v2_token(token_params())
        .await?;

    // Timeouts: CandidApiClient(..., timeout=20.0); per call {timeout_in_seconds=1}
    let patient = Candid::builder()
        .client_credentials("YOUR_CLIENT_ID", "YOUR_CLIENT_SECRET")
        .base_url(base_url())
        .timeout(Duration::from_secs(20))
        .build()?;
    patient.auth().post_v2_token(token_params()).await?;
    client
        .with_options(RequestOptions::new().timeout(Duration::from_secs(1)))
        .auth()
        .post_v2_token(token_params())
        .await?;

    // Custom client: CandidApiClient(..., http_client=httpx.Client(proxies=…, transport=…))
    let http = candid_sdk::runtime::transport::Client::builder()
        .local_address(std::net::IpAddr::from([0, 0, 0, 0]))
        .build()
        .map_err(|e| Error::InvalidRequest {
            message: e.to_string(),
        })?;
    let custom = Candid::builder()
        .client_credentials("YOUR_CLIENT_ID", "YOUR_CLIENT_SECRET")
        .base_url(base_url())
        .http_client(http)
        .build()?;
    custom.encounters().list_v4(ListV4Params::new()).await?;

    // The synchronous client (CandidApiClient vs AsyncCandidApiClient).
    let token = tokio::task::spawn_blocking(|| -> Result<_, Error> {
        let client = Candid::builder()
            .client_credentials("YOUR_CLIENT_ID", "YOUR_CLIENT_SECRET")
            .base_url(base_url())
            .build_blocking()?;
        client.auth().post_v2_token(token_params())
    })
    .await
    .map_err(|e| Error::InvalidRequest {
        message: e.to_string(),
    })??;
    println!("blocking: token type {:?}", token.token_type);
    Ok(())
}
