//! What the emulator's tests share: the fixture estate, a started emulator,
//! an HTTPS client that trusts only the emulator's CA, and a token.
#![allow(dead_code)]

use restoreplan::azure::api;
use restoreplan::azure::wire::restore::{
    IaasVmRestoreRequest, RecoveryType, RestoreRequest, RestoreRequestResource,
};
use restoreplan::emulator::{Emulator, EmulatorConfig, EmulatorHandle};
use restoreplan::model::Inventory;
use restoreplan::pipeline::load_inventory;
use restoreplan::source::SourceFile;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The tenant, client and secret the fixture's `emulator:` section lists.
pub const TENANT: &str = "5e1b9c3a-7d2f-4b8e-a6c0-93f4d1e2b7a5";
pub const CLIENT_ID: &str = "restoreplan-ci";
pub const SECRET: &str = "emulator-only-secret";
pub const SUBSCRIPTION: &str = "3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41";
pub const VAULT: &str = "/subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/resourceGroups/rg-backup-weu/providers/Microsoft.RecoveryServices/vaults/rsv-prod-weu";
pub const BACKUP_API: &str = "2026-02-01";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/emulator").join(name)
}

/// The fixture estate, loaded as the CLI loads an inventory.
pub fn estate() -> Inventory {
    load(&fixture("estate.yaml"))
}

pub fn load(path: &Path) -> Inventory {
    let (source, problems) =
        SourceFile::read(path.to_str().expect("UTF-8 path")).expect("read the inventory");
    load_inventory(source, problems)
        .inventory
        .expect("the fixture inventory is valid")
}

/// Starts an emulator on the fixture estate, adjusted by `adjust`.
pub async fn start(adjust: impl FnOnce(&mut EmulatorConfig)) -> EmulatorHandle {
    let mut config = EmulatorConfig::new(estate());
    adjust(&mut config);
    Emulator::start(config).await.expect("the emulator starts")
}

/// A client that trusts the emulator's CA and nothing else.
pub fn client(emulator: &EmulatorHandle) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(emulator.ca_cert_pem.as_bytes()).expect("CA PEM");
    reqwest::Client::builder()
        .tls_certs_only([ca])
        .build()
        .expect("client")
}

/// A token from the emulator's token endpoint, as the fixture's client.
pub async fn token(emulator: &EmulatorHandle, client: &reqwest::Client) -> String {
    let response = client
        .post(format!("{}/{TENANT}/oauth2/v2.0/token", emulator.base_url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
            ("client_secret", SECRET),
            ("scope", "https://management.azure.com/.default"),
        ]))
        .send()
        .await
        .expect("token request");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("token JSON");
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

/// A form-encoded body.
pub fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// The vault storage configuration URL, a simple authenticated ARM read.
pub fn storage_config_url(emulator: &EmulatorHandle) -> String {
    format!(
        "{}{VAULT}/backupstorageconfig/vaultstorageconfig?api-version={BACKUP_API}",
        emulator.base_url
    )
}

/// The status and JSON body of a response.
pub async fn status_and_json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

/// Sends `head` (request line and headers, without the blank line) and
/// `body` as raw HTTP/1.1 over TLS, and returns the status and the body:
/// for requests a well-behaved client would normalise or refuse to send.
pub async fn raw_request(emulator: &EmulatorHandle, head: &str, body: &[u8]) -> (u16, Value) {
    use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let ca = CertificateDer::from_pem_slice(emulator.ca_cert_pem.as_bytes()).expect("CA");
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca).expect("add CA");
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
    let address = emulator.base_url.trim_start_matches("https://");
    let tcp = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    let name = ServerName::try_from("localhost").expect("name");
    let mut tls = connector.connect(name, tcp).await.expect("handshake");
    let request = format!(
        "{head}\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    tls.write_all(request.as_bytes()).await.expect("write");
    tls.write_all(body).await.expect("write body");
    let mut answer = Vec::new();
    let _ = tls.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .and_then(|(_, body)| serde_json::from_str(body).ok())
        .unwrap_or(Value::Null);
    (status, body)
}

/// An authenticated ARM session against an emulator, speaking the shared
/// contract (`restoreplan::azure::api` builds every path).
pub struct Arm {
    pub base: String,
    pub client: reqwest::Client,
    pub token: String,
}

/// An answer: status, headers, JSON body (`Null` when empty).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

impl Arm {
    pub async fn new(emulator: &EmulatorHandle) -> Arm {
        let client = client(emulator);
        let token = token(emulator, &client).await;
        Arm {
            base: emulator.base_url.clone(),
            client,
            token,
        }
    }

    /// Sends a request to a full URL (a nextLink or a polling header).
    pub async fn send_url(&self, method: &str, url: &str, body: Option<&Value>) -> Answer {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self.client.request(method, url).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.expect("the emulator answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            body,
        }
    }

    /// Sends a contract request.
    pub async fn send(
        &self,
        request: &restoreplan::azure::api::Request,
        body: Option<&Value>,
    ) -> Answer {
        let url = format!("{}{}", self.base, request.path_and_query());
        self.send_url(request.method().as_str(), &url, body).await
    }

    /// Follows `nextLink` and returns every item of a list.
    pub async fn list_all(
        &self,
        request: &restoreplan::azure::api::Request,
        body: Option<&Value>,
    ) -> (Vec<Value>, usize) {
        let mut answer = self.send(request, body).await;
        let mut items = Vec::new();
        let mut pages = 1;
        loop {
            assert_eq!(answer.status, 200, "{}", answer.body);
            items.extend(answer.body["value"].as_array().cloned().unwrap_or_default());
            let Some(next) = answer.body["nextLink"].as_str().map(str::to_owned) else {
                return (items, pages);
            };
            pages += 1;
            answer = self.send_url(request.method().as_str(), &next, body).await;
        }
    }

    /// Polls an `Azure-AsyncOperation` URL until the operation ends.
    pub async fn wait_operation(&self, status_url: &str) -> Value {
        for _ in 0..500 {
            let answer = self.send_url("GET", status_url, None).await;
            assert_eq!(answer.status, 200, "{}", answer.body);
            if answer.body["status"] != "InProgress" {
                return answer.body;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("operation {status_url} never ended");
    }

    /// Polls a job until it ends.
    pub async fn wait_job(
        &self,
        request: &restoreplan::azure::api::Request,
        body: Option<&Value>,
    ) -> Value {
        for _ in 0..500 {
            let answer = self.send(request, body).await;
            assert_eq!(answer.status, 200, "{}", answer.body);
            let status = answer.body["properties"]["status"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            if !matches!(status.as_str(), "InProgress" | "Cancelling") {
                return answer.body;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("job never ended");
    }
}

/// Typed ids of the fixture estate.
pub mod ids {
    use restoreplan::azure::id::*;

    pub fn group(name: &str) -> ResourceGroupId {
        ResourceGroupId::new(
            SubscriptionId::new(super::SUBSCRIPTION).expect("guid"),
            name,
        )
        .expect("group")
    }
    pub fn vault() -> VaultId {
        VaultId::new(group("rg-backup-weu"), "rsv-prod-weu").expect("vault")
    }
    pub fn vm(name: &str) -> VirtualMachineId {
        VirtualMachineId::new(group("rg-orders-weu"), name).expect("vm")
    }
    pub fn item(vm_name: &str) -> ProtectedItemId {
        ProtectedItemId::for_vm(vault(), &vm(vm_name))
    }
    pub fn point(vm_name: &str, id: &str) -> RecoveryPointId {
        RecoveryPointId::new(item(vm_name), id).expect("point")
    }
    pub fn subnet(group_name: &str, vnet: &str, name: &str) -> SubnetId {
        SubnetId::new(
            VirtualNetworkId::new(group(group_name), vnet).expect("vnet"),
            name,
        )
        .expect("subnet")
    }
    pub fn staging(group_name: &str, name: &str) -> StorageAccountId {
        StorageAccountId::new(group(group_name), name).expect("account")
    }
    pub fn subscription() -> SubscriptionId {
        SubscriptionId::new(super::SUBSCRIPTION).expect("guid")
    }
}

/// Runs simulated time fast (an hour of restore in a fifth of a second) but
/// not so fast that the fixture's week-long snapshot tiers expire mid-test.
pub const FAST: f64 = 20_000.0;

/// A restore body of `kind` for a VM of the fixture, new VMs landing in `app`.
pub fn restore_body(vm: &str, point: &str, kind: RecoveryType, new_name: Option<&str>) -> Value {
    let request = IaasVmRestoreRequest {
        recovery_point_id: Some(point.to_owned()),
        recovery_type: Some(kind),
        source_resource_id: Some(ids::vm(vm).to_string()),
        region: Some("westeurope".to_owned()),
        storage_account_id: Some(ids::staging("rg-orders-weu", "stordersweu").to_string()),
        target_resource_group_id: Some(ids::group("rg-orders-weu").to_string()),
        target_virtual_machine_id: new_name.map(|name| ids::vm(name).to_string()),
        virtual_network_id: new_name.map(|_| {
            ids::subnet("rg-net-weu", "vnet-weu", "app")
                .virtual_network
                .to_string()
        }),
        subnet_id: new_name.map(|_| ids::subnet("rg-net-weu", "vnet-weu", "app").to_string()),
        create_new_cloud_service: Some(false),
        original_storage_account_option: Some(false),
        ..IaasVmRestoreRequest::default()
    };
    serde_json::to_value(RestoreRequestResource {
        location: None,
        tags: None,
        e_tag: None,
        properties: RestoreRequest::IaasVm(Box::new(request)),
    })
    .expect("JSON")
}

/// Triggers a restore and waits for its job; returns the job.
pub async fn restore(arm: &Arm, vm: &str, point: &str, body: &Value) -> Value {
    let trigger = arm
        .send(&api::restore_trigger(&ids::point(vm, point)), Some(body))
        .await;
    assert_eq!(trigger.status, 202, "{}", trigger.body);
    assert!(
        trigger
            .header("location")
            .is_some_and(|l| l.contains("/operationResults/"))
    );
    assert!(trigger.header("retry-after").is_some());
    let status_url = trigger
        .header("azure-asyncoperation")
        .expect("Azure-AsyncOperation");
    let operation = arm.wait_operation(&status_url).await;
    assert_eq!(operation["status"], "Succeeded", "{operation}");
    assert_eq!(
        operation["properties"]["objectType"],
        "OperationStatusJobExtendedInfo"
    );
    let job_id = operation["properties"]["jobId"]
        .as_str()
        .expect("jobId")
        .to_owned();
    arm.wait_job(&api::job_get(&ids::vault(), &job_id), None)
        .await
}
