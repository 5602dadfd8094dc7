"""An MCP client as agents run it: the official Python SDK (PyPI `mcp`) drives a server over
stdio or streamable HTTP, lists its tools and makes the calls of a plan.

    python mcp_client.py PLAN.json

PLAN: {"transport": "stdio", "command": [...]} or {"transport": "http", "url": "...",
"headers": {...}} (headers sent with every HTTP request),
and "calls": [{"tool": NAME, "arguments": {...}}, ...]. Prints one JSON object: the tool
names, and for each call whether it was a tool error, its text and structured content.
"""

import asyncio
import json
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client


async def run(session, plan):
    await session.initialize()
    tools = await session.list_tools()
    out = {"tools": [t.name for t in tools.tools], "calls": []}
    for call in plan["calls"]:
        result = await session.call_tool(call["tool"], call["arguments"])
        text = "".join(getattr(c, "text", "") for c in result.content)
        out["calls"].append(
            {
                "tool": call["tool"],
                "is_error": bool(result.is_error),
                "text": text,
                "structured": result.structured_content,
            }
        )
    print(json.dumps(out))


async def main():
    with open(sys.argv[1]) as f:
        plan = json.load(f)
    if plan["transport"] == "stdio":
        params = StdioServerParameters(command=plan["command"][0], args=plan["command"][1:])
        async with stdio_client(params) as streams:
            async with ClientSession(streams[0], streams[1]) as session:
                await run(session, plan)
    else:
        http = create_mcp_http_client(headers=plan.get("headers"))
        async with streamable_http_client(plan["url"], http_client=http) as streams:
            async with ClientSession(streams[0], streams[1]) as session:
                await run(session, plan)


asyncio.run(main())
