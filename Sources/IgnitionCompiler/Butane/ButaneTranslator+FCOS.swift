/// The `fcos` variant's additions: `boot_device` (LUKS and mirroring of the boot disk), `grub`
/// users, and its checks of partitions and mount points.
extension ButaneTranslator {
    private static let reservedTypeGUID = "8DA63339-0007-60C0-C436-083AC8230908"
    private static let biosTypeGUID = "21686148-6449-6E6F-744E-656564454649"
    private static let prepTypeGUID = "9E1A2D38-C612-4316-AA26-8B49521E5A8B"
    private static let espTypeGUID = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
    private static let bootDisk = "/dev/disk/by-id/coreos-boot-disk"

    private var layouts: [String] {
        spec.base >= 6 ? ["aarch64", "ppc64le", "s390x-eckd", "s390x-virt", "s390x-zfcp", "x86_64"] : ["aarch64", "ppc64le", "x86_64"]
    }

    mutating func checkBootDevice() {
        guard let device = source["boot_device"] else { return }
        let mirror = device["mirror"]?["devices"]?.items ?? []
        let luks = device["luks"]
        let layoutNode = device["layout"]
        if !mirror.isEmpty, layoutNode == nil {
            // A warning up to fcos 1.6.0, an error from 1.7.0 on.
            diagnostics.append(contentsOf: [Diagnostic(spec.isAtLeast("1.7.0") ? .error : .warning,
                                                       "boot_device.layout should be specified when boot_device.mirror is specified",
                                                       at: device["mirror"]?.location)])
        }
        if spec.isAtLeast("1.7.0"), let luks, !(luks["device"]?.string ?? "").isEmpty {
            // fcos 1.7.0: a LUKS device needs a way to unlock it (a Tang server that is not
            // empty, TPM2 or CEX).
            let tang = (luks["tang"]?.items ?? []).contains { !Self.isZero($0) }
            if !tang, luks["tpm2"]?.bool != true, luks["cex"]?["enabled"]?.bool != true {
                diagnostics.error("no method specified for luks", at: luks.location)
            }
        }
        if let layoutNode, let layout = layoutNode.string {
            if !layouts.contains(layout) {
                diagnostics.error(spec.base >= 6
                    ? "layout must be one of: aarch64, ppc64le, s390x-eckd, s390x-virt, s390x-zfcp, x86_64"
                    : "layout must be one of: aarch64, ppc64le, x86_64", at: layoutNode.location)
            } else if layout == "s390x-eckd" || layout == "s390x-zfcp" {
                let prefix = layout == "s390x-eckd" ? "/dev/dasd" : "/dev/sd"
                if let name = luks?["device"]?.string, !name.isEmpty {
                    // butane's pattern is `(/dev/sd[a-z]$)`, unanchored at the start: the name must end so.
                    let last = name.unicodeScalars.last
                    let matches = last.map { ("a"..."z").contains($0) } == true
                        && String(name.unicodeScalars.dropLast()).hasSuffix(prefix)
                    if !matches {
                        diagnostics.error("device name must start with /dev/dasd on s390x-eckd layout or /dev/sd on s390x-zfcp layout", at: layoutNode.location)
                    }
                } else {
                    diagnostics.error("device is required for layouts: s390x-eckd, s390x-zfcp", at: layoutNode.location)
                }
            }
            if layout.hasPrefix("s390x"), !mirror.isEmpty {
                diagnostics.error("mirroring not supported on layouts: s390x-eckd, s390x-zfcp, s390x-virt", at: layoutNode.location)
            }
        }
        if luks?["cex"]?["enabled"]?.bool == true {
            if let layout = layoutNode?.string {
                if !layout.hasPrefix("s390x") {
                    diagnostics.error("when using cex the targeted architecture must match s390x", at: layoutNode?.location)
                }
            } else {
                diagnostics.error("when using cex the targeted architecture must match s390x", at: luks?["cex"]?.location)
            }
            if !(luks?["tang"]?.items ?? []).isEmpty || luks?["tpm2"]?.bool == true {
                diagnostics.error("cannot use cex with clevis", at: luks?.location)
            }
        }
        if mirror.count == 1 {
            diagnostics.error("mirroring requires at least two devices", at: device["mirror"]?["devices"]?.location)
        }
    }

    mutating func checkGrub() {
        guard spec.base >= 5 else { return }
        for user in source["grub"]?["users"]?.items ?? [] {
            if (user["name"]?.string ?? "").isEmpty {
                diagnostics.error("field \"name\" is required", at: user.location)
            }
            if (user["password_hash"]?.string ?? "").isEmpty {
                diagnostics.error("field \"password_hash\" is required", at: user.location)
            }
        }
    }

    mutating func checkPartitionReuse() {
        let mirrored = Set((source["boot_device"]?["mirror"]?["devices"]?.items ?? []).compactMap(\.string))
        for disk in source["storage"]?["disks"]?.items ?? [] {
            let device = disk["device"]?.string ?? ""
            guard device != Self.bootDisk, disk["wipeTable"]?.bool != true, !mirrored.contains(device) else { continue }
            for partition in disk["partitions"]?.items ?? [] where (partition["number"]?.int ?? 0) == 0 && partition["label"] != nil {
                diagnostics.warning("partitions cannot be reused by label; number must be specified except on boot disk (/dev/disk/by-id/coreos-boot-disk) or when wipe_table is true",
                                    at: partition.location)
            }
        }
    }

    /// Disks, partitions, RAID, LUKS and filesystems for `boot_device`; nil when it asks for nothing.
    func renderBootDevice() -> ConfigNode? {
        guard let device = source["boot_device"] else { return nil }
        let luks = device["luks"] ?? .object()
        let mirrorDevices = (device["mirror"]?["devices"]?.items ?? []).compactMap(\.string)
        let wantLuks = luks["tpm2"]?.bool == true || !(luks["tang"]?.items ?? []).isEmpty || luks["cex"]?["enabled"]?.bool == true
        let wantMirror = !mirrorDevices.isEmpty
        guard wantLuks || wantMirror else { return nil }
        let at = device.location
        let layout = device["layout"]?.string ?? "x86_64"
        let wantBIOS = layout == "x86_64"
        let wantEFI = layout == "x86_64" || layout == "aarch64"
        let wantPReP = layout == "ppc64le"

        func partition(_ label: String, size: Int?, type: String?) -> ConfigNode {
            var node = ConfigNode.object(at: at)
            node["label"] = .string(label, at: at)
            if let size { node["sizeMiB"] = .int(size, at: at) }
            if let type { node["typeGuid"] = .string(type, at: at) }
            return node
        }
        func filesystem(_ device: String, format: String, label: String) -> ConfigNode {
            var node = ConfigNode.object(at: at)
            node["device"] = .string(device, at: at)
            node["format"] = .string(format, at: at)
            node["label"] = .string(label, at: at)
            node["wipeFilesystem"] = .bool(true, at: at)
            return node
        }

        var disks: [ConfigNode] = []
        var raids: [ConfigNode] = []
        var filesystems: [ConfigNode] = []
        var luksVolumes: [ConfigNode] = []
        if wantMirror {
            for (offset, name) in mirrorDevices.enumerated() {
                let n = offset + 1
                var partitions: [ConfigNode] = []
                if wantBIOS {
                    partitions.append(partition("bios-\(n)", size: 1, type: Self.biosTypeGUID))
                } else if wantPReP {
                    partitions.append(partition("prep-\(n)", size: 4, type: Self.prepTypeGUID))
                } else {
                    partitions.append(partition("reserved-\(n)", size: 1, type: Self.reservedTypeGUID))
                }
                if wantEFI {
                    partitions.append(partition("esp-\(n)", size: 127, type: Self.espTypeGUID))
                } else {
                    partitions.append(partition("reserved-\(n)", size: 1, type: Self.reservedTypeGUID))
                }
                partitions.append(partition("boot-\(n)", size: 384, type: nil))
                partitions.append(partition("root-\(n)", size: nil, type: nil))
                var disk = ConfigNode.object(at: at)
                disk["device"] = .string(name, at: at)
                disk["partitions"] = .list(partitions, at: at)
                disk["wipeTable"] = .bool(true, at: at)
                disks.append(disk)
                if wantEFI {
                    filesystems.append(filesystem("/dev/disk/by-partlabel/esp-\(n)", format: "vfat", label: "esp-\(n)"))
                }
            }
            func members(_ prefix: String) -> ConfigNode {
                .list((1...mirrorDevices.count).map { .string("/dev/disk/by-partlabel/\(prefix)-\($0)", at: at) }, at: at)
            }
            var boot = ConfigNode.object(at: at)
            boot["devices"] = members("boot")
            boot["level"] = .string("raid1", at: at)
            boot["name"] = .string("md-boot", at: at)
            boot["options"] = .list([.string("--metadata=1.0", at: at)], at: at)
            var root = ConfigNode.object(at: at)
            root["devices"] = members("root")
            root["level"] = .string("raid1", at: at)
            root["name"] = .string("md-root", at: at)
            raids = [boot, root]
            filesystems.append(filesystem("/dev/md/md-boot", format: "ext4", label: "boot"))
        }
        if wantLuks {
            let luksDevice: String
            switch layout {
            case "s390x-eckd": luksDevice = (luks["device"]?.string ?? "") + "2"
            case "s390x-zfcp": luksDevice = (luks["device"]?.string ?? "") + "4"
            default: luksDevice = wantMirror ? "/dev/md/md-root" : "/dev/disk/by-partlabel/root"
            }
            var volume = ConfigNode.object(at: at)
            if luks["cex"]?["enabled"]?.bool == true {
                volume["cex"] = .object([ConfigEntry(key: "enabled", keyLocation: nil, node: .bool(true, at: at))], at: at)
            } else {
                var clevis = ConfigNode.object(at: luks.location)
                if let tang = luks["tang"] { clevis["tang"] = tang }
                if let threshold = luks["threshold"] { clevis["threshold"] = threshold }
                if let tpm2 = luks["tpm2"] { clevis["tpm2"] = tpm2 }
                volume["clevis"] = clevis
            }
            volume["device"] = .string(luksDevice, at: at)
            if let discard = luks["discard"] { volume["discard"] = discard }
            volume["label"] = .string("luks-root", at: at)
            volume["name"] = .string("root", at: at)
            volume["wipeVolume"] = .bool(true, at: at)
            luksVolumes = [volume]
        }
        filesystems.append(filesystem(wantLuks ? "/dev/mapper/root" : "/dev/md/md-root", format: "xfs", label: "root"))

        var storage = ConfigNode.object(at: at)
        if !disks.isEmpty { storage["disks"] = .list(disks, at: at) }
        if !raids.isEmpty { storage["raid"] = .list(raids, at: at) }
        if !luksVolumes.isEmpty { storage["luks"] = .list(luksVolumes, at: at) }
        storage["filesystems"] = .list(filesystems, at: at)
        var config = ConfigNode.object(at: at)
        config["storage"] = storage
        return config
    }

    /// fcos's checks of the root partition (from 1.3.0) and the reserved partition labels, on the
    /// merged config.
    mutating func warnAboutPartitions(_ config: ConfigNode) {
        let checksRoot = spec.isAtLeast("1.3.0")
        for disk in config["storage"]?["disks"]?.items ?? [] {
            let partitions = disk["partitions"]?.items ?? []
            for (index, partition) in partitions.enumerated() {
                guard let labelNode = partition["label"], let label = labelNode.string else { continue }
                let number = partition["number"]?.int ?? 0
                if checksRoot, label == "root" {
                    let size = partition["sizeMiB"]?.int ?? 0
                    if size == 0 {
                        let constrained = partitions.indices.contains { other in
                            other != index && (partitions[other]["startMiB"]?.int ?? 0) == 0
                        }
                        if constrained {
                            diagnostics.warning("root partition cannot expand; it is set to fill available space but is followed by an auto-positioned partition", at: labelNode.location)
                        }
                    } else if size < 8192 {
                        diagnostics.warning("root should have 8GiB of space assigned", at: partition["sizeMiB"]?.location)
                    }
                }
                if disk["wipeTable"]?.bool != true {
                    let expected = ["BIOS-BOOT": 1, "PowerPC-PReP-boot": 1, "EFI-SYSTEM": 2, "boot": 3, "root": 4][label]
                    if let expected, number != expected {
                        diagnostics.warning("incorrect partition number; a new partition will be created using reserved label", at: labelNode.location)
                    }
                }
            }
        }
    }

    /// `grub.users`: a `/boot` filesystem and an append to `/boot/grub2/user.cfg`.
    func renderGrub() -> ConfigNode? {
        let users = source["grub"]?["users"]?.items ?? []
        guard !users.isEmpty else { return nil }
        let at = source["grub"]?.location
        let names = users.map { $0["name"]?.string ?? "" }
        let commands = users.map { "password_pbkdf2 \($0["name"]?.string ?? "") \($0["password_hash"]?.string ?? "")" }
        let text = "# Generated by Butane\n\nset superusers=\"\(names.joined(separator: " "))\"\n" + commands.joined(separator: "\n") + "\n"
        let (url, compression) = Self.dataURL(Array(text.utf8), compression: nil)
        var resource = ConfigNode.object(at: at)
        resource["source"] = .string(url, at: at)
        if let compression { resource["compression"] = .string(compression, at: at) }
        var file = ConfigNode.object(at: at)
        file["path"] = .string("/boot/grub2/user.cfg", at: at)
        // At `grub.users`, where butane reports what is wrong with the append (openshift refuses it).
        file["append"] = .list([resource], at: source["grub"]?["users"]?.location ?? at)
        var filesystem = ConfigNode.object(at: at)
        filesystem["device"] = .string("/dev/disk/by-label/boot", at: at)
        filesystem["format"] = .string("ext4", at: at)
        filesystem["path"] = .string("/boot", at: at)
        var storage = ConfigNode.object(at: at)
        storage["files"] = .list([file], at: at)
        storage["filesystems"] = .list([filesystem], at: at)
        var config = ConfigNode.object(at: at)
        config["storage"] = storage
        return config
    }
}
