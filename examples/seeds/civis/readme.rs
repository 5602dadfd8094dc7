//! The Civis API client's documentation (`shared/seeds/civis-python-client.rst.txt`) in Rust —
//! against the SDK `tern generate` writes from `civis.json` with this directory's `tern.toml`
//! (`rest` naming). Where Civis builds its methods from the spec at run time, the generated
//! crate has them at compile time, with the same names (`tern call` and `tern_dynamic` offer the run-time flavour). Runs against any
//! Civis-compatible server: `CIVIS_BASE_URL` (e.g. a Prism mock) and `CIVIS_API_KEY`.

use civis_sdk::resources::workflows::{ListExecutionsParams, ListParams, PatchParams};
use civis_sdk::{Civis, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    // client = civis.APIClient(): the API key from CIVIS_API_KEY.
    let client = Civis::from_env()?;

    // | GET /workflows                  | client.workflows.list()                  |
    let workflows = client.workflows().list(ListParams::new()).await?;
    println!("{} workflows on the first page", workflows.len());

    // | GET /workflows/1                | client.workflows.get(1)                  |
    let workflow = client.workflows().get(1).await?;
    println!("workflow {:?}", workflow.name);

    // | GET /workflows/1/executions     | client.workflows.list_executions(1)      |
    let executions = client
        .workflows()
        .list_executions(1, ListExecutionsParams::new())
        .await?;
    println!("{} executions", executions.len());

    // | PATCH /workflows/1              | client.workflows.patch(1, ...)           |
    client
        .workflows()
        .patch(1, PatchParams::new().name("renamed"))
        .await?;

    // | POST /workflows/1/executions    | client.workflows.post_executions(1)      |
    let execution = client
        .workflows()
        .post_executions(1, Default::default())
        .await?;
    println!("execution {:?}", execution.id);

    // | GET /workflows/1/executions/2   | client.workflows.get_executions(1, 2)    |
    client.workflows().get_executions(1, 2).await?;

    // Every page of a list (Civis's `iterator=True`).
    let mut all = client
        .workflows()
        .list_pages(ListParams::new().limit(2))
        .await?
        .into_stream();
    let mut count = 0;
    while let Some(workflow) = all.next().await {
        workflow?;
        count += 1;
    }
    println!("{count} workflows in all");

    // Retries as the Civis client makes them: GET/PUT/DELETE on 429/502/503/504, POST only on
    // 429/503, PATCH never; Retry-After honoured; full jitter up to 60 s, at most 10 attempts.
    let civis_retries = Civis::builder()
        .api_key(std::env::var("CIVIS_API_KEY").unwrap_or_default())
        .base_url(
            std::env::var("CIVIS_BASE_URL").unwrap_or_else(|_| Civis::DEFAULT_BASE_URL.into()),
        )
        .configure(|b| b.retry_policy(civis_sdk::runtime::PatientRetry::default()))
        .build()?;
    civis_retries.workflows().get(1).await?;
    Ok(())
}
