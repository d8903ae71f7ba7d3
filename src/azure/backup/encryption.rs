//! Azure Disk Encryption after a disk restore: a Linux VM created from the
//! restored disks of an ADE-encrypted VM needs the disk-encryption extension
//! again, pointed at the key vault the recovery point recorded.

use super::Backup;
use crate::azure::api;
use crate::azure::error::{ArmError, ArmErrorKind};
use crate::azure::id::{RecoveryPointId, VirtualMachineId};
use crate::azure::lro;
use crate::azure::wire::ResourceMeta;
use crate::azure::wire::compute::{VirtualMachineExtension, VirtualMachineExtensionProperties};
use crate::azure::wire::recovery_point::{RecoveryPoint, RecoveryPointResource};
use serde_json::{Value, json};

/// The extension Azure Disk Encryption installs on Linux.
pub const LINUX_ADE_EXTENSION: &str = "AzureDiskEncryptionForLinux";

/// Where an encrypted VM's keys are, as its recovery point recorded them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdeKeys {
    /// The key vault holding the disk-encryption secret (BEK).
    pub secret_vault_id: String,
    /// The secret's URL; its origin is the vault's URL.
    pub secret_url: String,
    /// The vault of the key-encryption key, when a KEK wraps the secret.
    pub kek_vault_id: Option<String>,
    /// The key-encryption key's URL.
    pub kek_url: Option<String>,
}

impl AdeKeys {
    /// The extension's public settings: vault URLs and ids only (ADE's
    /// settings hold no secret; the extension reads the key vault itself).
    fn settings(&self) -> Value {
        let vault_url = url::Url::parse(&self.secret_url)
            .map(|url| url.origin().ascii_serialization() + "/")
            .unwrap_or_default();
        let mut settings = json!({
            "EncryptionOperation": "EnableEncryption",
            "KeyVaultURL": vault_url,
            "KeyVaultResourceId": self.secret_vault_id,
            "VolumeType": "All",
        });
        if let (Some(kek_url), Some(kek_vault)) = (&self.kek_url, &self.kek_vault_id) {
            settings["KeyEncryptionKeyURL"] = json!(kek_url);
            settings["KekVaultResourceId"] = json!(kek_vault);
            settings["KeyEncryptionAlgorithm"] = json!("RSA-OAEP");
        }
        settings
    }
}

fn malformed(what: String, operation: &str) -> ArmError {
    ArmError::new(ArmErrorKind::Malformed { what }, operation)
}

impl Backup {
    /// The key vault details an encrypted recovery point kept (`keyAndSecret`).
    pub async fn disk_encryption_keys(&self, point: &RecoveryPointId) -> Result<AdeKeys, ArmError> {
        let operation = api::RECOVERY_POINT_GET.operation_id;
        let resource: RecoveryPointResource = self
            .arm()
            .send_json(&api::recovery_point_get(point), None)
            .await?;
        let Some(RecoveryPoint::IaasVm(details)) = resource.properties else {
            return Err(malformed(
                "the recovery point is not an Azure VM's".to_owned(),
                operation,
            ));
        };
        let keys = details.key_and_secret.unwrap_or_default();
        let text = |pointer: &str| {
            keys.pointer(pointer)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let (Some(secret_vault_id), Some(secret_url)) = (
            text("/bekDetails/secretVaultId"),
            text("/bekDetails/secretUrl"),
        ) else {
            return Err(malformed(
                format!(
                    "recovery point {} has no disk-encryption secret (keyAndSecret.bekDetails): was the VM encrypted with ADE when it was backed up?",
                    point.name()
                ),
                operation,
            ));
        };
        Ok(AdeKeys {
            secret_vault_id,
            secret_url,
            kek_vault_id: text("/kekDetails/keyVaultId"),
            kek_url: text("/kekDetails/keyUrl"),
        })
    }

    /// Installs the Linux disk-encryption extension on `vm` (in `region`)
    /// with `keys`, and waits until ARM says it is provisioned.
    pub async fn reinstall_disk_encryption(
        &self,
        vm: &VirtualMachineId,
        region: &str,
        keys: &AdeKeys,
    ) -> Result<(), ArmError> {
        let operation = api::VIRTUAL_MACHINE_EXTENSION_CREATE.operation_id;
        let body = VirtualMachineExtension {
            meta: ResourceMeta {
                location: Some(region.to_owned()),
                ..ResourceMeta::default()
            },
            properties: Some(VirtualMachineExtensionProperties {
                publisher: Some("Microsoft.Azure.Security".to_owned()),
                kind: Some(LINUX_ADE_EXTENSION.to_owned()),
                type_handler_version: Some("1.1".to_owned()),
                auto_upgrade_minor_version: Some(true),
                settings: Some(keys.settings()),
                provisioning_state: None,
            }),
        };
        let body = serde_json::to_value(body).map_err(|e| malformed(e.to_string(), operation))?;
        let accepted = self
            .arm()
            .send(
                &api::virtual_machine_extension_create(vm, LINUX_ADE_EXTENSION),
                Some(&body),
            )
            .await?;
        lro::wait(self.arm(), accepted, &self.settings.operations)
            .await
            .map(|_| ())
    }
}
