//! The ARM contract against the specs: every request body the wire types
//! serialize validates against the spec's definition, closed, so a field the
//! spec does not declare fails. Paths are checked in `azure_paths.rs`,
//! responses in `azure_wire.rs`.

mod support;

use restoreplan::azure::id::{DiskEncryptionSetId, UserAssignedIdentityId, VirtualMachineId};
use restoreplan::azure::secret::SecretText;
use restoreplan::azure::wire::crr::{
    AadProperties, AadPropertiesResource, CrossRegionRestoreRequest, CrrAccessToken,
    WorkloadCrrAccessToken,
};
use restoreplan::azure::wire::ilr::{IlrRequest, IlrRequestResource};
use restoreplan::azure::wire::job::CrrJobRequest;
use restoreplan::azure::wire::restore::{
    EncryptionDetails, IaasVmRestoreRequest, IaasVmRestoreWithRehydrationRequest, IdentityInfo,
    RecoveryType, RehydrationInfo, RehydrationPriority, RestoreRequest, RestoreRequestResource,
    TargetDiskNetworkAccessOption, TargetDiskNetworkAccessSettings,
};
use restoreplan::azure::wire::validate::{
    ValidateOperationRequest, ValidateOperationRequestResource,
};
use serde::Serialize;
use support::azure_spec::{SchemaOptions, SpecFile, Specs};
use support::sample_ids::{SUB, group, item, point, staging, subnet, vault, vm};

/// The fields every VM restore carries.
fn base_restore(recovery_type: RecoveryType) -> IaasVmRestoreRequest {
    IaasVmRestoreRequest {
        recovery_point_id: Some(point().name().to_owned()),
        recovery_type: Some(recovery_type),
        source_resource_id: Some(vm().to_string()),
        storage_account_id: Some(staging().to_string()),
        region: Some("westeurope".into()),
        create_new_cloud_service: Some(false),
        original_storage_account_option: Some(false),
        encryption_details: Some(EncryptionDetails {
            encryption_enabled: Some(false),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn original_location() -> IaasVmRestoreRequest {
    base_restore(RecoveryType::OriginalLocation)
}

fn alternate_location() -> IaasVmRestoreRequest {
    let identity = UserAssignedIdentityId::new(group("rg-app-dr"), "id-restore").expect("identity");
    IaasVmRestoreRequest {
        target_virtual_machine_id: Some(
            VirtualMachineId::new(group("rg-app-dr"), "sql-01-dr")
                .expect("vm")
                .to_string(),
        ),
        target_resource_group_id: Some(group("rg-app-dr").to_string()),
        virtual_network_id: Some(subnet().virtual_network.to_string()),
        subnet_id: Some(subnet().to_string()),
        zones: Some(vec!["2".into()]),
        identity_info: Some(IdentityInfo {
            is_system_assigned_identity: Some(false),
            managed_identity_resource_id: Some(identity.to_string()),
        }),
        ..base_restore(RecoveryType::AlternateLocation)
    }
}

fn restore_disks() -> IaasVmRestoreRequest {
    let des = DiskEncryptionSetId::new(group("rg-keys"), "des-prod").expect("des");
    IaasVmRestoreRequest {
        target_resource_group_id: Some(group("rg-app-dr").to_string()),
        restore_disk_lun_list: Some(vec![0, 2]),
        restore_with_managed_disks: Some(true),
        disk_encryption_set_id: Some(des.to_string()),
        zones: Some(vec!["1".into()]),
        target_disk_network_access_settings: Some(TargetDiskNetworkAccessSettings {
            target_disk_network_access_option: Some(
                TargetDiskNetworkAccessOption::EnablePrivateAccessForAllDisks,
            ),
            target_disk_access_id: Some(format!(
                "{}/providers/Microsoft.Compute/diskAccesses/da-dr",
                group("rg-app-dr")
            )),
        }),
        ..base_restore(RecoveryType::RestoreDisks)
    }
}

fn rehydration() -> RestoreRequest {
    RestoreRequest::IaasVmWithRehydration(Box::new(IaasVmRestoreWithRehydrationRequest {
        restore: alternate_location(),
        recovery_point_rehydration_info: Some(RehydrationInfo {
            rehydration_retention_duration: Some("P7D".into()),
            rehydration_priority: Some(RehydrationPriority::High),
        }),
    }))
}

fn resource(request: RestoreRequest) -> RestoreRequestResource {
    RestoreRequestResource {
        location: None,
        tags: None,
        e_tag: None,
        properties: request,
    }
}

fn to_json(body: &impl Serialize) -> serde_json::Value {
    serde_json::to_value(body).expect("wire types serialize")
}

fn assert_valid(specs: &Specs, file: SpecFile, definition: &str, body: &impl Serialize) {
    let body = to_json(body);
    let errors = specs.errors(file, definition, SchemaOptions::REQUEST, &body);
    assert!(errors.is_empty(), "{definition}: {errors:#?}\n{body:#}");
}

#[test]
fn restore_bodies_of_every_mode_validate_against_restore_request_resource() {
    let specs = Specs::load();
    for (mode, request) in [
        (
            "OriginalLocation",
            RestoreRequest::IaasVm(Box::new(original_location())),
        ),
        (
            "AlternateLocation",
            RestoreRequest::IaasVm(Box::new(alternate_location())),
        ),
        (
            "RestoreDisks",
            RestoreRequest::IaasVm(Box::new(restore_disks())),
        ),
        ("rehydration", rehydration()),
    ] {
        let body = resource(request);
        assert_valid(&specs, SpecFile::Backup, "RestoreRequestResource", &body);
        let text = serde_json::to_string(&body).expect("serializes");
        assert!(
            !text.contains("null"),
            "{mode}: absent fields are left out, not sent as null: {text}"
        );
    }
}

fn access_token() -> CrrAccessToken {
    CrrAccessToken::Workload(Box::new(WorkloadCrrAccessToken {
        access_token_string: Some(SecretText::new("planted-crr-token")),
        subscription_id: Some(SUB.into()),
        resource_group_name: Some("rg-backup".into()),
        resource_name: Some("rsv-prod".into()),
        resource_id: Some(vault().to_string()),
        protection_container_id: Some(1234),
        recovery_point_id: Some(point().name().to_owned()),
        recovery_point_time: Some("2026-11-25T01:02:03Z".into()),
        container_name: Some(item().container_name()),
        container_type: Some("IaasVMContainer".into()),
        backup_management_type: Some("AzureIaasVM".into()),
        datasource_type: Some("VM".into()),
        datasource_name: Some("sql-01".into()),
        rp_tier_information: Some(
            [("HardenedRP".to_owned(), "Valid".to_owned())]
                .into_iter()
                .collect(),
        ),
        ..Default::default()
    }))
}

#[test]
fn cross_region_restore_body_validates_against_the_crr_spec() {
    let specs = Specs::load();
    let mut restore = alternate_location();
    restore.region = Some("northeurope".into());
    let body = CrossRegionRestoreRequest {
        cross_region_restore_access_details: Some(access_token()),
        restore_request: Some(RestoreRequest::IaasVm(Box::new(restore))),
    };
    assert_valid(&specs, SpecFile::Crr, "CrossRegionRestoreRequest", &body);
}

#[test]
fn crr_token_and_job_request_bodies_validate() {
    let specs = Specs::load();
    let aad = AadPropertiesResource {
        properties: Some(AadProperties {
            tenant_id: Some("72f988bf-86f1-41af-91ab-2d7cd011db47".into()),
            audience: Some("https://RecoveryServices/IaasCoord/aadmgmt/weu".into()),
            service_principal_object_id: Some("00000000-0000-0000-0000-000000000001".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_valid(&specs, SpecFile::Crr, "AADPropertiesResource", &aad);
    let job = CrrJobRequest {
        resource_id: Some(vault().to_string()),
        job_name: Some("3021262a-fb3a-4538-9b37-e3e97a386093".into()),
    };
    assert_valid(&specs, SpecFile::Crr, "CrrJobRequest", &job);
}

#[test]
fn file_recovery_provision_body_validates() {
    let specs = Specs::load();
    let body = IlrRequestResource {
        location: None,
        tags: None,
        e_tag: None,
        properties: IlrRequest::IaasVmRegistration {
            recovery_point_id: Some(point().name().to_owned()),
            virtual_machine_id: Some(vm().to_string()),
            initiator_name: Some("iqn.2016-01.microsoft.azure.backup:restoreplan".into()),
            renew_existing_registration: Some(false),
        },
    };
    assert_valid(&specs, SpecFile::Backup, "ILRRequestResource", &body);
}

#[test]
fn validate_operation_body_validates() {
    let specs = Specs::load();
    let body = ValidateOperationRequestResource {
        id: point().to_string(),
        properties: ValidateOperationRequest::IaasVmRestore {
            restore_request: Some(RestoreRequest::IaasVm(Box::new(restore_disks()))),
        },
    };
    assert_valid(
        &specs,
        SpecFile::Backup,
        "ValidateOperationRequestResource",
        &body,
    );
}

#[test]
fn a_field_the_crr_api_version_does_not_know_fails_the_crr_schema() {
    let specs = Specs::load();
    let body = CrossRegionRestoreRequest {
        cross_region_restore_access_details: Some(access_token()),
        restore_request: Some(RestoreRequest::IaasVm(Box::new(restore_disks()))),
    };
    let errors = specs.errors(
        SpecFile::Crr,
        "CrossRegionRestoreRequest",
        SchemaOptions::REQUEST,
        &to_json(&body),
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("targetDiskNetworkAccessSettings")),
        "2023-01-15 has no disk network access settings: {errors:#?}"
    );
}
