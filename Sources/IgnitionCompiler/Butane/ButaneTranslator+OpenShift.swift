/// The `openshift` variant (butane's config/openshift/v4_*): an fcos config with a MachineConfig's
/// `metadata` and `openshift` sections, less what the Machine Config Operator (MCO) refuses or
/// does not keep up to date after the first boot. Its checks run on the translated config, so
/// they also catch what sugar generated (grub's append, a tree's symlinks), and report at the
/// place in the source the value came from.
extension ButaneTranslator {
    static let cexKernelArgument = "rd.luks.key=/etc/luks/cex.key"

    /// butane's `Metadata.Validate`, `OpenShift.Validate` and (from 4.19.0) `Config.Validate`.
    mutating func checkOpenShiftSource() {
        let metadata = source["metadata"]
        let name = metadata?["name"]
        if (name?.string ?? "").isEmpty {
            diagnostics.error("metadata.name is required", at: name?.location ?? metadata?.location ?? source.location)
        }
        let labels = metadata?["labels"]
        if (labels?[MachineConfig.roleLabel]?.string ?? "").isEmpty {
            diagnostics.error("\(MachineConfig.roleLabel) label is required", at: labels?.location ?? metadata?.location ?? source.location)
        }
        let openshift = source["openshift"]
        if let kernelType = openshift?["kernel_type"], let text = kernelType.string, !["", "default", "realtime"].contains(text) {
            diagnostics.error("must be empty, \"default\", or \"realtime\"", at: kernelType.location)
        }
        if spec.isAtLeast("4.19.0") {
            // CEX unlocks the root volume with a key file that the kernel must be told about.
            let arguments = openshift?["kernel_arguments"]
            let cexBoot = source["boot_device"]?["luks"]?["cex"]?["enabled"]?.bool == true
            let cexRoot = (source["storage"]?["luks"]?.items ?? []).contains {
                $0["cex"]?["enabled"]?.bool == true && $0["name"]?.string == "root"
            }
            if cexBoot || cexRoot, !(arguments?.items ?? []).contains(where: { $0.string == Self.cexKernelArgument }) {
                diagnostics.error("'\(Self.cexKernelArgument)' must be set as kernel argument when CEX is enabled for the boot device",
                                  at: arguments?.location ?? openshift?.location ?? source.location)
            }
        }
    }

    /// What butane does to the translated config of an openshift spec, and the MachineConfig
    /// around it: grub's user.cfg written whole (4.23.0-experimental), the FIPS cipher on LUKS
    /// volumes (up to 4.19.0), then the checks of RHCOS and the MCO, and (not raw) the fields the
    /// MCO refuses. Raw, the `openshift` settings that the Ignition config cannot carry are warned of.
    mutating func finishOpenShift(_ config: inout ConfigNode) -> MachineConfig {
        if spec.base >= 8 { writeGrubConfigWhole(&config) }
        let openshift = source["openshift"]
        if !spec.isAtLeast("4.20.0"), openshift?["fips"]?.bool == true {
            addFIPSCipher(&config, at: openshift?["fips"]?.location)
        }
        checkMCOSupport(config)
        if options.raw {
            for key in ["kernel_arguments", "extensions", "fips", "kernel_type"] {
                if let node = openshift?[key] { diagnostics.warning("field ignored in raw mode", at: node.location) }
            }
        } else {
            checkFieldFilters(config)
            // Ignition's check of duplicates, which butane runs on the whole MachineConfig.
            for key in ["kernel_arguments", "extensions"] {
                var seen: [String: SourceLocation?] = [:]
                for item in openshift?[key]?.items ?? [] {
                    guard let text = item.string else { continue }
                    if let first = seen[text] {
                        diagnostics.error("duplicate entry defined", at: item.location, notes: [Diagnostic.Note("first defined here", at: first)])
                    } else {
                        seen[text] = item.location
                    }
                }
            }
        }
        // `config` is rendered by `Butane.translate` once the config has passed Ignition's checks.
        return MachineConfig(
            name: source["metadata"]?["name"]?.string ?? "",
            labels: (source["metadata"]?["labels"]?.entries ?? []).map { ($0.key, $0.node.string ?? "") },
            config: .object([]),
            kernelArguments: openshift?["kernel_arguments"].map { $0.items.compactMap(\.string) },
            extensions: openshift?["extensions"].map { $0.items.compactMap(\.string) },
            fips: openshift?["fips"]?.bool,
            kernelType: openshift?["kernel_type"]?.string)
    }

    /// The MCO writes files whole: the grub sugar's single append to /boot/grub2/user.cfg becomes
    /// its contents (butane does it to the first file of that path with exactly one append).
    private func writeGrubConfigWhole(_ config: inout ConfigNode) {
        guard var storage = config["storage"], var files = storage["files"]?.items,
              let index = files.firstIndex(where: { $0["path"]?.string == "/boot/grub2/user.cfg" }),
              let append = files[index]["append"]?.items, append.count == 1 else { return }
        files[index]["contents"] = append[0]
        files[index]["append"] = nil
        storage["files"]?.value = .list(files)
        config["storage"] = storage
    }

    /// FIPS 140-2 does not allow LUKS's default XTS mode: a volume given no cipher gets one.
    private func addFIPSCipher(_ config: inout ConfigNode, at location: SourceLocation?) {
        guard var storage = config["storage"], var volumes = storage["luks"]?.items else { return }
        for index in volumes.indices {
            let options = (volumes[index]["options"]?.items ?? []).compactMap(\.string)
            if options.contains(where: { $0 == "--cipher" || $0.hasPrefix("--cipher=") || $0 == "-c" }) { continue }
            volumes[index].modifyList("options") { items in
                items += [.string("--cipher", at: location), .string("aes-cbc-essiv:sha256", at: location)]
            }
        }
        storage["luks"]?.value = .list(volumes)
        config["storage"] = storage
    }

    /// butane's `validateRHCOSSupport` and `validateMCOSupport`: checked in raw mode too.
    private mutating func checkMCOSupport(_ config: ConfigNode) {
        for filesystem in config["storage"]?["filesystems"]?.items ?? [] {
            guard let format = filesystem["format"] else { continue }
            if format.string == "btrfs" {
                diagnostics.error("btrfs is not supported in this spec version", at: format.location)
            } else if format.string == "none", spec.isAtLeast("4.14.0") {
                diagnostics.error("format \"none\" is not supported in this spec version", at: format.location)
            }
        }
        for file in config["storage"]?["files"]?.items ?? [] {
            if let source = file["contents"]?["source"], let text = source.string,
               let scheme = Self.urlScheme(text), scheme != "data" {
                diagnostics.error("file contents source must be data URL in this spec version", at: source.location)
            }
            if spec.isAtLeast("4.10.0"), let mode = file["mode"], let value = mode.int, value & ~0o777 != 0 {
                diagnostics.error("special mode bits are not supported in this spec version", at: mode.location)
            }
        }
        for user in config["passwd"]?["users"]?.items ?? [] where user["name"]?.string != "core" {
            diagnostics.error("users other than \"core\" are not supported in this spec version", at: user["name"]?.location ?? user.location)
        }
    }

    private static let userFields = ["gecos", "groups", "homeDir", "noCreateHome", "noLogInit", "noUserGroup", "passwordHash",
                                     "primaryGroup", "shell", "shouldExist", "system", "uid"]

    /// butane's `fieldFilters`: Ignition fields the MCO refuses, or applies once and then reports
    /// the node degraded when they change. Set to anything but nothing (an empty list), an error.
    private mutating func checkFieldFilters(_ config: ConfigNode) {
        func refuse(_ node: ConfigNode?, _ message: String) {
            // A list the sugar made (a tree's links) is located at its first item (the tree).
            if let node, !Self.isUnset(node) { diagnostics.error(message, at: node.location ?? node.items.first?.location) }
        }
        refuse(config["passwd"]?["groups"], "groups are not supported in this spec version")
        let userMessage = "fields other than \"name\", \"ssh_authorized_keys\", and \"password_hash\" (4.13.0+) are not supported in this spec version"
        for user in config["passwd"]?["users"]?.items ?? [] {
            for field in Self.userFields where field != "passwordHash" || !spec.isAtLeast("4.13.0") {
                refuse(user[field], userMessage)
            }
        }
        refuse(config["storage"]?["directories"], "directories are not supported in this spec version")
        for file in config["storage"]?["files"]?.items ?? [] {
            refuse(file["append"], "appending to files is not supported in this spec version")
            // 4.8.0 and 4.9.0: the MCO wrote compressed contents as they were; the "" that
            // inline contents get is harmless.
            if !spec.isAtLeast("4.10.0"), let compression = file["contents"]?["compression"], compression.string?.isEmpty == false {
                diagnostics.error("file compression is not supported in this spec version", at: compression.location)
            }
            refuse(file["contents"]?["httpHeaders"], "file HTTP headers are not supported in this spec version")
        }
        refuse(config["storage"]?["links"], "links are not supported in this spec version")
        if spec.isAtLeast("4.14.0") {
            refuse(config["kernelArguments"],
                   "this section cannot be used for kernel arguments in this spec version; use openshift.kernel_arguments instead")
        }
    }

    /// butane's filter emptiness: nothing, an empty list, or an object of such; any scalar set
    /// (a Go pointer), even to "" or false, counts.
    private static func isUnset(_ node: ConfigNode) -> Bool {
        switch node.value {
        case .null: return true
        case .list(let items): return items.isEmpty
        case .object(let entries): return entries.allSatisfy { isUnset($0.node) }
        case .bool, .int, .string: return false
        }
    }

    /// The scheme of a URL as Go's `url.Parse` reads it, lowercased ("" when it has none); nil when
    /// `url.Parse` fails on it (Ignition's checks then report it).
    static func urlScheme(_ text: String) -> String? {
        if text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return nil }
        for (offset, c) in text.unicodeScalars.enumerated() {
            switch c {
            case "a"..."z", "A"..."Z":
                continue
            case "0"..."9", "+", "-", ".":
                if offset == 0 { return "" }
            case ":":
                if offset == 0 { return nil }
                return String(text.unicodeScalars.prefix(offset)).lowercased()
            default:
                return ""
            }
        }
        return ""
    }
}
