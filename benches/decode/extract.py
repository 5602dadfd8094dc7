#!/usr/bin/env python3
"""Fixtures of the decode benchmark (scripts/bench-decode.sh), reproducibly.

    python3 benches/decode/extract.py [SPECS_DIR]     # SPECS_DIR defaults to ../shared/specs

Writes, next to this script:

- github-repos.json     GitHub's `GET /orgs/{org}/repos` (repos/list-for-org) and everything it
                        references ($refs followed from the operation), from
                        corpus/github/api.github.com.json (OpenAPI 3.0).
- civis-workflows.json  Civis's `GET /workflows/` and the definitions it references, from
                        seeds/civis.json (Swagger 2.0).
- repos.json            100 repositories (items of minimal-repository), built from the spec's
                        own example (components/examples/minimal-repository-items).
- workflows.json        100 workflows (items of WorkflowSummary), built from the operation's
                        x-examples response body.
- civis-example.json    that x-examples response body verbatim: what the real Civis API sent.
                        It does not follow the schema (nulls in required non-nullable members,
                        numbers where the schema says string), so it is a realism check only.

Schemas are copied as they are (`nullable`, `required`, `format`, `enum`, `title`, property
order); only documentation is trimmed: descriptions cut to their first sentence, `example`,
`examples`, `x-examples`, `externalDocs` and `x-github` dropped. The bodies are deterministic
(fixed seed) and are checked against the extracted schemas (jsonschema, with OpenAPI's
`nullable` spelled as JSON Schema) before they are written: members the schema does not declare
are allowed (and present on purpose), everything declared has its declared type.
"""

import copy
import json
import random
import sys
from pathlib import Path

import jsonschema

HERE = Path(__file__).resolve().parent
SEED = 13
DROP = {"example", "examples", "x-examples", "externalDocs", "x-github"}
NAME_MAPS = {"properties", "patternProperties", "schemas", "definitions", "parameters",
             "responses", "headers", "content", "securitySchemes", "securityDefinitions"}


def short(text):
    if not isinstance(text, str):
        return text
    first = text.strip().split("\n")[0]
    cut = first.find(". ")
    if cut >= 0:
        first = first[:cut + 1]
    return first if len(first) <= 100 else first[:97].rstrip() + "..."


def trim(node, names=False):
    """Documentation trimmed; keys of name maps (property names, ...) are never keywords."""
    if isinstance(node, list):
        return [trim(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if names:
            out[k] = trim(v)
            continue
        if k in DROP:
            continue
        if k == "description" and (isinstance(v, str) or v is None):
            out[k] = short(v)
            continue
        # `parameters` and `responses` of an operation are a list / a map of codes; both fine.
        out[k] = trim(v, names=(k in NAME_MAPS and isinstance(v, dict)))
    return out


def refs(node):
    if isinstance(node, dict):
        r = node.get("$ref")
        if isinstance(r, str):
            yield r
        for v in node.values():
            yield from refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from refs(v)


def pointer_parts(ref):
    assert ref.startswith("#/"), f"only local $refs are expected, got {ref}"
    return [p.replace("~1", "/").replace("~0", "~") for p in ref[2:].split("/")]


def extract(doc, path, method):
    """The operation (trimmed) and `place`, which copies a component section keeping only the
    entries the operation references (transitively), in the source document's order."""
    item = doc["paths"][path]
    op = {method: trim(item[method])}
    if "parameters" in item:  # path-level parameters apply to the operation too
        op["parameters"] = trim(item["parameters"])
    wanted, todo = set(), list(refs(op))
    while todo:
        r = todo.pop()
        if r in wanted:
            continue
        wanted.add(r)
        node = doc
        for p in pointer_parts(r):
            node = node[p]
        todo.extend(refs(trim(node)))

    def place(section_path):
        src = doc
        for p in section_path:
            src = src.get(p, {})
        keep = {}
        for name, value in src.items():
            esc = name.replace("~", "~0").replace("/", "~1")
            if "#/" + "/".join(list(section_path) + [esc]) in wanted:
                keep[name] = trim(value)
        return keep

    return {path: op}, place


def assert_closed(spec, what):
    """Every $ref of the extracted spec resolves inside it."""
    for r in refs(spec):
        node = spec
        for p in pointer_parts(r):
            assert isinstance(node, dict) and p in node, f"{what}: {r} not extracted"
            node = node[p]


def github(specs):
    doc = json.loads((specs / "corpus/github/api.github.com.json").read_text())
    paths, place = extract(doc, "/orgs/{org}/repos", "get")
    op = paths["/orgs/{org}/repos"]["get"]
    assert op["operationId"] == "repos/list-for-org"
    components = {}
    for section in ("schemas", "parameters", "headers", "responses"):
        got = place(("components", section))
        if got:
            components[section] = got
    tags = [trim(t) for t in doc.get("tags", []) if t["name"] in op.get("tags", [])]
    spec = {
        "openapi": doc["openapi"],
        "info": {"title": doc["info"]["title"], "version": doc["info"]["version"]},
        "servers": doc["servers"],
        "tags": tags,
        "paths": paths,
        "components": components,
    }
    example = doc["components"]["examples"]["minimal-repository-items"]["value"]
    return spec, example


def civis(specs):
    doc = json.loads((specs / "seeds/civis.json").read_text())
    paths, place = extract(doc, "/workflows/", "get")
    spec = {"swagger": doc["swagger"], "info": doc["info"], "host": doc["host"]}
    for k in ("basePath", "schemes", "consumes", "produces", "securityDefinitions", "security"):
        if k in doc:
            spec[k] = doc[k]
    spec["paths"] = paths
    for section in ("parameters", "responses", "definitions"):
        got = place((section,))
        if got:
            spec[section] = got
    raw = doc["paths"]["/workflows/"]["get"]["x-examples"][0]["requests"][0]["response_body"]
    return spec, json.loads(raw)


# ---- checking bodies against the extracted schemas --------------------------------------

def json_schema(node, doc, depth=0):
    """OpenAPI 3.0 / Swagger 2.0 schema → plain JSON Schema: $refs inlined, `nullable` as a type."""
    assert depth < 40, "recursive schema"
    if isinstance(node, list):
        return [json_schema(x, doc, depth) for x in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = doc
        for p in pointer_parts(node["$ref"]):
            target = target[p]
        return json_schema(target, doc, depth + 1)
    out = {}
    for k, v in node.items():
        if k == "properties":
            out[k] = {name: json_schema(s, doc, depth + 1) for name, s in v.items()}
        elif k in ("nullable", "x-nullable", "format", "title", "description", "x-github"):
            continue
        else:
            out[k] = json_schema(v, doc, depth + 1)
    if node.get("nullable") is True or node.get("x-nullable") is True:
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = list(out["enum"]) + [None]
    return out


def check(body, item_schema, doc, what):
    schema = {"type": "array", "items": json_schema(item_schema, doc)}
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(body), key=str)
    if errors:
        for e in errors[:5]:
            print(f"{what}: {list(e.absolute_path)}: {e.message}", file=sys.stderr)
        sys.exit(f"{what}: {len(errors)} schema violations")


# ---- bodies ------------------------------------------------------------------------------

WORDS_A = ["hello", "octo", "spoon", "linguist", "git", "rest", "hub", "docs", "api", "actions",
           "pages", "cli", "desktop", "atom", "electron", "semantic", "codeql", "super", "fast",
           "tiny"]
WORDS_B = ["world", "knife", "lint", "server", "client", "toolkit", "action", "site", "sdk",
           "runner", "cache", "bot", "schema", "parser", "engine", "template"]
LANGS = ["Ruby", "Go", "Rust", "JavaScript", "TypeScript", "Python", "C", "C++", "Shell", "HTML"]
TOPICS = ["octocat", "atom", "electron", "api", "rust", "cli", "github-actions", "hacktoberfest",
          "documentation", "security", "sdk", "openapi"]
LICENSES = [
    {"key": "mit", "name": "MIT License", "spdx_id": "MIT",
     "url": "https://api.github.com/licenses/mit", "node_id": "MDc6TGljZW5zZW1pdA=="},
    {"key": "apache-2.0", "name": "Apache License 2.0", "spdx_id": "Apache-2.0",
     "url": "https://api.github.com/licenses/apache-2.0", "node_id": "MDc6TGljZW5zZTI="},
    {"key": "other", "name": "Other", "spdx_id": "NOASSERTION",
     "url": "https://api.github.com/licenses/other",
     "node_id": "MDc6TGljZW5zZTA="},
]
DESCRIPTIONS = [
    "This your first repo!",
    "A fast, friendly toolkit for the REST API",
    "Ünïcödé in descriptions — and emoji 🚀",
    "Quotes \"inside\", a backslash \\ and a tab\there",
    "",
    "Mirror of the upstream project (read-only); see https://example.com/docs?x=1&y=2",
]


def stamp(rng, lo=1262304000, hi=1640995200):
    import datetime
    t = rng.randint(lo, hi)
    return t, datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def later(rng, t0):
    return stamp(rng, t0, t0 + 400 * 86400)


def node_id(kind, n):
    import base64
    return base64.b64encode(f"{len(kind):03d}:{kind}{n}".encode()).decode()


def repos(example, rng):
    base = example[0]
    org = {"login": "octo-org", "id": 6811672}
    owner = copy.deepcopy(base["owner"])
    for k, v in list(owner.items()):
        if isinstance(v, str):
            owner[k] = v.replace("octocat", org["login"])
    owner.update(id=org["id"], node_id=node_id("Organization", org["id"]), type="Organization",
                 avatar_url=f"https://avatars.githubusercontent.com/u/{org['id']}?v=4")
    owner["user_view_type"] = "public"  # not declared by simple-user
    out = []
    for i in range(100):
        r = {}
        rid = 1296269 + 104729 * i + rng.randint(0, 9999)
        name = f"{rng.choice(WORDS_A)}-{rng.choice(WORDS_B)}-{i}"
        full = f"{org['login']}/{name}"
        for k, v in base.items():
            if isinstance(v, str):
                r[k] = v.replace("octocat/Hello-World", full)
            else:
                r[k] = copy.deepcopy(v)
        r.update(id=rid, node_id=node_id("Repository", rid), name=name, full_name=full,
                 owner=copy.deepcopy(owner))
        r["private"] = rng.random() < 0.3
        r["visibility"] = ("internal" if rng.random() < 0.3 else "private") if r["private"] else "public"
        r["fork"] = rng.random() < 0.15
        r["description"] = None if rng.random() < 0.2 else rng.choice(DESCRIPTIONS)
        r["homepage"] = None if rng.random() < 0.5 else ("" if rng.random() < 0.3 else f"https://{name}.example.org")
        r["language"] = None if rng.random() < 0.15 else rng.choice(LANGS)
        r["mirror_url"] = None if rng.random() < 0.95 else f"git:git.example.com/{full}"
        r["stargazers_count"] = r["watchers_count"] = r["watchers"] = int(rng.paretovariate(1.2)) - 1
        r["forks_count"] = r["forks"] = rng.randint(0, r["stargazers_count"] // 3 + 1)
        r["open_issues_count"] = r["open_issues"] = rng.randint(0, 40)
        r["size"] = rng.randint(0, 500000)
        r["default_branch"] = "main" if rng.random() < 0.7 else "master"
        r["is_template"] = rng.random() < 0.05
        r["topics"] = rng.sample(TOPICS, rng.randint(0, 5))
        for k in ("has_issues", "has_projects", "has_wiki", "has_downloads"):
            r[k] = rng.random() < 0.85
        r["has_pages"] = rng.random() < 0.2
        r["archived"] = rng.random() < 0.1
        r["disabled"] = False
        t, r["created_at"] = stamp(rng)
        t, r["updated_at"] = later(rng, t)
        r["pushed_at"] = None if rng.random() < 0.05 else later(rng, t)[1]
        r["permissions"] = {"admin": rng.random() < 0.2, "maintain": rng.random() < 0.3,
                            "push": rng.random() < 0.5, "triage": rng.random() < 0.6, "pull": True}
        if rng.random() < 0.5:  # an older shape: maintain and triage are optional
            del r["permissions"]["maintain"], r["permissions"]["triage"]
        # Members the real list sends that minimal-repository does not declare.
        r["has_discussions"] = rng.random() < 0.3
        r["web_commit_signoff_required"] = False
        if rng.random() < 0.4:
            r["custom_properties"] = {} if rng.random() < 0.5 else {"team": rng.choice(WORDS_B), "tier": rng.randint(1, 3)}
        if rng.random() < 0.1:
            r["security_and_analysis"] = {"secret_scanning": {"status": "enabled"},
                                          "dependabot_security_updates": {"status": "disabled"}}
        # Optional members: present, null (where nullable) or absent.
        roll = rng.random()
        if roll < 0.6:
            r["license"] = copy.deepcopy(rng.choice(LICENSES))
        elif roll < 0.85:
            r["license"] = None
        else:
            r.pop("license", None)
        roll = rng.random()
        if roll < 0.05:
            tpl = r["template_repository"]
            tpl["id"] = 1296269 + i
            tpl["node_id"] = node_id("Repository", tpl["id"])
        elif roll < 0.3:
            r["template_repository"] = None
        else:
            r.pop("template_repository", None)
        if rng.random() < 0.1:
            r["code_of_conduct"] = {"key": "contributor_covenant", "name": "Contributor Covenant",
                                    "url": "https://api.github.com/codes_of_conduct/contributor_covenant",
                                    "html_url": f"https://github.com/{full}/blob/main/CODE_OF_CONDUCT.md"}
        if rng.random() < 0.5:
            r["allow_forking"] = rng.random() < 0.8
        if rng.random() < 0.3:
            r["delete_branch_on_merge"] = rng.random() < 0.5
        if rng.random() < 0.2:
            r["temp_clone_token"] = ""
        if rng.random() < 0.3:
            r["subscribers_count"] = rng.randint(0, 300)
            r["network_count"] = r["forks_count"]
        for k in ("topics", "permissions", "is_template", "visibility"):
            if rng.random() < 0.1:
                r.pop(k, None)
        out.append(r)
    return out


def workflows(example, rng):
    base = example[0]
    users = [{"id": 4270 + 17 * k, "name": f"User {n}", "username": n.lower().replace(" ", ""),
              "initials": "".join(w[0] for w in n.split()).upper(), "online": k % 3 == 0}
             for k, n in enumerate(["Ada Lovelace", "Grace Hopper", "Edsger Dijkstra",
                                    "Barbara Liskov", "Donald Knuth", "Frances Allen"])]
    states = ["succeeded", "failed", "running", "queued", "cancelled", "idle", "scheduled"]
    zones = ["America/Chicago", "America/New_York", "Europe/London", "UTC", "Asia/Tokyo"]
    out = []
    for i in range(100):
        w = copy.deepcopy(base)
        w["id"] = 1000 + 7 * i + rng.randint(0, 6)
        w["name"] = f"{rng.choice(['Nightly', 'Hourly', 'Weekly', 'Ad hoc', 'Backfill'])} {rng.choice(['ETL', 'model refresh', 'report', 'export', 'sync'])} #{i}"
        # The schema: description and fileId are required strings (the real API also sends
        # null and numbers here; see civis-example.json).
        w["description"] = rng.choice(["", "Loads the warehouse", "Scores the model — ünïcödé",
                                       "Runs \"quoted\" steps\nover two lines"])
        w["valid"] = rng.random() < 0.9
        w["fileId"] = str(300 + 3 * i + rng.randint(0, 2))
        w["user"] = dict(rng.choice(users))
        w["state"] = rng.choice(states)
        scheduled = rng.random() < 0.6
        w["schedule"] = {
            "scheduled": scheduled,
            "scheduledDays": sorted(rng.sample(range(7), rng.randint(1, 7))) if scheduled else [],
            "scheduledHours": sorted(rng.sample(range(24), rng.randint(1, 4))) if scheduled else [],
            "scheduledMinutes": [rng.choice([0, 15, 30, 45])] if scheduled else [],
            "scheduledRunsPerHour": 0,
            "scheduledDaysOfMonth": [],
        }
        w["allowConcurrentExecutions"] = rng.random() < 0.5
        w["timeZone"] = rng.choice(zones)
        t, created = stamp(rng, 1577836800, 1767225600)
        t2, updated = later(rng, t)
        ms = lambda s: s[:-1] + f".{rng.randint(0, 999):03d}Z"
        w["createdAt"], w["updatedAt"] = ms(created), ms(updated)
        w["nextExecutionAt"] = ms(later(rng, t2)[1])
        w["archived"] = "false" if rng.random() < 0.9 else "true"
        # Members WorkflowSummary does not declare.
        w["myPermissionLevel"] = rng.choice(["read", "write", "manage"])
        if rng.random() < 0.3:
            w["hidden"] = False
        if rng.random() < 0.2:
            w["lastExecution"] = {"id": rng.randint(1, 99999), "state": rng.choice(states)}
        out.append(w)
    return out


def write(name, value, compact=False):
    """Specs indented; response bodies compact as an API sends them, one item a line."""
    if compact:
        items = (json.dumps(x, ensure_ascii=False, separators=(",", ":")) for x in value)
        text = "[\n" + ",\n".join(items) + "\n]\n"
    else:
        text = json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    (HERE / name).write_text(text, encoding="utf-8")
    print(f"wrote benches/decode/{name} ({len(text.encode())} bytes)")


def main():
    specs = Path(sys.argv[1] if len(sys.argv) > 1 else HERE.parent.parent.parent / "shared/specs")
    rng = random.Random(SEED)

    gh, gh_example = github(specs)
    item = gh["paths"]["/orgs/{org}/repos"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["items"]
    check(gh_example, item, gh, "GitHub's own example")
    body = repos(gh_example, rng)
    check(body, item, gh, "repos.json")
    assert_closed(gh, "github-repos.json")
    write("github-repos.json", gh)
    write("repos.json", body, compact=True)

    cv, cv_example = civis(specs)
    item = cv["paths"]["/workflows/"]["get"]["responses"]["200"]["schema"]["items"]
    body = workflows(cv_example, rng)
    check(body, item, cv, "workflows.json")
    assert_closed(cv, "civis-workflows.json")
    write("civis-workflows.json", cv)
    write("workflows.json", body, compact=True)
    write("civis-example.json", cv_example)


if __name__ == "__main__":
    main()
