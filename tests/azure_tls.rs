//! The production path end to end over HTTPS: a real `ClientSecretCredential`
//! signs in at a custom authority host, the client trusts the server's CA
//! through the extra-CA option, talks to the ARM endpoint of a custom cloud,
//! waits out a 429, and never shows the client secret or the token.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::{Form, Path};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use restoreplan::azure::api;
use restoreplan::azure::auth::{AuthMethod, AuthSettings};
use restoreplan::azure::cloud::Cloud;
use restoreplan::azure::connect::{ConnectOptions, connect};
use restoreplan::azure::http::retry::RetryPolicy;
use restoreplan::azure::secret::SecretText;
use restoreplan::azure::wire::job::JobResource;
use restoreplan::clock::ManualClock;
use serde_json::json;
use support::backup::vault;
use support::tls_server::TlsServer;

const CLIENT_SECRET: &str = "planted-client-secret-9d8c7b";
const ARM_TOKEN: &str = "planted-arm-token-1a2b3c";
const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

#[derive(Default)]
struct Counters {
    tokens: AtomicUsize,
    jobs: AtomicUsize,
}

fn router(counters: Arc<Counters>) -> Router {
    let token_counters = counters.clone();
    Router::new()
        .route(
            "/{tenant}/oauth2/v2.0/token",
            post(move |Path(tenant): Path<String>, Form(form): Form<Vec<(String, String)>>| {
                let counters = token_counters.clone();
                async move {
                    counters.tokens.fetch_add(1, Ordering::SeqCst);
                    let field = |name: &str| form.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
                    let good = tenant == TENANT
                        && field("client_secret").as_deref() == Some(CLIENT_SECRET)
                        && field("scope").as_deref() == Some("https://management.azure.com/.default");
                    if good {
                        (StatusCode::OK, axum::Json(json!({ "token_type": "Bearer", "expires_in": 3600, "access_token": ARM_TOKEN })))
                    } else {
                        (StatusCode::UNAUTHORIZED, axum::Json(json!({ "error": "invalid_client" })))
                    }
                }
            }),
        )
        .route(
            "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.RecoveryServices/vaults/{vault}/backupJobs/{job}",
            get(move |headers: HeaderMap| {
                let counters = counters.clone();
                async move {
                    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&format!("Bearer {ARM_TOKEN}")) {
                        return (StatusCode::UNAUTHORIZED, [("retry-after", "0")], axum::Json(json!({}))).into_response();
                    }
                    if counters.jobs.fetch_add(1, Ordering::SeqCst) == 0 {
                        return (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "3")], axum::Json(json!({ "error": { "code": "TooManyRequests" } })))
                            .into_response();
                    }
                    axum::Json(json!({ "name": "job-1", "properties": { "jobType": "AzureIaaSVMJob", "status": "Completed" } })).into_response()
                }
            }),
        )
}

fn options(server: &TlsServer, secret: &str) -> ConnectOptions {
    let cloud = Cloud::custom(&server.base, &server.base, "https://management.azure.com")
        .expect("https cloud");
    let settings = AuthSettings {
        tenant_id: Some(TENANT.into()),
        client_id: Some("00000000-0000-0000-0000-00000000c11e".into()),
        client_secret: Some(SecretText::new(secret)),
        ..AuthSettings::default()
    };
    ConnectOptions {
        settings,
        extra_ca_pem: Some(server.ca_pem.clone().into_bytes()),
        retry: RetryPolicy {
            seed: Some(3),
            ..RetryPolicy::default()
        },
        ..ConnectOptions::new(cloud, AuthMethod::Auto)
    }
}

#[tokio::test]
async fn a_client_secret_signs_in_over_https_and_the_client_waits_out_a_429() {
    let counters = Arc::new(Counters::default());
    let server = TlsServer::start(router(counters.clone())).await;
    let clock = ManualClock::auto_advancing(support::arm::start());
    let (client, choice) =
        connect(&options(&server, CLIENT_SECRET), Arc::new(clock.clone())).expect("connects");
    assert_eq!(
        choice.method,
        AuthMethod::ClientSecret,
        "auto picks the secret: {}",
        choice.reason
    );
    let request = api::job_get(&vault(), "job-1");
    let job: JobResource = client
        .send_json(&request, None)
        .await
        .expect("job read after one 429");
    assert_eq!(job.meta.name.as_deref(), Some("job-1"));
    client
        .send_json::<JobResource>(&request, None)
        .await
        .expect("again");
    assert_eq!(counters.jobs.load(Ordering::SeqCst), 3);
    assert_eq!(
        counters.tokens.load(Ordering::SeqCst),
        1,
        "the token is cached across requests and retries"
    );
    let shown = format!("{client:?} {choice:?}");
    assert!(
        !shown.contains(CLIENT_SECRET) && !shown.contains(ARM_TOKEN),
        "{shown}"
    );
}

#[tokio::test]
async fn a_wrong_secret_is_an_auth_diagnostic_without_the_secret() {
    let server = TlsServer::start(router(Arc::new(Counters::default()))).await;
    let clock = ManualClock::auto_advancing(support::arm::start());
    let (client, _) = connect(
        &options(&server, "planted-wrong-secret-77"),
        Arc::new(clock),
    )
    .expect("connects");
    let error = client
        .send(&api::job_get(&vault(), "job-1"), None)
        .await
        .expect_err("sign-in fails");
    let diagnostic = error.to_diagnostic();
    assert_eq!(diagnostic.code.id(), "EX001");
    for text in [
        format!("{error}"),
        format!("{error:?}"),
        format!("{diagnostic:?}"),
    ] {
        assert!(!text.contains("planted-wrong-secret-77"), "{text}");
    }
}

#[tokio::test]
async fn without_the_extra_ca_the_server_is_not_trusted() {
    let server = TlsServer::start(router(Arc::new(Counters::default()))).await;
    let clock = ManualClock::auto_advancing(support::arm::start());
    let mut untrusting = options(&server, CLIENT_SECRET);
    untrusting.extra_ca_pem = None;
    untrusting.retry = RetryPolicy {
        max_attempts: 1,
        ..untrusting.retry
    };
    let (client, _) = connect(&untrusting, Arc::new(clock)).expect("connects");
    let error = client
        .send(&api::job_get(&vault(), "job-1"), None)
        .await
        .expect_err("untrusted certificate");
    assert_eq!(
        error.to_diagnostic().code.id(),
        "EX001",
        "sign-in is the first TLS connection: {error}"
    );
}
