//! The key acceptance test of the token endpoint: a real
//! `azure_identity::ClientSecretCredential`, its authority host pointed at the
//! emulator and its transport trusting the emulator's CA, obtains a token
//! that works on an ARM call; a wrong secret gets Entra's error.

mod emulator_common;

use azure_core::cloud::{CloudConfiguration, CustomConfiguration};
use azure_core::credentials::{Secret, TokenCredential};
use azure_core::http::{ClientOptions, Transport};
use azure_identity::{ClientSecretCredential, ClientSecretCredentialOptions};
use emulator_common::*;
use restoreplan::emulator::EmulatorHandle;
use std::sync::Arc;

const ARM_SCOPE: &str = "https://management.azure.com/.default";

fn credential(
    emulator: &EmulatorHandle,
    tenant: &str,
    client_id: &str,
    secret: &str,
) -> Arc<ClientSecretCredential> {
    let mut cloud = CustomConfiguration::default();
    cloud.authority_host = emulator.base_url.clone();
    let options = ClientSecretCredentialOptions {
        client_options: ClientOptions {
            transport: Some(Transport::new(Arc::new(client(emulator)))),
            cloud: Some(Arc::new(CloudConfiguration::from(cloud))),
            ..Default::default()
        },
    };
    ClientSecretCredential::new(
        tenant,
        client_id.to_owned(),
        Secret::new(secret.to_owned()),
        Some(options),
    )
    .expect("credential")
}

#[tokio::test]
async fn a_client_secret_credential_gets_a_token_that_works_on_arm() {
    let emulator = start(|_| {}).await;
    let credential = credential(&emulator, TENANT, CLIENT_ID, SECRET);
    let token = credential
        .get_token(&[ARM_SCOPE], None)
        .await
        .expect("a token");
    assert!(token.expires_on > azure_core::time::OffsetDateTime::now_utc());
    let response = client(&emulator)
        .get(storage_config_url(&emulator))
        .bearer_auth(token.token.secret())
        .send()
        .await
        .expect("ARM call");
    assert_eq!(response.status(), 200);
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_wrong_secret_gets_entras_invalid_client_error() {
    let emulator = start(|_| {}).await;
    let credential = credential(&emulator, TENANT, CLIENT_ID, "not-the-secret");
    let error = credential
        .get_token(&[ARM_SCOPE], None)
        .await
        .expect_err("refused");
    let text = error.to_string();
    assert!(text.contains("AADSTS7000215"), "{text}");
    assert!(
        !text.contains("not-the-secret"),
        "the secret is not echoed: {text}"
    );

    let response = client(&emulator)
        .post(format!("{}/{TENANT}/oauth2/v2.0/token", emulator.base_url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
            ("client_secret", "not-the-secret"),
            ("scope", ARM_SCOPE),
        ]))
        .send()
        .await
        .expect("token request");
    let (status, body) = status_and_json(response).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "invalid_client");
    assert_eq!(body["error_codes"], serde_json::json!([7000215]));
    for key in [
        "error_description",
        "timestamp",
        "trace_id",
        "correlation_id",
    ] {
        assert!(body[key].is_string(), "{key} in {body}");
    }
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| d.starts_with("AADSTS7000215: "))
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn unknown_clients_and_tenants_are_refused_unless_any_client_is_accepted() {
    let emulator = start(|_| {}).await;
    let other_tenant = "0d0d0d0d-0000-4000-8000-000000000000";
    for (tenant, client_id, code) in [
        (TENANT, "someone-else", "AADSTS700016"),
        (other_tenant, CLIENT_ID, "AADSTS700016"),
    ] {
        let error = credential(&emulator, tenant, client_id, SECRET)
            .get_token(&[ARM_SCOPE], None)
            .await
            .expect_err("refused");
        assert!(error.to_string().contains(code), "{error}");
    }
    emulator.shutdown().await;

    let open = start(|config| config.accept_any_client = true).await;
    let token = credential(&open, TENANT, "anyone", "anything")
        .get_token(&[ARM_SCOPE], None)
        .await
        .expect("any client gets a token");
    let response = client(&open)
        .get(storage_config_url(&open))
        .bearer_auth(token.token.secret())
        .send()
        .await
        .expect("ARM call");
    assert_eq!(response.status(), 200);
    open.shutdown().await;
}

#[tokio::test]
async fn malformed_token_requests_get_entras_invalid_request() {
    let emulator = start(|_| {}).await;
    let client = client(&emulator);
    let url = format!("{}/{TENANT}/oauth2/v2.0/token", emulator.base_url);
    for (body, error, code) in [
        (form(&[("client_id", CLIENT_ID)]), "invalid_request", 900144),
        (
            form(&[("grant_type", "password")]),
            "unsupported_grant_type",
            70003,
        ),
        (
            form(&[
                ("grant_type", "client_credentials"),
                ("client_id", CLIENT_ID),
                ("client_secret", SECRET),
                ("scope", "openid"),
            ]),
            "invalid_scope",
            1002012,
        ),
        ("%%%\u{0}".to_owned(), "invalid_request", 900144),
    ] {
        let response = client
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone())
            .send()
            .await
            .expect("request");
        let (status, answer) = status_and_json(response).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(answer["error"], error, "{body}");
        assert_eq!(answer["error_codes"], serde_json::json!([code]), "{body}");
    }
    emulator.shutdown().await;
}
