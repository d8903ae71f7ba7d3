#!/usr/bin/env python3
"""Generate a large, consistent estate (inventory) and a restore plan over it, for benchmarks.

    gen-estate.py --vms N [--seed S] [--detail lean|full] INVENTORY.yaml PLAN.yaml

The inventory (`kind: Inventory`, snapshotTime SNAPSHOT_TIME below) holds N VMs
split between westeurope and northeurope. VMs belong to applications of 2 to 8
VMs (tags `app`, `tier`), each application in one workload resource group and
protected by one of the two Recovery Services vaults (GRS) of its region. Every
VM has one protected item with 2 or 3 recovery points whose tiers are valid at
the snapshot time (newest, last night: snapshot tier; a day older: snapshot and
vault; two days older: vault). There are source and recovery virtual networks
(recovery subnets with 16,379 `freeIps` each), a staging storage account per
region (StorageV2, Standard_LRS), the workload and recovery resource groups
(with their existing names) and vCPU quotas per VM family and region that leave
about twice what restoring every VM needs.

`--detail` chooses how much of each VM and point is written. The loader reads
at most 16 MiB and 1,000,000 YAML nodes per file, and contoso.yaml-level detail
costs ~2.3 KB and ~180 nodes per VM, so:
  full  everything contoso.yaml has (policy, consistency, every tier's expiry,
        size, zones and disks per point; image, security type, NIC subnet, four
        tags; three VMs in four zonal, one in five on an Enhanced policy).
        About 5,400 VMs fit (the node budget binds first).
  lean  (default) what the dry run needs, the rest left to the schema defaults
        or unknown: points carry id, time and tiers (the vault tier without
        expiry, an expired snapshot tier left out); VMs carry size, family,
        vCPUs, OS, disks, one NIC and two tags; no zones; Standard policy;
        3 points for a quarter of the VMs. ~1.25 KB and ~90 nodes per VM:
        10,000 VMs fit (12.5 MB, ~915,000 nodes).

The plan (`kind: RestorePlan`) restores every VM exactly once as a new VM into a
recovery target of the VM's own region (4 targets per region: resource group,
subnet, staging account), so it has N restore nodes: most applications VM by VM
with `vm:` and `name: <vm>-r`, about one in eight as a single `select:` step by
the application's tag (which expands into one node per VM). Every step depends
on about two earlier steps (mostly recent ones). After about one application in
ten comes an HTTP check of a restored VM's private IP or an `az` command (about
2% extra steps). `execution.maxParallel` is 50; `objectives` has rto and rpo
(24h each; the estimate is far over the RTO, so `rto-at-risk` warns).

A small share of VMs carries facts that the dry run warns about, as a real
estate would: Azure Hybrid Benefit (~2%), a static private IP (~2%), a
crash-consistent newest point (~1%). Nothing should be an error: the benchmark
checks that `restoreplan plan` reports none before it times anything.

Fixed seed: the output is byte-for-byte reproducible. Only the standard library
is used; YAML is written by hand (flow style for the small mappings, as in
plans/inventory/contoso.yaml).
"""

import argparse
import random
import sys
from datetime import datetime, timedelta, timezone

SUB = "3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41"
TENANT = "5e1b9c3a-7d2f-4b8e-a6c0-93f4d1e2b7a5"
SNAPSHOT_TIME = datetime(2026, 11, 26, 6, 0, 0, tzinfo=timezone.utc)

# region, short name, paired region, source vnet /16, recovery vnet /16
REGIONS = [
    ("westeurope", "weu", "northeurope", "10.10", "10.30"),
    ("northeurope", "neu", "westeurope", "10.20", "10.40"),
]
VAULTS_PER_REGION = 2
WORKLOAD_RGS_PER_REGION = 25
SOURCE_SUBNETS = 16       # /20 each in the source vnet
TARGETS_PER_REGION = 4    # one recovery resource group + /18 subnet each

# size, quota family, vCPUs, weight
SIZES = [
    ("Standard_D2s_v5", "standardDSv5Family", 2, 30),
    ("Standard_D4s_v5", "standardDSv5Family", 4, 30),
    ("Standard_D8s_v5", "standardDSv5Family", 8, 10),
    ("Standard_E4s_v5", "standardESv5Family", 4, 12),
    ("Standard_E8s_v5", "standardESv5Family", 8, 6),
    ("Standard_B2ms", "standardBSFamily", 2, 7),
    ("Standard_F4s_v2", "standardFSv2Family", 4, 5),
]
TIERS = ["web", "app", "data"]
IMAGES = {
    "linux": "{kind: marketplace, publisher: Canonical, offer: 0001-com-ubuntu-server-jammy, sku: 22_04-lts-gen2}",
    "windows": "{kind: marketplace, publisher: MicrosoftWindowsServer, offer: WindowsServer, sku: 2022-datacenter-azure-edition}",
}


def ts(t):
    return "'" + t.strftime("%Y-%m-%dT%H:%M:%SZ") + "'"


def rg_id(name):
    return f"/subscriptions/{SUB}/resourceGroups/{name}"


def vault_id(short, k):
    return f"{rg_id(f'rg-backup-{short}')}/providers/Microsoft.RecoveryServices/vaults/rsv-bench-{short}-{k}"


def vnet_id(short, kind):
    return f"{rg_id(f'rg-network-{short}')}/providers/Microsoft.Network/virtualNetworks/vnet-{kind}-{short}"


def staging_id(short):
    return f"{rg_id(f'rg-backup-{short}')}/providers/Microsoft.Storage/storageAccounts/stbenchstaging{short}"


class Vm:
    __slots__ = ("name", "region", "short", "rg", "app", "tier", "os", "size", "family", "vcpus",
                 "zone", "disks", "subnet", "ip", "license", "static_ip", "crash", "vault",
                 "target", "enhanced")


class App:
    __slots__ = ("index", "name", "region", "short", "rg", "vault", "target", "vms")


def build_estate(n, rng, lean):
    """Applications of 2..8 VMs until there are exactly n VMs, alternating regions."""
    apps, vms = [], []
    per_region_count = {short: 0 for _, short, *_ in REGIONS}
    a = 0
    while len(vms) < n:
        region, short, _, src16, _ = REGIONS[a % len(REGIONS)]
        app = App()
        app.index = a
        app.name = f"app-{a:05d}"
        app.region, app.short = region, short
        app.rg = f"rg-wl-{(a // 2) % WORKLOAD_RGS_PER_REGION:02d}-{short}"
        app.vault = f"{short}-{(a // 2) % VAULTS_PER_REGION + 1}"
        app.target = f"{short}-{'abcd'[(a // 2) % TARGETS_PER_REGION]}"
        app.vms = []
        size_of_app = min(rng.randint(2, 8), n - len(vms))
        for k in range(size_of_app):
            vm = Vm()
            vm.name = f"{short}-{a:05d}-{k:02d}"
            vm.region, vm.short, vm.rg, vm.app = region, short, app.rg, app.name
            vm.tier = TIERS[min(k * len(TIERS) // size_of_app, len(TIERS) - 1)]
            vm.os = "windows" if rng.random() < 0.35 else "linux"
            vm.size, vm.family, vm.vcpus, _ = rng.choices(SIZES, weights=[s[3] for s in SIZES])[0]
            vm.zone = None if lean else rng.choice((None, 1, 2, 3))
            disks = [(None, f"{vm.name}-osdisk", 128 if vm.os == "windows" else 64, "Premium_LRS")]
            for lun in range(rng.choice((0, 1, 1, 2))):
                disks.append((lun, f"{vm.name}-data-{lun:02d}", rng.choice((128, 256, 512, 1024)),
                              rng.choice(("Premium_LRS", "Premium_LRS", "StandardSSD_LRS"))))
            vm.disks = disks
            j = per_region_count[short]
            per_region_count[short] += 1
            sub = j % SOURCE_SUBNETS
            slot = j // SOURCE_SUBNETS
            vm.subnet = sub
            vm.ip = f"{src16}.{sub * 16 + (slot // 250) % 16}.{slot % 250 + 4}"
            vm.license = vm.os == "windows" and rng.random() < 0.06   # ~2% of all VMs
            vm.static_ip = rng.random() < 0.02
            vm.crash = rng.random() < 0.01
            vm.enhanced = not lean and rng.random() < 0.2
            vm.vault, vm.target = app.vault, app.target
            app.vms.append(vm)
            vms.append(vm)
        apps.append(app)
        a += 1
    return apps, vms


def recovery_points(vm, rng, lean):
    """2 or 3 points, newest first, every one restorable at SNAPSHOT_TIME.

    Full: every tier with its expiry, consistency, size, zones and disks, as in
    contoso.yaml. Lean: only what restoring needs (id, time, tiers; the vault
    tier without expiry; an expired snapshot tier left out, as Azure lists
    it); the rest takes the schema's defaults or stays unknown.
    """
    retention = 7 if vm.enhanced else 2
    count = (3 if rng.random() < 0.25 else 2) if lean else rng.choice((2, 3))
    pts = []
    # Standard: the daily backup ran last night at ~22:30 UTC; Enhanced: the last run was ~04:00.
    if vm.enhanced:
        newest = SNAPSHOT_TIME.replace(hour=4, minute=rng.randrange(0, 40), second=rng.randrange(0, 60))
    else:
        newest = (SNAPSHOT_TIME - timedelta(days=1)).replace(
            hour=22, minute=rng.randrange(30, 60), second=rng.randrange(0, 60))
    for i in range(count):
        t = newest - timedelta(days=i, minutes=rng.randrange(0, 20))
        snap_exp = t + timedelta(days=retention)
        snap_valid = snap_exp > SNAPSHOT_TIME
        tiers = []
        if snap_valid or not lean:
            tiers.append(f"{{type: snapshot, status: {'valid' if snap_valid else 'deleted'}, expiresAt: {ts(snap_exp)}}}")
        if i > 0:
            tiers.append("{type: vault, status: valid}" if lean else
                         f"{{type: vault, status: valid, expiresAt: {ts(t + timedelta(days=30))}}}")
        if i == 0 and vm.crash:
            cons = "CrashConsistent"
        elif lean:
            cons = None   # the default, ApplicationConsistent
        else:
            cons = "ApplicationConsistent" if vm.os == "windows" else "FileSystemConsistent"
        pts.append((str(rng.randrange(10**17, 10**18)), t, cons, tiers, i > 0))
    return pts


def vm_disk(lun, name, size, sku, lean):
    """A VM's disk; lean leaves out the defaults (role `data`, type Premium_LRS)."""
    parts = [f"name: {name}"]
    if lun is None:
        parts.append("role: os")
    else:
        parts.append(f"lun: {lun}")
        if not lean:
            parts.append("role: data")
    parts.append(f"sizeGiB: {size}")
    if not lean or sku != "Premium_LRS":
        parts.append(f"type: {sku}")
    return "{" + ", ".join(parts) + "}"


def write_inventory(out, n, seed, apps, vms, rng, lean):
    w = out.write
    w("# yaml-language-server: $schema=../../schemas/inventory.schema.json\n")
    w(f"# Generated by scripts/gen-estate.py: {n} VMs in {len(apps)} applications, seed {seed},"
      f" {'lean' if lean else 'full'} detail.\n")
    w("apiVersion: restoreplan/v1\nkind: Inventory\n")
    w(f"snapshotTime: {ts(SNAPSHOT_TIME)}\n")
    w(f"subscriptions:\n- {{id: {SUB}, name: contoso-bench, tenantId: {TENANT}}}\n")
    by_vault = {}
    for vm in vms:
        by_vault.setdefault(vm.vault, []).append(vm)
    w("vaults:\n")
    for region, short, paired, *_ in REGIONS:
        for k in range(1, VAULTS_PER_REGION + 1):
            w(f"- id: {vault_id(short, k)}\n")
            w(f"  region: {region}\n  pairedRegion: {paired}\n  storageRedundancy: GRS\n")
            w("  crossRegionRestore: true\n  crossSubscriptionRestore: Enabled\n  softDelete: AlwaysOn\n")
            items = by_vault.get(f"{short}-{k}", [])
            if not items:
                w("  protectedItems: []\n")
                continue
            w("  protectedItems:\n")
            for vm in items:
                w(f"  - name: VM;iaasvmcontainerv2;{vm.rg};{vm.name}\n")
                w(f"    vm: {rg_id(vm.rg)}/providers/Microsoft.Compute/virtualMachines/{vm.name}\n")
                if lean:
                    pass   # Standard policy, 2 days of snapshots: the defaults
                elif vm.enhanced:
                    w("    policy: EnhancedPolicy-4h\n    policyType: Enhanced\n    instantRestoreRetentionDays: 7\n")
                else:
                    w("    policy: DailyPolicy-Standard\n    policyType: Standard\n    instantRestoreRetentionDays: 2\n")
                w("    recoveryPoints:\n")
                disks = ", ".join(
                    (f"{{name: {name}, sizeGiB: {size}}}" if lun is None
                     else f"{{lun: {lun}, name: {name}, sizeGiB: {size}}}")
                    for lun, name, size, _ in vm.disks)
                for rp_id, t, cons, tiers, replicated in recovery_points(vm, rng, lean):
                    w(f"    - id: '{rp_id}'\n      time: {ts(t)}\n")
                    if cons:
                        w(f"      consistency: {cons}\n")
                    w(f"      tiers: [{', '.join(tiers)}]\n")
                    if not lean:
                        w(f"      vmSize: {vm.size}\n")
                        if vm.zone:
                            w(f"      zones: [{vm.zone}]\n")
                        w(f"      disks: [{disks}]\n")
                    if replicated:
                        w("      replicatedToPairedRegion: true\n")
    w("virtualMachines:\n")
    for vm in vms:
        vnet = vnet_id(vm.short, "prod")
        w(f"- id: {rg_id(vm.rg)}/providers/Microsoft.Compute/virtualMachines/{vm.name}\n")
        w(f"  name: {vm.name}\n  region: {vm.region}\n")
        if vm.zone:
            w(f"  zone: {vm.zone}\n")
        w(f"  os: {vm.os}\n  size: {vm.size}\n  family: {vm.family}\n  vCpus: {vm.vcpus}\n")
        if vm.license:
            w("  licenseType: Windows_Server\n")
        disks = ", ".join(vm_disk(lun, name, size, sku, lean) for lun, name, size, sku in vm.disks)
        w(f"  disks: [{disks}]\n")
        if not lean:
            w(f"  image: {IMAGES[vm.os]}\n  securityType: Standard\n")
        w("  nics:\n")
        w(f"  - id: {rg_id(vm.rg)}/providers/Microsoft.Network/networkInterfaces/{vm.name}-nic01\n")
        if not lean:
            w(f"    subnet: {vnet}/subnets/apps-{vm.subnet:02d}\n")
        w(f"    privateIp: {vm.ip}\n")
        if vm.static_ip:
            w("    staticPrivateIp: true\n")
        if lean:
            w(f"  tags: {{app: {vm.app}, tier: {vm.tier}}}\n")
        else:
            w(f"  tags: {{app: {vm.app}, tier: {vm.tier}, env: prod, owner: team-{int(vm.app[4:]) % 40:02d}}}\n")
    w("virtualNetworks:\n")
    for region, short, _, src16, rec16 in REGIONS:
        w(f"- id: {vnet_id(short, 'prod')}\n  region: {region}\n  subnets:\n")
        for s in range(SOURCE_SUBNETS):
            w(f"  - {{name: apps-{s:02d}, addressPrefix: {src16}.{s * 16}.0/20, freeIps: 2000}}\n")
        w(f"- id: {vnet_id(short, 'recovery')}\n  region: {region}\n  subnets:\n")
        for t in range(TARGETS_PER_REGION):
            w(f"  - {{name: recovery-{'abcd'[t]}, addressPrefix: {rec16}.{t * 64}.0/18, freeIps: 16379}}\n")
    w("storageAccounts:\n")
    for region, short, *_ in REGIONS:
        w(f"- id: {staging_id(short)}\n  region: {region}\n  kind: StorageV2\n  sku: Standard_LRS\n")
        w(f"- id: {rg_id(f'rg-infra-{short}')}/providers/Microsoft.Storage/storageAccounts/stbenchdiag{short}\n")
        w(f"  region: {region}\n  kind: StorageV2\n  sku: Standard_ZRS\n  firewallDefaultAction: Deny\n")
    w("resourceGroups:\n")
    by_rg = {}
    for vm in vms:
        by_rg.setdefault(vm.rg, []).append(vm.name)
    for region, short, *_ in REGIONS:
        for g in range(WORKLOAD_RGS_PER_REGION):
            name = f"rg-wl-{g:02d}-{short}"
            w(f"- id: {rg_id(name)}\n  region: {region}\n")
            w(f"  existingNames: [{', '.join(sorted(by_rg.get(name, [])))}]\n")
        for t in range(TARGETS_PER_REGION):
            w(f"- id: {rg_id(f'rg-recovery-{short}-{chr(97 + t)}')}\n  region: {region}\n")
            w(f"  existingNames: [nsg-recovery-{short}-{chr(97 + t)}]\n")
        w(f"- id: {rg_id(f'rg-backup-{short}')}\n  region: {region}\n")
        w(f"  existingNames: [{', '.join(f'rsv-bench-{short}-{k}' for k in range(1, VAULTS_PER_REGION + 1))}, stbenchstaging{short}]\n")
        w(f"- id: {rg_id(f'rg-network-{short}')}\n  region: {region}\n")
        w(f"  existingNames: [vnet-prod-{short}, vnet-recovery-{short}]\n")
        w(f"- id: {rg_id(f'rg-infra-{short}')}\n  region: {region}\n  existingNames: [stbenchdiag{short}]\n")
    # Quotas: about twice what restoring every VM of the region needs, on top of what is used.
    need = {}
    for vm in vms:
        need[(vm.region, vm.family)] = need.get((vm.region, vm.family), 0) + vm.vcpus
        need[(vm.region, "cores")] = need.get((vm.region, "cores"), 0) + vm.vcpus
    w("quotas:\n")
    for region, *_ in REGIONS:
        for family in ["cores"] + sorted({s[1] for s in SIZES}):
            used = need.get((region, family), 0)
            limit = ((used * 2 + used + 100) // 100 + 1) * 100   # current use + 2x the plan + slack
            w(f"- {{subscription: {SUB}, region: {region}, family: {family}, limit: {limit}, used: {used}}}\n")


def pick_deps(rng, i):
    """About two distinct earlier steps: mostly nearby, some far back (as gen-plan.py)."""
    if i == 0:
        return []
    want = min(i, rng.choice((1, 2, 2, 2, 3)))
    deps = set()
    while len(deps) < want:
        if rng.random() < 0.8:
            deps.add(rng.randrange(max(0, i - 100), i))
        else:
            deps.add(rng.randrange(0, i))
    return sorted(deps)


def write_plan(out, n, seed, apps, rng):
    w = out.write
    w("# yaml-language-server: $schema=../../schemas/restore-plan.schema.json\n")
    w(f"# Generated by scripts/gen-estate.py: {n} restore nodes over {len(apps)} applications, seed {seed}.\n")
    w("apiVersion: restoreplan/v1\nkind: RestorePlan\nmetadata:\n")
    w(f"  name: bench-estate-{n}\n")
    w("  description: >-\n")
    w(f"    A synthetic estate-wide restore of {n} VMs as new VMs into recovery resource\n")
    w("    groups of their own regions, for benchmarking the dry run.\n")
    w("  owner: sre-bench\n  labels:\n    scenario: benchmark\n")
    w("objectives:\n  rto: 24h\n  rpo: 24h\n")
    w("vaults:\n")
    for region, short, *_ in REGIONS:
        for k in range(1, VAULTS_PER_REGION + 1):
            w(f"  {short}-{k}:\n    id: {vault_id(short, k)}\n")
    w("targets:\n")
    for region, short, *_ in REGIONS:
        for t in range(TARGETS_PER_REGION):
            letter = "abcd"[t]
            w(f"  {short}-{letter}:\n    region: {region}\n")
            w(f"    resourceGroup: {rg_id(f'rg-recovery-{short}-{letter}')}\n")
            w(f"    network:\n      virtualNetwork: {vnet_id(short, 'recovery')}\n")
            w(f"      subnet: recovery-{letter}\n")
            w(f"    stagingStorageAccount: {staging_id(short)}\n")
    w("defaults:\n  vault: weu-1\n  target: weu-a\n  recoveryPoint: latest\n")
    w("execution:\n  maxParallel: 50\n  onFailure: skip-dependents\n")
    w("  retry: { attempts: 3, backoff: 1m, maxBackoff: 10m }\n  timeout: 6h\nsteps:\n")

    order = list(apps)
    rng.shuffle(order)
    ids = []

    def step_header(sid, must=None):
        i = len(ids)
        deps = pick_deps(rng, i)
        if must is not None and must not in deps:
            deps = sorted(deps[1:] + [must]) if len(deps) > 1 else sorted(deps + [must])
        ids.append(sid)
        w(f"  - id: {sid}\n")
        if deps:
            w(f"    dependsOn: [{', '.join(ids[d] for d in deps)}]\n")
        return deps

    extra = 0
    for app in order:
        if len(app.vms) >= 2 and rng.random() < 0.125:
            step_header(f"sel-{app.index:05d}")
            w(f"    description: Every VM of {app.name} ({len(app.vms)} VMs).\n")
            w("    restore:\n")
            w(f"      select:\n        tags: {{app: {app.name}}}\n")
            w("      as: new-vm\n")
            w(f"      vault: {app.vault}\n      target: {app.target}\n")
            restored = [None]
        else:
            restored = []
            for vm in app.vms:
                sid = f"r-{vm.name}"
                step_header(sid)
                w("    restore:\n")
                w(f"      vm: {vm.name}\n      as: new-vm\n      name: {vm.name}-r\n")
                w(f"      vault: {vm.vault}\n      target: {vm.target}\n")
                restored.append((len(ids) - 1, sid))
        r = rng.random()
        if r < 0.06 and restored[-1] is not None:
            # Probe the app's last restored VM: its step is made a dependency of the check.
            index, sid = restored[-1]
            extra += 1
            step_header(f"chk-{extra:05d}", must=index)
            w("    check:\n")
            w(f"      http: \"http://${{{{ steps.{sid}.outputs.privateIp }}}}:8080/health\"\n")
            w("      expect: 200\n      within: 15m\n      interval: 30s\n")
        elif r < 0.10:
            extra += 1
            step_header(f"run-{extra:05d}")
            w(f"    run: [az, tag, update, --resource-id, {rg_id(f'rg-recovery-{app.short}-' + app.target[-1])},"
              f" --operation, merge, --tags, restored-{app.name}=true]\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vms", type=int, required=True, help="number of VMs (= restore nodes)")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--detail", choices=("lean", "full"), default="lean",
                    help="inventory detail (see the module docstring; default lean)")
    ap.add_argument("inventory")
    ap.add_argument("plan")
    args = ap.parse_args()
    if args.vms < 2:
        sys.exit("--vms must be at least 2")
    rng = random.Random(args.seed)
    lean = args.detail == "lean"
    apps, vms = build_estate(args.vms, rng, lean)
    with open(args.inventory, "w", encoding="utf-8", newline="\n") as out:
        write_inventory(out, args.vms, args.seed, apps, vms, rng, lean)
    with open(args.plan, "w", encoding="utf-8", newline="\n") as out:
        write_plan(out, args.vms, args.seed, apps, rng)


if __name__ == "__main__":
    main()
