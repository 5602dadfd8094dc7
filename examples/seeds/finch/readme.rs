//! The Finch Python SDK's README (`shared/seeds/finch-python-readme.txt`), snippet by snippet,
//! in Rust — against the SDK `tern generate` writes from `finch.json` with this directory's
//! `tern.toml`. Runs against any Finch-compatible server: `FINCH_BASE_URL` (e.g. a Prism mock)
//! and `FINCH_ACCESS_TOKEN`.
//!
//! The README's `ats.candidates` and `ats.jobs` snippets use the ATS product, which this spec
//! does not describe: they are shown with the HRIS directory, which pages the same way.

use finch_sdk::resources::hris::benefits::{CreateErrorBody, CreateParams};
use finch_sdk::resources::hris::directory::ListIndividualsParams;
use finch_sdk::{Error, Finch, RequestOptions};
use std::time::Duration;

fn base_url() -> String {
    std::env::var("FINCH_BASE_URL").unwrap_or_else(|_| Finch::DEFAULT_BASE_URL.to_owned())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // finch = Finch(access_token="my access token")
    let finch = Finch::builder()
        .access_token("my access token")
        .base_url(base_url())
        .build()?;

    // candidate = finch.ats.candidates.retrieve(); print(candidate.first_name)
    let company = finch.hris().company().retrieve().await?;
    println!("company: {}", company.legal_name.as_deref().unwrap_or("(none)"));

    // for job in finch.ats.jobs.list(): all_jobs.append(job)  — auto-paginating
    let mut all = Vec::new();
    let mut individuals = finch
        .hris()
        .directory()
        .list_individuals_pages(ListIndividualsParams::new())
        .await?
        .into_stream();
    while let Some(individual) = individuals.next().await {
        all.push(individual?);
    }
    println!("{} individuals", all.len());

    // first_page.has_next_page() / next_page_info() / get_next_page()
    let first_page = finch
        .hris()
        .directory()
        .list_individuals_pages(ListIndividualsParams::new().limit(1))
        .await?;
    if first_page.has_next_page() {
        println!(
            "will fetch next page using these details: {:?}",
            first_page.next_page_info()
        );
        if let Some(next_page) = first_page.get_next_page().await? {
            println!(
                "number of items we just fetched: {}",
                next_page.items().len()
            );
        }
    }

    // Or work directly with the returned data: first_page.paging.offset, first_page.individuals
    let body = first_page.body()?;
    if let Some(offset) = body.paging.and_then(|p| p.offset) {
        println!("the current start offset for this page: {offset}");
    }
    for individual in body.individuals.iter().flatten() {
        println!("{:?}", individual.id);
    }

    // response = finch.hris.directory.with_raw_response.list_individuals(); response.headers
    let response = finch
        .hris()
        .directory()
        .list_individuals(ListIndividualsParams::new())
        .with_response()
        .await?;
    println!(
        "{} {:?}: {} individuals",
        response.status,
        response.request_id(),
        response.value.individuals.as_ref().map_or(0, Vec::len)
    );

    // try: … except finch.APIConnectionError / RateLimitError / APIStatusError
    let unauthenticated = Finch::builder().base_url(base_url()).build()?;
    match unauthenticated
        .hris()
        .directory()
        .list_individuals(ListIndividualsParams::new())
        .await
    {
        Ok(_) => println!("the server accepted a call without credentials"),
        Err(Error::Connection { source, .. }) => {
            println!("The server could not be reached: {source}")
        }
        Err(Error::RateLimit(_)) => {
            println!("A 429 status code was received; we should back off a bit.")
        }
        Err(e) if e.is_status() => {
            println!("Another non-200-range status code was received");
            println!("{:?}", e.status());
            if let Some(api) = e.api_error() {
                println!("{}", String::from_utf8_lossy(&api.body));
            }
        }
        Err(e) => return Err(e.into()),
    }

    // Typed error bodies: an operation's declared error schema, decoded from the error.
    // (`Prefer: code=422` asks the Prism mock for the declared 422 response.)
    let rejected = finch
        .with_options(RequestOptions::new().header("Prefer", "code=422"))
        .hris()
        .benefits()
        .create(CreateParams::new())
        .await;
    match rejected {
        Err(e) => match CreateErrorBody::from_error(&e) {
            Some(CreateErrorBody::Status422(body)) => {
                println!("422 {:?}: {:?}", body.finch_code, body.message)
            }
            other => panic!("expected the declared 422 body, got {other:?} from {e}"),
        },
        Ok(created) => panic!("the mock was asked for a 422, yet answered {created:?}"),
    }

    // Finch(max_retries=0); finch.with_options(max_retries=5).hris.directory.list_individuals()
    let no_retries = Finch::builder()
        .access_token("my access token")
        .base_url(base_url())
        .max_retries(0)
        .build()?;
    no_retries.hris().company().retrieve().await?;
    finch
        .with_options(RequestOptions::new().max_retries(5))
        .hris()
        .directory()
        .list_individuals(ListIndividualsParams::new())
        .await?;

    // Finch(timeout=20.0); finch.with_options(timeout=5).hris.directory.list_individuals()
    let patient = Finch::builder()
        .access_token("my access token")
        .base_url(base_url())
        .timeout(Duration::from_secs(20))
        .build()?;
    patient.hris().company().retrieve().await?;
    finch
        .with_options(RequestOptions::new().timeout(Duration::from_secs(5)))
        .hris()
        .directory()
        .list_individuals(ListIndividualsParams::new())
        .await?;

    // The Finch-API-Version header is sent automatically; override it on the client
    // (default_headers=…) or per call. (The mock validates it as a date, so a date it is.)
    let pinned = Finch::builder()
        .access_token("my access token")
        .base_url(base_url())
        .default_header("Finch-API-Version", "2020-09-17")
        .build()?;
    pinned.hris().company().retrieve().await?;
    finch
        .with_options(RequestOptions::new().header("Finch-API-Version", "2020-09-17"))
        .hris()
        .company()
        .retrieve()
        .await?;

    // Finch(base_url=…, proxies=…, transport=HTTPTransport(local_address="0.0.0.0"))
    let http = finch_sdk::runtime::transport::Client::builder()
        .local_address(std::net::IpAddr::from([0, 0, 0, 0]))
        .build()?;
    let custom = Finch::builder()
        .access_token("my access token")
        .base_url(base_url())
        .http_client(http)
        .build()?;
    custom.hris().company().retrieve().await?;

    // The synchronous client: `Finch` in Python, `finch_sdk::blocking::Finch` here.
    let company = tokio::task::spawn_blocking(|| -> Result<_, Error> {
        let finch = Finch::builder()
            .access_token("my access token")
            .base_url(base_url())
            .build_blocking()?;
        let mut names = Vec::new();
        for individual in finch
            .hris()
            .directory()
            .list_individuals_pages(ListIndividualsParams::new())?
        {
            names.push(individual?.first_name);
        }
        println!("blocking: {} individuals", names.len());
        finch.hris().company().retrieve()
    })
    .await??;
    println!("blocking: {:?}", company.legal_name);
    Ok(())
}
