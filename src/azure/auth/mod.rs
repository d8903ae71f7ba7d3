//! Authentication: `--auth` picks one azure_identity credential explicitly
//! (azure_identity 1.x has no default chain by design), `auto` picks it from
//! the environment and says why, and [`TokenProvider`] caches tokens and
//! refreshes them five minutes before they expire (the developer-tool
//! credentials would otherwise start `az` for every request).
//! Secrets live in [`SecretText`] and never reach a formatter.

use std::path::PathBuf;
use std::sync::Arc;

use azure_core::credentials::{Secret, SecretBytes, TokenCredential};
use azure_core::http::{ClientOptions, ExponentialRetryOptions, RetryOptions, Transport};
use azure_identity::{
    AzureCliCredential, AzureDeveloperCliCredential, ClientAssertionCredentialOptions,
    ClientCertificateCredential, ClientCertificateCredentialOptions, ClientSecretCredential,
    ClientSecretCredentialOptions, DeveloperToolsCredential, ManagedIdentityCredential,
    ManagedIdentityCredentialOptions, UserAssignedId, WorkloadIdentityCredential,
    WorkloadIdentityCredentialOptions,
};

mod tokens;

pub use self::tokens::{REFRESH_MARGIN, TokenProvider};
use super::cloud::Cloud;
use super::secret::SecretText;

/// How to sign in, as `--auth` takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuthMethod {
    /// Choose from the environment (and log the choice).
    Auto,
    /// The Azure CLI's signed-in account (`az login`).
    Cli,
    /// The Azure Developer CLI's signed-in account (`azd auth login`).
    Azd,
    /// The managed identity of the machine (VM, App Service, container).
    ManagedIdentity,
    /// Workload identity federation (`AZURE_FEDERATED_TOKEN_FILE`, as on AKS and GitHub Actions).
    WorkloadIdentity,
    /// A service principal with a client secret (`AZURE_CLIENT_SECRET`).
    ClientSecret,
    /// A service principal with a PKCS#12 certificate (`AZURE_CLIENT_CERTIFICATE_PATH`).
    ClientCertificate,
}

/// What `auto` or the user chose, and why (for a log line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The credential; `Auto` here means the developer tools' sign-in, az then azd.
    pub method: AuthMethod,
    /// Why it was chosen.
    pub reason: String,
}

/// Everything the credentials may need, read from flags and environment.
#[derive(Debug, Clone, Default)]
pub struct AuthSettings {
    /// Tenant (`AZURE_TENANT_ID`).
    pub tenant_id: Option<String>,
    /// Client id of a service principal or user-assigned identity (`AZURE_CLIENT_ID`).
    pub client_id: Option<String>,
    /// Client secret (`AZURE_CLIENT_SECRET`).
    pub client_secret: Option<SecretText>,
    /// PKCS#12 certificate file (`AZURE_CLIENT_CERTIFICATE_PATH`).
    pub certificate_path: Option<PathBuf>,
    /// Its password (`AZURE_CLIENT_CERTIFICATE_PASSWORD`).
    pub certificate_password: Option<SecretText>,
    /// Federated token file (`AZURE_FEDERATED_TOKEN_FILE`).
    pub federated_token_file: Option<PathBuf>,
    /// Set on Azure hosts that serve managed identity tokens locally (`IDENTITY_ENDPOINT`, `MSI_ENDPOINT`).
    pub managed_identity_endpoint: bool,
}

impl AuthSettings {
    /// Reads the standard `AZURE_*` variables through `var` (injectable for tests).
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Self {
        let set = |name: &str| var(name).filter(|value| !value.trim().is_empty());
        Self {
            tenant_id: set("AZURE_TENANT_ID"),
            client_id: set("AZURE_CLIENT_ID"),
            client_secret: set("AZURE_CLIENT_SECRET").map(SecretText::new),
            certificate_path: set("AZURE_CLIENT_CERTIFICATE_PATH").map(PathBuf::from),
            certificate_password: set("AZURE_CLIENT_CERTIFICATE_PASSWORD").map(SecretText::new),
            federated_token_file: set("AZURE_FEDERATED_TOKEN_FILE").map(PathBuf::from),
            managed_identity_endpoint: set("IDENTITY_ENDPOINT").is_some()
                || set("MSI_ENDPOINT").is_some(),
        }
    }
}

/// Why no credential could be made or no token obtained; never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError {
    /// The credential that failed.
    pub method: AuthMethod,
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "authentication with {:?} failed: {}",
            self.method, self.message
        )
    }
}

impl std::error::Error for AuthError {}

/// Picks the credential: the user's, or for `auto` the first the environment provides.
pub fn choose(method: AuthMethod, settings: &AuthSettings) -> Choice {
    let choice = |method, reason: &str| Choice {
        method,
        reason: reason.to_owned(),
    };
    match method {
        AuthMethod::Auto if settings.federated_token_file.is_some() => choice(
            AuthMethod::WorkloadIdentity,
            "AZURE_FEDERATED_TOKEN_FILE is set",
        ),
        AuthMethod::Auto if settings.client_secret.is_some() => {
            choice(AuthMethod::ClientSecret, "AZURE_CLIENT_SECRET is set")
        }
        AuthMethod::Auto if settings.certificate_path.is_some() => choice(
            AuthMethod::ClientCertificate,
            "AZURE_CLIENT_CERTIFICATE_PATH is set",
        ),
        AuthMethod::Auto if settings.managed_identity_endpoint => choice(
            AuthMethod::ManagedIdentity,
            "a managed identity endpoint is set (IDENTITY_ENDPOINT or MSI_ENDPOINT)",
        ),
        AuthMethod::Auto => choice(
            AuthMethod::Auto,
            "no service credential in the environment: the developer tools' sign-in (az, then azd); \
             on an Azure VM pass --auth managed-identity",
        ),
        explicit => choice(explicit, "--auth says so"),
    }
}

fn client_options(cloud: &Cloud, http: Option<&reqwest::Client>) -> ClientOptions {
    ClientOptions {
        cloud: Some(cloud.configuration()),
        transport: http.map(|http| Transport::new(Arc::new(http.clone()))),
        // Sign-in retries are azure_identity's own and sleep in real time; keep them few and short.
        retry: RetryOptions::exponential(ExponentialRetryOptions {
            initial_delay: azure_core::time::Duration::milliseconds(200),
            max_retries: 3,
            max_total_elapsed: azure_core::time::Duration::seconds(10),
            max_delay: azure_core::time::Duration::seconds(2),
        }),
        ..ClientOptions::default()
    }
}

fn required<'a, T>(
    value: &'a Option<T>,
    method: AuthMethod,
    variable: &str,
) -> Result<&'a T, AuthError> {
    value.as_ref().ok_or_else(|| AuthError {
        method,
        message: format!("{variable} is not set"),
    })
}

/// Makes the chosen credential. `http` is the client the credential talks to Entra with
/// (so an extra trusted CA, such as the emulator's, applies to sign-in too).
pub fn credential(
    choice: &Choice,
    settings: &AuthSettings,
    cloud: &Cloud,
    http: Option<&reqwest::Client>,
) -> Result<Arc<dyn TokenCredential>, AuthError> {
    let method = choice.method;
    let failed = |e: azure_core::Error| AuthError {
        method,
        message: e.to_string(),
    };
    let credential: Arc<dyn TokenCredential> = match method {
        AuthMethod::Auto => DeveloperToolsCredential::new(None).map_err(failed)?,
        AuthMethod::Cli => {
            let options = azure_identity::AzureCliCredentialOptions {
                tenant_id: settings.tenant_id.clone(),
                ..Default::default()
            };
            AzureCliCredential::new(Some(options)).map_err(failed)?
        }
        AuthMethod::Azd => {
            let options = azure_identity::AzureDeveloperCliCredentialOptions {
                tenant_id: settings.tenant_id.clone(),
                ..Default::default()
            };
            AzureDeveloperCliCredential::new(Some(options)).map_err(failed)?
        }
        AuthMethod::ManagedIdentity => {
            let options = ManagedIdentityCredentialOptions {
                user_assigned_id: settings.client_id.clone().map(UserAssignedId::ClientId),
                client_options: client_options(cloud, http),
            };
            ManagedIdentityCredential::new(Some(options)).map_err(failed)?
        }
        AuthMethod::WorkloadIdentity => {
            let options = WorkloadIdentityCredentialOptions {
                credential_options: ClientAssertionCredentialOptions {
                    client_options: client_options(cloud, http),
                },
                client_id: settings.client_id.clone(),
                tenant_id: settings.tenant_id.clone(),
                token_file_path: settings.federated_token_file.clone(),
            };
            WorkloadIdentityCredential::new(Some(options)).map_err(failed)?
        }
        AuthMethod::ClientSecret => {
            let tenant = required(&settings.tenant_id, method, "AZURE_TENANT_ID")?;
            let client = required(&settings.client_id, method, "AZURE_CLIENT_ID")?;
            let secret = required(&settings.client_secret, method, "AZURE_CLIENT_SECRET")?;
            let options = ClientSecretCredentialOptions {
                client_options: client_options(cloud, http),
            };
            ClientSecretCredential::new(
                tenant,
                client.clone(),
                Secret::new(secret.expose().to_owned()),
                Some(options),
            )
            .map_err(failed)?
        }
        AuthMethod::ClientCertificate => {
            let tenant = required(&settings.tenant_id, method, "AZURE_TENANT_ID")?;
            let client = required(&settings.client_id, method, "AZURE_CLIENT_ID")?;
            let path = required(
                &settings.certificate_path,
                method,
                "AZURE_CLIENT_CERTIFICATE_PATH",
            )?;
            let bytes = std::fs::read(path).map_err(|e| AuthError {
                method,
                message: format!("cannot read {}: {e}", path.display()),
            })?;
            let options = ClientCertificateCredentialOptions {
                client_options: client_options(cloud, http),
                password: settings
                    .certificate_password
                    .as_ref()
                    .map(|p| Secret::new(p.expose().to_owned())),
            };
            ClientCertificateCredential::new(
                tenant.clone(),
                client.clone(),
                SecretBytes::new(bytes),
                Some(options),
            )
            .map_err(failed)?
        }
    };
    Ok(credential)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> AuthSettings {
        AuthSettings::from_env(|name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn auto_follows_the_environment_and_says_why() {
        let workload = choose(
            AuthMethod::Auto,
            &env(&[
                ("AZURE_FEDERATED_TOKEN_FILE", "/t"),
                ("AZURE_CLIENT_SECRET", "s"),
            ]),
        );
        assert_eq!(
            (workload.method, workload.reason.as_str()),
            (
                AuthMethod::WorkloadIdentity,
                "AZURE_FEDERATED_TOKEN_FILE is set"
            )
        );
        assert_eq!(
            choose(AuthMethod::Auto, &env(&[("AZURE_CLIENT_SECRET", "s")])).method,
            AuthMethod::ClientSecret
        );
        assert_eq!(
            choose(
                AuthMethod::Auto,
                &env(&[("AZURE_CLIENT_CERTIFICATE_PATH", "/c.pfx")])
            )
            .method,
            AuthMethod::ClientCertificate
        );
        assert_eq!(
            choose(
                AuthMethod::Auto,
                &env(&[("IDENTITY_ENDPOINT", "http://169.254.1.1")])
            )
            .method,
            AuthMethod::ManagedIdentity
        );
        let tools = choose(AuthMethod::Auto, &env(&[("AZURE_CLIENT_SECRET", "  ")]));
        assert_eq!(
            tools.method,
            AuthMethod::Auto,
            "a blank variable is not set"
        );
        assert!(tools.reason.contains("az, then azd"));
        assert_eq!(
            choose(AuthMethod::Azd, &env(&[("AZURE_CLIENT_SECRET", "s")])).method,
            AuthMethod::Azd
        );
    }

    #[test]
    fn a_missing_setting_is_named_and_the_secret_never_printed() {
        let settings = env(&[
            ("AZURE_CLIENT_SECRET", "planted-secret-1234"),
            ("AZURE_CLIENT_ID", "app"),
        ]);
        assert!(!format!("{settings:?}").contains("planted-secret-1234"));
        let cloud = Cloud::named(crate::azure::cloud::CloudName::Public);
        let choice = choose(AuthMethod::ClientSecret, &settings);
        let error = credential(&choice, &settings, &cloud, None).expect_err("no tenant");
        assert_eq!(error.message, "AZURE_TENANT_ID is not set");
    }
}
