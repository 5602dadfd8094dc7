//! `tern mcp`: the API of a spec as an MCP server (tern-mcp), over stdio or streamable HTTP.

use crate::{McpArgs, McpMode, Transport};
use std::process::ExitCode;

pub(crate) fn run(args: &McpArgs) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    rt.block_on(serve(args))
}

async fn serve(args: &McpArgs) -> ExitCode {
    let builder = match args.conn.builder() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let client = match builder.build().await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let mut options = tern_mcp::Options::default();
    options.mode = match args.mode {
        McpMode::Tools => tern_mcp::Mode::Tools,
        McpMode::Discover => tern_mcp::Mode::Discover,
        McpMode::Auto => tern_mcp::Mode::Auto,
    };
    options.max_tools = args.max_tools;
    options.resources.clone_from(&args.resources);
    options.tags.clone_from(&args.tags);
    options.read_only = args.read_only;
    options.max_result_bytes = args.max_result_bytes;
    options.forward_authorization = args.forward_authorization;
    let server = tern_mcp::Server::new(client, &options);
    if args.print_tools {
        let tools = serde_json::to_string_pretty(server.tools()).unwrap_or_default();
        println!("{tools}");
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "tern mcp: {} tool(s) for {} operation(s) ({} mode)",
        server.tools().len(),
        server.catalog().entries.len(),
        match server.catalog().mode {
            tern_mcp::Mode::Discover => "discover",
            _ => "tools",
        }
    );
    let served = match args.transport {
        Transport::Stdio => tern_mcp::serve_stdio(server).await,
        Transport::Http => {
            tern_mcp::serve_http(server, args.listen, |addr| {
                eprintln!("tern mcp: listening on http://{addr}/mcp");
            })
            .await
        }
    };
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
