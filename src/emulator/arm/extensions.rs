//! VM extensions: the disk-encryption extension that a VM created from the
//! restored disks of an ADE-encrypted Linux VM needs again. The emulator
//! checks what Azure would (the VM exists; the extension names its publisher,
//! type and key vault) and records the install in the world's changes.

use super::call::{Call, invalid_id, ok};
use super::resources::group_id;
use crate::azure::id::VirtualMachineId;
use crate::azure::wire::compute::VirtualMachineExtension;
use crate::clock::Clock;
use crate::emulator::envelope::ArmError;
use axum::response::Response;

fn invalid(message: String) -> ArmError {
    ArmError::bad_request("InvalidParameter", message)
}

/// `VirtualMachineExtensions_CreateOrUpdate`: provisioned at once (ARM
/// answers 200 with the resource when a PUT is complete).
pub fn create(call: &Call) -> Result<Response, ArmError> {
    let group = group_id(call)?;
    let vm =
        VirtualMachineId::new(group.clone(), call.param("vmName")?).map_err(|e| invalid_id(&e))?;
    let name = call.param("vmExtensionName")?.to_owned();
    let mut extension: VirtualMachineExtension = call.json()?;
    let now = call.state.time.now();
    let mut world = call.state.world();
    let exists = world
        .inventory
        .vm_by_id(&vm.to_string())
        .is_some_and(|vm| vm.exists);
    if !exists {
        return Err(ArmError::not_found(
            "ResourceNotFound",
            format!(
                "The Resource 'Microsoft.Compute/virtualMachines/{}' under resource group '{}' was not found.",
                vm.name(),
                group.name()
            ),
        ));
    }
    let properties = extension
        .properties
        .as_mut()
        .ok_or_else(|| invalid("The extension has no properties.".to_owned()))?;
    let (Some(publisher), Some(kind)) = (&properties.publisher, &properties.kind) else {
        return Err(invalid(
            "The extension must name its publisher and type.".to_owned(),
        ));
    };
    if kind.eq_ignore_ascii_case("AzureDiskEncryptionForLinux") {
        let settings = properties.settings.clone().unwrap_or_default();
        for required in ["KeyVaultURL", "KeyVaultResourceId", "EncryptionOperation"] {
            if settings
                .get(required)
                .and_then(|v| v.as_str())
                .is_none_or(str::is_empty)
            {
                return Err(invalid(format!(
                    "The disk-encryption extension's settings have no {required}."
                )));
            }
        }
    }
    let detail = format!("{publisher}.{kind} on {}", vm.name());
    properties.provisioning_state = Some("Succeeded".to_owned());
    extension.meta.id = Some(format!("{vm}/extensions/{name}"));
    extension.meta.name = Some(name);
    extension.meta.kind = Some("Microsoft.Compute/virtualMachines/extensions".to_owned());
    world.record(now, "extension-installed", &vm.to_string(), detail);
    ok(&extension)
}
