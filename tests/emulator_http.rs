//! The emulator behaves like ARM at the HTTP level, over real HTTPS: the
//! envelopes of 401, 400, 404 and 413, request ids, budgets, the request
//! record and the world endpoint.

mod emulator_common;

use emulator_common::*;
use serde_json::Value;

#[tokio::test]
async fn serves_https_that_only_the_written_ca_makes_trusted() {
    let emulator = start(|_| {}).await;
    assert!(emulator.base_url.starts_with("https://127.0.0.1:"));
    let written = std::fs::read_to_string(&emulator.ca_path).expect("the CA file exists");
    assert_eq!(written, emulator.ca_cert_pem);

    let trusting = client(&emulator);
    let token = token(&emulator, &trusting).await;
    let response = trusting
        .get(storage_config_url(&emulator))
        .bearer_auth(&token)
        .send()
        .await
        .expect("request");
    let (status, body) = status_and_json(response).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["properties"]["storageType"], "GeoRedundant");
    assert_eq!(body["properties"]["crossRegionRestoreFlag"], true);

    let stranger = reqwest::Client::builder().build().expect("client");
    assert!(
        stranger
            .get(storage_config_url(&emulator))
            .send()
            .await
            .is_err(),
        "a client that does not trust the CA must not connect"
    );
    let ca_path = emulator.ca_path.clone();
    emulator.shutdown().await;
    assert!(
        !ca_path.exists(),
        "the private CA folder goes with the emulator"
    );
}

#[tokio::test]
async fn arm_calls_without_a_valid_token_get_401_with_the_envelope_and_a_challenge() {
    let emulator = start(|_| {}).await;
    let client = client(&emulator);
    let cases = [
        (None, "AuthenticationFailed"),
        (Some("Basic abc"), "AuthenticationFailed"),
        (
            Some("Bearer not-a-token-we-issued"),
            "InvalidAuthenticationToken",
        ),
    ];
    for (authorization, code) in cases {
        let mut request = client.get(storage_config_url(&emulator));
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        let response = request.send().await.expect("request");
        let challenge = response
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let (status, body) = status_and_json(response).await;
        assert_eq!(status, 401, "{authorization:?}");
        assert_eq!(body["error"]["code"], code, "{authorization:?}");
        assert!(body["error"]["message"].is_string());
        assert!(
            challenge.starts_with("Bearer authorization_uri="),
            "{challenge}"
        );
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_missing_or_unknown_api_version_is_400_with_azures_codes() {
    let emulator = start(|_| {}).await;
    let client = client(&emulator);
    let token = token(&emulator, &client).await;
    let base = format!(
        "{}{VAULT}/backupstorageconfig/vaultstorageconfig",
        emulator.base_url
    );
    for (query, code) in [
        ("", "MissingApiVersionParameter"),
        ("?api-version=2019-05-13", "InvalidApiVersionParameter"),
        ("?api-version=banana", "InvalidApiVersionParameter"),
    ] {
        let response = client
            .get(format!("{base}{query}"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("request");
        let (status, body) = status_and_json(response).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some(code)),
            "{query}"
        );
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn unknown_routes_and_resources_are_404_and_path_tricks_400() {
    let emulator = start(|_| {}).await;
    let client = client(&emulator);
    let token = token(&emulator, &client).await;
    let unknown_route = format!(
        "{}/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Nothing/things?api-version=1",
        emulator.base_url
    );
    let unknown_vault = storage_config_url(&emulator).replace("rsv-prod-weu", "rsv-missing");
    for (url, code) in [
        (unknown_route, "InvalidResourceType"),
        (unknown_vault, "ResourceNotFound"),
    ] {
        let response = client
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .expect("request");
        let (status, body) = status_and_json(response).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (404, Some(code)),
            "{url}"
        );
    }
    for trick in [
        "/subscriptions/x/../_emulator/world",
        "/subscriptions/x/%2e%2e/_emulator/world",
        "/subscriptions/x/./y",
        "/subscriptions/x%2F..%2F/resourceGroups",
        "/subscriptions/x/%5c/y",
    ] {
        let head = format!("GET {trick}?api-version=1 HTTP/1.1\r\nAuthorization: Bearer {token}");
        let (status, body) = raw_request(&emulator, &head, b"").await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("InvalidRequestUri")),
            "{trick}"
        );
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_and_the_server_keeps_serving() {
    let emulator = start(|_| {}).await;
    let client = client(&emulator);
    let token = token(&emulator, &client).await;
    let huge = vec![b'x'; restoreplan::emulator::MAX_BODY_BYTES + 1];
    let response = client
        .post(storage_config_url(&emulator))
        .bearer_auth(&token)
        .body(huge)
        .send()
        .await
        .expect("request");
    let (status, body) = status_and_json(response).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (413, Some("RequestEntityTooLarge"))
    );
    let again = client
        .get(storage_config_url(&emulator))
        .bearer_auth(&token)
        .send()
        .await
        .expect("request");
    assert_eq!(again.status(), 200);
    emulator.shutdown().await;
}

#[tokio::test]
async fn answers_carry_request_ids_and_echo_the_clients() {
    let emulator = start(|_| {}).await;
    let client = client(&emulator);
    let token = token(&emulator, &client).await;
    let response = client
        .get(storage_config_url(&emulator))
        .bearer_auth(&token)
        .header("x-ms-client-request-id", "client-7")
        .header("x-ms-correlation-request-id", "corr-42")
        .send()
        .await
        .expect("request");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(
        header("x-ms-client-request-id").as_deref(),
        Some("client-7")
    );
    assert_eq!(
        header("x-ms-correlation-request-id").as_deref(),
        Some("corr-42")
    );
    let request_id = header("x-ms-request-id").expect("x-ms-request-id");
    assert!(uuid::Uuid::parse_str(&request_id).is_ok(), "{request_id}");
    let reads_left = header("x-ms-ratelimit-remaining-subscription-reads").expect("budget header");
    assert_eq!(
        reads_left, "499",
        "fixture: 50 writes an hour, so 500 reads"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn writes_over_the_hourly_budget_get_real_429s_with_retry_after() {
    let emulator = start(|config| config.inventory.emulator.writes_per_hour = 2).await;
    let client = client(&emulator);
    let token = token(&emulator, &client).await;
    let mut answers = Vec::new();
    for _ in 0..3 {
        let response = client
            .post(storage_config_url(&emulator))
            .bearer_auth(&token)
            .json(&serde_json::json!({}))
            .send()
            .await
            .expect("request");
        let remaining = response
            .headers()
            .get("x-ms-ratelimit-remaining-subscription-writes")
            .map(|v| v.to_str().unwrap_or_default().to_owned());
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        let (status, body) = status_and_json(response).await;
        answers.push((
            status,
            remaining,
            retry_after.is_some_and(|s| s > 0),
            body["error"]["code"].clone(),
        ));
    }
    // The storage config is read-only, so allowed writes reach a 405, as in ARM.
    assert_eq!(answers[0].1.as_deref(), Some("1"));
    assert_eq!(answers[1].1.as_deref(), Some("0"));
    assert_eq!(answers[2].0, 429);
    assert!(answers[2].2, "429 carries Retry-After");
    assert_eq!(answers[2].3, "SubscriptionRequestsThrottled");
    emulator.shutdown().await;
}

#[tokio::test]
async fn every_request_is_recorded_in_memory_and_in_the_file_without_secrets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let record = dir.path().join("requests.jsonl");
    let path = record.clone();
    let emulator = start(move |config| config.record = Some(path)).await;
    let client = client(&emulator);
    let token = token(&emulator, &client).await;
    let _ = client
        .get(storage_config_url(&emulator))
        .bearer_auth(&token)
        .send()
        .await;
    let _ = client.get(storage_config_url(&emulator)).send().await;
    let _ = client
        .post(format!(
            "{}/subscriptions/{SUBSCRIPTION}/nothing?api-version=1",
            emulator.base_url
        ))
        .bearer_auth(&token)
        .body("{\"a\":1}")
        .send()
        .await;
    let recorded = emulator.recorded();
    let summary: Vec<(String, u16)> = recorded
        .iter()
        .map(|r| {
            (
                format!(
                    "{} {}",
                    r.method,
                    r.path.rsplit('/').next().unwrap_or_default()
                ),
                r.status,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("POST token".to_owned(), 200),
            ("GET vaultstorageconfig".to_owned(), 200),
            ("GET vaultstorageconfig".to_owned(), 401),
            ("POST nothing".to_owned(), 404),
        ]
    );
    assert_eq!(recorded[1].query, "api-version=2026-02-01");
    assert_eq!(recorded[3].body, "{\"a\":1}");
    assert!(
        recorded[0].body.contains("client_secret=REDACTED"),
        "{}",
        recorded[0].body
    );
    let lines: Vec<Value> = std::fs::read_to_string(&record)
        .expect("record file")
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object a line"))
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[3]["method"], "POST");
    assert_eq!(lines[3]["status"], 404);
    for line in &lines {
        for key in ["method", "path", "query", "body", "status", "time"] {
            assert!(line.get(key).is_some(), "{key} in {line}");
        }
    }
    let text = std::fs::read_to_string(&record).expect("record file");
    assert!(
        !text.contains(SECRET) && !text.contains(&token),
        "no secret or token in the record"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn the_world_endpoint_returns_an_inventory_that_passes_the_schema() {
    let emulator = start(|_| {}).await;
    let client = client(&emulator);
    let response = client
        .get(format!("{}/_emulator/world", emulator.base_url))
        .send()
        .await
        .expect("request");
    let (status, body) = status_and_json(response).await;
    assert_eq!(status, 200);
    assert_eq!(body["changes"], serde_json::json!([]));
    let inventory = &body["inventory"];
    assert!(
        inventory.get("emulator").is_none(),
        "client secrets stay inside"
    );
    let problems =
        restoreplan::schema::validate(restoreplan::schema::SchemaKind::Inventory, inventory);
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(
        inventory["virtualMachines"].as_array().map(Vec::len),
        Some(3)
    );
    emulator.shutdown().await;
}
