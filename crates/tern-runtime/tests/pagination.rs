//! Every pagination style over at least three pages, async (stream) and blocking (iterator).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use futures_util::StreamExt;
use serde_json::json;
use tern_runtime::{Error, PageInfo, PagesCall, Paginator, Request, RequestOptions};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn q(req: &wiremock::Request, name: &str) -> Option<String> {
    req.url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Serves items 0..7 under four paginated routes.
async fn server() -> MockServer {
    let server = MockServer::start().await;
    let items: Vec<u64> = (0..7).collect();
    let all = items.clone();
    Mock::given(wiremock::matchers::path("/offset"))
        .respond_with(move |r: &wiremock::Request| {
            let offset: usize = q(r, "offset").and_then(|v| v.parse().ok()).unwrap_or(0);
            let limit: usize = q(r, "limit").and_then(|v| v.parse().ok()).unwrap_or(100);
            let page: Vec<_> = all
                .iter()
                .skip(offset)
                .take(limit)
                .map(|i| json!({"id": i}))
                .collect();
            ResponseTemplate::new(200).set_body_json(
                json!({"paging": {"count": 7, "offset": offset}, "individuals": page}),
            )
        })
        .mount(&server)
        .await;
    let all = items.clone();
    Mock::given(wiremock::matchers::path("/cursor"))
        .respond_with(move |r: &wiremock::Request| {
            let start: usize = q(r, "cursor")
                .map(|c| c.trim_start_matches('c').parse().unwrap())
                .unwrap_or(0);
            let page: Vec<_> = all
                .iter()
                .skip(start)
                .take(3)
                .map(|i| json!({"id": i}))
                .collect();
            let next = (start + 3 < all.len()).then(|| format!("c{}", start + 3));
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": page, "meta": {"next_cursor": next}}))
        })
        .mount(&server)
        .await;
    let all = items.clone();
    Mock::given(wiremock::matchers::path("/pages"))
        .respond_with(move |r: &wiremock::Request| {
            let page: usize = q(r, "page_num").and_then(|v| v.parse().ok()).unwrap_or(1);
            let limit: usize = q(r, "limit").and_then(|v| v.parse().ok()).unwrap_or(50);
            let items: Vec<_> = all
                .iter()
                .skip((page - 1) * limit)
                .take(limit)
                .map(|i| json!({"id": i}))
                .collect();
            ResponseTemplate::new(200).set_body_json(json!(items))
        })
        .mount(&server)
        .await;
    let all = items.clone();
    let base = server.uri();
    Mock::given(wiremock::matchers::path("/linked"))
        .respond_with(move |r: &wiremock::Request| {
            let page: usize = q(r, "page").and_then(|v| v.parse().ok()).unwrap_or(1);
            let items: Vec<_> = all.iter().skip((page - 1) * 3).take(3).map(|i| json!({"id": i})).collect();
            let mut t = ResponseTemplate::new(200).set_body_json(json!(items));
            if page * 3 < all.len() {
                t = t.insert_header("link", format!("<{base}/linked?page=1>; rel=\"first\", <{base}/linked?page={}&per_page=3>; rel=\"next\"", page + 1).as_str());
            }
            t
        })
        .mount(&server)
        .await;
    server
}

#[derive(Debug, serde::Deserialize, PartialEq)]
struct Item {
    id: u64,
}

fn cases() -> Vec<(Request, Paginator, usize)> {
    vec![
        (
            Request::get("/offset").query("limit", 3),
            Paginator::Offset {
                offset_param: "offset".into(),
                limit_param: Some("limit".into()),
                total: None,
                items: vec!["individuals".into()],
            },
            3,
        ),
        (
            Request::get("/cursor"),
            Paginator::Cursor {
                cursor_param: "cursor".into(),
                next_cursor: Some(vec!["meta".into(), "next_cursor".into()]),
                has_more: None,
                items: vec!["data".into()],
            },
            3,
        ),
        (
            Request::get("/pages").query("limit", 3),
            Paginator::PageNumber {
                page_param: "page_num".into(),
                size_param: Some("limit".into()),
                first_page: 1,
                items: vec![],
            },
            3,
        ),
        (
            Request::get("/linked"),
            Paginator::Link { items: vec![] },
            3,
        ),
    ]
}

#[tokio::test]
async fn every_style_async() {
    let server = server().await;
    let (client, _) = support::client(&server.uri());
    for (request, paginator, pages) in cases() {
        let name = request.path().to_owned();
        let first = client.get_page::<Item>(request, paginator).await.unwrap();
        assert_eq!(first.items().len(), 3, "{name}");
        assert!(first.has_next_page(), "{name}");
        let second = first.get_next_page().await.unwrap().unwrap();
        assert_eq!(second.items()[0], Item { id: 3 }, "{name}");
        let all: Vec<u64> = first.into_stream().map(|r| r.unwrap().id).collect().await;
        assert_eq!(all, (0..7).collect::<Vec<_>>(), "{name}");
        let seen = server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.url.path() == name)
            .count();
        // get_next_page fetched page 2 once more; the stream fetched every page once.
        assert_eq!(seen, pages + 1, "{name}: one request per page");
    }
}

/// What generated `…_pages` methods return: awaited, the first page, typed body included; an
/// argument error is returned at `.await`, before anything is sent; options reach every page.
#[tokio::test]
async fn a_pages_call_fetches_the_first_page() {
    let server = server().await;
    let (client, _) = support::client(&server.uri());
    let (request, paginator, _) = cases().remove(1); // cursor
    let options = RequestOptions::new().header("X-Trace", "t1");
    let page: tern_runtime::Page<Item, serde_json::Value> =
        PagesCall::new(&client, Ok(request), paginator.clone())
            .options(options)
            .await
            .unwrap();
    assert_eq!(page.items().len(), 3);
    assert_eq!(page.body().unwrap()["meta"]["next_cursor"], "c3");
    let all: Vec<u64> = page.into_stream().map(|r| r.unwrap().id).collect().await;
    assert_eq!(all, (0..7).collect::<Vec<_>>());
    let traced = |r: &&wiremock::Request| r.headers.get("x-trace").is_some_and(|v| v == "t1");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests.iter().filter(traced).count(),
        3,
        "every page carries the options"
    );

    let bad: Result<Request, Error> = Err(Error::InvalidRequest {
        message: "`limit` must be positive".into(),
    });
    let e = PagesCall::<Item>::new(&client, bad, paginator)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("`limit` must be positive"), "{e}");
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        3,
        "nothing sent"
    );
}

#[tokio::test]
async fn next_page_info() {
    let server = server().await;
    let (client, _) = support::client(&server.uri());
    let infos: Vec<Option<PageInfo>> = {
        let mut out = Vec::new();
        for (request, paginator, _) in cases() {
            out.push(
                client
                    .get_page::<Item>(request, paginator)
                    .await
                    .unwrap()
                    .next_page_info()
                    .cloned(),
            );
        }
        out
    };
    assert_eq!(infos[0], Some(PageInfo::Offset(3)));
    assert_eq!(infos[1], Some(PageInfo::Cursor("c3".into())));
    assert_eq!(infos[2], Some(PageInfo::Page(2)));
    assert_eq!(
        infos[3],
        Some(PageInfo::Url(format!(
            "{}/linked?page=2&per_page=3",
            server.uri()
        )))
    );
}

#[test]
fn every_style_blocking() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(server());
    let (client, _) = support::client(&server.uri());
    let client = tern_runtime::blocking::Client::from(client);
    for (request, paginator, _) in cases() {
        let name = request.path().to_owned();
        let page = client.get_page::<Item>(request, paginator).unwrap();
        assert!(page.has_next_page());
        let ids: Vec<u64> = page.into_iter().map(|r| r.unwrap().id).collect();
        assert_eq!(ids, (0..7).collect::<Vec<_>>(), "{name}");
    }
    let v: serde_json::Value = client
        .send(Request::get("/pages").query("limit", 2))
        .unwrap();
    assert_eq!(v, json!([{"id": 0}, {"id": 1}]));
}

#[tokio::test]
async fn a_page_that_does_not_decode_names_the_item() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::path("/bad"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [{"id": 1}, {"id": "two"}]})),
        )
        .mount(&server)
        .await;
    let (client, _) = support::client(&server.uri());
    let err = client
        .get_page::<Item>(
            Request::get("/bad"),
            Paginator::Link {
                items: vec!["data".into()],
            },
        )
        .await
        .unwrap_err();
    let tern_runtime::Error::Decode(d) = err else {
        panic!()
    };
    assert_eq!(d.path, "data[1].id");
}

#[tokio::test]
async fn offset_paging_stops_at_the_total() {
    // Finch's `paging: {count, offset}`: `count` is the total, so no page is asked for past it
    // — even from a server that never sends an empty page.
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::path("/directory"))
        .respond_with(|r: &wiremock::Request| {
            let offset: usize = q(r, "offset").and_then(|v| v.parse().ok()).unwrap_or(0);
            let items: Vec<_> = (offset..5).take(2).map(|i| json!({"id": i})).collect();
            ResponseTemplate::new(200).set_body_json(
                json!({"paging": {"count": 5, "offset": offset}, "individuals": items}),
            )
        })
        .mount(&server)
        .await;
    let client = tern_runtime::Client::builder(server.uri()).build().unwrap();
    let paginator = Paginator::Offset {
        offset_param: "offset".into(),
        limit_param: None,
        total: Some(vec!["paging".into(), "count".into()]),
        items: vec!["individuals".into()],
    };
    let page = client
        .get_page::<Item>(Request::get("/directory"), paginator)
        .await
        .unwrap();
    let all: Vec<Item> = page.into_stream().map(|i| i.unwrap()).collect().await;
    assert_eq!(
        all.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![0, 1, 2, 3, 4]
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

/// A server whose pages do not advance: the listing ends after the items received, with a
/// typed error for pages sent again, and never loops.
#[tokio::test]
async fn hostile_pagination_ends() {
    let server = MockServer::start().await;
    // The same cursor, forever.
    Mock::given(wiremock::matchers::path("/repeat"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"data": [{"id": 1}, {"id": 2}], "meta": {"next_cursor": "same"}}),
        ))
        .mount(&server)
        .await;
    // A `Link` to the page itself.
    let base = server.uri();
    Mock::given(wiremock::matchers::path("/self"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([{"id": 1}]))
                .insert_header("link", format!("<{base}/self>; rel=\"next\"").as_str()),
        )
        .mount(&server)
        .await;
    // Empty pages that still carry a fresh cursor.
    Mock::given(wiremock::matchers::path("/empty"))
        .respond_with(|r: &wiremock::Request| {
            let n: u64 = q(r, "cursor").and_then(|c| c.parse().ok()).unwrap_or(0);
            let data = if n == 0 {
                json!([{"id": 1}])
            } else {
                json!([])
            };
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": data, "meta": {"next_cursor": (n + 1).to_string()}}))
        })
        .mount(&server)
        .await;
    // Fresh cursors and items forever: only a cap ends it.
    Mock::given(wiremock::matchers::path("/endless"))
        .respond_with(|r: &wiremock::Request| {
            let n: u64 = q(r, "cursor").and_then(|c| c.parse().ok()).unwrap_or(0);
            ResponseTemplate::new(200).set_body_json(
                json!({"data": [{"id": n}], "meta": {"next_cursor": (n + 1).to_string()}}),
            )
        })
        .mount(&server)
        .await;
    let client = tern_runtime::Client::builder(server.uri()).build().unwrap();
    let cursor = || Paginator::Cursor {
        cursor_param: "cursor".into(),
        next_cursor: Some(vec!["meta".into(), "next_cursor".into()]),
        has_more: None,
        items: vec!["data".into()],
    };
    let collect = |path: &'static str, paginator: Paginator, cap: Option<u64>| {
        let client = client.clone();
        async move {
            let mut page = client
                .get_page::<serde_json::Value>(Request::get(path), paginator)
                .await
                .unwrap();
            if let Some(cap) = cap {
                page = page.max_pages(cap);
            }
            let results: Vec<_> = tokio::time::timeout(
                std::time::Duration::from_secs(10),
                page.into_stream().collect::<Vec<_>>(),
            )
            .await
            .expect("the listing ends");
            results
        }
    };

    // Repeated cursor: the first page's items twice (the cursor `same` is met once), then
    // the error.
    let results = collect("/repeat", cursor(), None).await;
    let oks = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(oks, 4, "{results:?}");
    let last = results.last().unwrap().as_ref().unwrap_err();
    assert!(
        matches!(last, tern_runtime::Error::Pagination { .. }),
        "{last}"
    );
    assert!(last.to_string().contains("sent before"), "{last}");

    // Self link: one page, then the error.
    let results = collect("/self", Paginator::Link { items: vec![] }, None).await;
    assert_eq!(results.len(), 2, "{results:?}");
    assert!(matches!(
        results[1],
        Err(tern_runtime::Error::Pagination { .. })
    ));

    // Empty page with a cursor: the end.
    let results = collect("/empty", cursor(), None).await;
    assert_eq!(results.len(), 1, "{results:?}");
    assert!(results[0].is_ok());

    // A cap.
    let results = collect("/endless", cursor(), Some(5)).await;
    assert_eq!(results.len(), 5, "{results:?}");
    assert!(results.iter().all(Result::is_ok));
}

/// A page keeps its whole body beside the items, typed as the caller names it (what a
/// generated `_pages` method returns), async and blocking.
#[tokio::test]
async fn a_page_keeps_its_typed_body() {
    #[derive(serde::Deserialize)]
    struct Paging {
        count: u64,
        offset: u64,
    }
    #[derive(serde::Deserialize)]
    struct Body {
        paging: Paging,
        individuals: Vec<Item>,
    }
    let server = server().await;
    let (client, _) = support::client(&server.uri());
    let (request, paginator, _) = cases().remove(0);
    let first: tern_runtime::Page<Item, Body> = client
        .get_page::<Item>(request.clone(), paginator.clone())
        .await
        .unwrap()
        .with_body();
    let second = first.get_next_page().await.unwrap().unwrap();
    let body = second.body().unwrap();
    assert_eq!((body.paging.count, body.paging.offset), (7, 3));
    assert_eq!(body.individuals, second.items());
    assert_eq!(second.status.as_u16(), 200);
    let uri = server.uri();
    tokio::task::spawn_blocking(move || {
        let client = tern_runtime::blocking::Client::from(
            tern_runtime::Client::builder(uri).build().unwrap(),
        );
        let page: tern_runtime::blocking::Page<Item, Body> =
            client.get_page(request, paginator).unwrap().with_body();
        assert_eq!(page.body().unwrap().paging.offset, 0);
    })
    .await
    .unwrap();
}
