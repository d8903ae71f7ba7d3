//! What a restore left behind that later steps need: the restored VM's
//! private address, read from its primary network interface.

use super::Backup;
use crate::azure::api;
use crate::azure::error::{ArmError, ArmErrorKind};
use crate::azure::id::{NetworkInterfaceId, VirtualMachineId};
use crate::azure::wire::compute::VirtualMachine;
use crate::azure::wire::network::NetworkInterface;

impl Backup {
    /// The private address of `vm`'s primary network interface; `None` when
    /// the VM has no interface or the interface has no address yet.
    pub async fn private_ip_of(&self, vm: &VirtualMachineId) -> Result<Option<String>, ArmError> {
        let machine: VirtualMachine = self
            .arm()
            .send_json(&api::virtual_machine_get(vm), None)
            .await?;
        let Some(nic) = primary_interface(&machine) else {
            return Ok(None);
        };
        let nic: NetworkInterfaceId = match nic.parse() {
            Ok(id) => id,
            Err(error) => {
                return Err(ArmError::new(
                    ArmErrorKind::InvalidId { id: nic, error },
                    api::VIRTUAL_MACHINE_GET.operation_id,
                ));
            }
        };
        let interface: NetworkInterface = self
            .arm()
            .send_json(&api::network_interface_get(&nic), None)
            .await?;
        Ok(interface.primary_private_ip().map(str::to_owned))
    }
}

/// The id of the VM's primary network interface (else its first).
fn primary_interface(vm: &VirtualMachine) -> Option<String> {
    let interfaces = vm
        .properties
        .as_ref()?
        .network_profile
        .as_ref()?
        .get("networkInterfaces")?
        .as_array()?;
    let is_primary = |nic: &&serde_json::Value| {
        nic.pointer("/properties/primary")
            .and_then(serde_json::Value::as_bool)
            == Some(true)
    };
    let nic = interfaces
        .iter()
        .find(is_primary)
        .or_else(|| interfaces.first())?;
    nic.get("id")?.as_str().map(str::to_owned)
}
