//! Azure clouds: where to sign in, where ARM lives and which audience its
//! tokens are for. Public, US Government and China are built in; a custom
//! cloud (a sovereign cloud or the local emulator) gives all three endpoints.

use std::sync::Arc;

use azure_core::cloud::{CloudConfiguration, CustomConfiguration};
use url::Url;

/// A named cloud, as `--cloud` takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CloudName {
    /// Azure public cloud.
    Public,
    /// Azure US Government.
    Usgov,
    /// Azure operated by 21Vianet (China).
    China,
}

/// The endpoints of one cloud.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cloud {
    /// Entra authority host (`https://login.microsoftonline.com`).
    pub authority_host: Url,
    /// The ARM endpoint (`https://management.azure.com`).
    pub arm_endpoint: Url,
    /// The audience of ARM tokens (`https://management.azure.com`); the scope is `{audience}/.default`.
    pub arm_audience: String,
    /// The audience of Blob Storage tokens, used to read a disk restore's template.
    pub storage_audience: String,
    named: Option<CloudName>,
}

/// Why a custom cloud was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudError(pub String);

impl std::fmt::Display for CloudError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CloudError {}

/// Entra issues Blob Storage tokens for this audience in every cloud.
const STORAGE_AUDIENCE: &str = "https://storage.azure.com";

fn known(text: &str) -> Url {
    Url::parse(text).expect("invariant: built-in cloud endpoints are valid URLs")
}

impl Cloud {
    /// The endpoints of a built-in cloud.
    pub fn named(name: CloudName) -> Self {
        let (authority, arm) = match name {
            CloudName::Public => (
                "https://login.microsoftonline.com",
                "https://management.azure.com",
            ),
            CloudName::Usgov => (
                "https://login.microsoftonline.us",
                "https://management.usgovcloudapi.net",
            ),
            CloudName::China => (
                "https://login.chinacloudapi.cn",
                "https://management.chinacloudapi.cn",
            ),
        };
        Self {
            authority_host: known(authority),
            arm_endpoint: known(arm),
            arm_audience: arm.to_owned(),
            storage_audience: STORAGE_AUDIENCE.to_owned(),
            named: Some(name),
        }
    }

    /// A custom cloud. Every endpoint must be `https`; Entra and the ARM bearer policy refuse anything else.
    pub fn custom(
        authority_host: &str,
        arm_endpoint: &str,
        arm_audience: &str,
    ) -> Result<Self, CloudError> {
        let parse = |what: &str, text: &str| -> Result<Url, CloudError> {
            let url = Url::parse(text)
                .map_err(|e| CloudError(format!("the {what} {text:?} is not a URL: {e}")))?;
            if url.scheme() != "https" {
                return Err(CloudError(format!(
                    "the {what} must use https, not {}",
                    url.scheme()
                )));
            }
            Ok(url)
        };
        let authority_host = parse("authority host", authority_host)?;
        let arm_endpoint = parse("ARM endpoint", arm_endpoint)?;
        parse("ARM audience", arm_audience)?;
        Ok(Self {
            authority_host,
            arm_endpoint,
            arm_audience: arm_audience.trim_end_matches('/').to_owned(),
            storage_audience: STORAGE_AUDIENCE.to_owned(),
            named: None,
        })
    }

    /// The scope to ask ARM tokens for.
    pub fn arm_scope(&self) -> String {
        format!("{}/.default", self.arm_audience)
    }

    /// The scope to ask Blob Storage tokens for.
    pub fn storage_scope(&self) -> String {
        format!("{}/.default", self.storage_audience)
    }

    /// The cloud as azure_identity takes it.
    pub fn configuration(&self) -> Arc<CloudConfiguration> {
        Arc::new(match self.named {
            Some(CloudName::Public) => CloudConfiguration::AzurePublic,
            Some(CloudName::Usgov) => CloudConfiguration::AzureGovernment,
            Some(CloudName::China) => CloudConfiguration::AzureChina,
            None => {
                let mut custom = CustomConfiguration::default();
                custom.authority_host = self
                    .authority_host
                    .as_str()
                    .trim_end_matches('/')
                    .to_owned();
                CloudConfiguration::Custom(custom)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sovereign_clouds_have_their_own_endpoints_and_scopes() {
        let usgov = Cloud::named(CloudName::Usgov);
        assert_eq!(
            usgov.arm_scope(),
            "https://management.usgovcloudapi.net/.default"
        );
        assert_eq!(
            usgov.authority_host.as_str(),
            "https://login.microsoftonline.us/"
        );
        assert_eq!(
            Cloud::named(CloudName::China).arm_endpoint.host_str(),
            Some("management.chinacloudapi.cn")
        );
    }

    #[test]
    fn a_custom_cloud_must_use_https() {
        let ok = Cloud::custom(
            "https://127.0.0.1:8443",
            "https://127.0.0.1:8444",
            "https://management.azure.com/",
        );
        assert_eq!(
            ok.expect("https endpoints").arm_scope(),
            "https://management.azure.com/.default"
        );
        let plain = Cloud::custom(
            "http://127.0.0.1:8443",
            "https://127.0.0.1:8444",
            "https://management.azure.com",
        );
        assert!(plain.expect_err("http authority").0.contains("https"));
        assert!(Cloud::custom("https://a", "not a url", "https://b").is_err());
    }
}
