import Foundation

extension ButaneTranslator {
    /// The Ignition config of the source: sugar expanded, generated parts merged under the user's.
    mutating func translate() -> ConfigNode {
        var config = lower(source, type: "Config")
        config.modifyObject("ignition") { $0["version"] = .string(spec.ignition.string, at: source.keyLocation("version")) }
        // The order butane follows: mount units, trees, quadlets, then (fcos) boot_device and grub.
        let mountUnits = renderMountUnits()
        if !mountUnits.entries.isEmpty {
            config = ConfigMerger.merge(mountUnits, config, version: spec.ignition)
        }
        processTrees(into: &config)
        processQuadlets(into: &config)
        if spec.isFCOS {
            if let bootDevice = renderBootDevice() {
                config = ConfigMerger.merge(bootDevice, config, version: spec.ignition)
            }
            warnAboutPartitions(config)
            if let grub = renderGrub() {
                config = ConfigMerger.merge(grub, config, version: spec.ignition)
            }
        }
        return config
    }

    /// Drops Butane-only fields, turning the ones with an Ignition meaning into Ignition fields.
    private mutating func lower(_ node: ConfigNode, type: String, path: [String] = []) -> ConfigNode {
        guard case .object(let entries) = node.value else { return node }
        let fields = ConfigSchema.object(type).fields
        var result: [ConfigEntry] = []
        for entry in entries {
            guard let field = fields.first(where: { $0.key == entry.key && $0.butane != nil && $0.specs.has(spec) }),
                  field.json != nil else { continue }
            var value = entry.node
            switch field.type {
            case .object(let name):
                value = lower(value, type: name, path: path + [entry.key])
            case .list(.object(let name)):
                value.value = .list(value.items.map { lower($0, type: name, path: path + [entry.key]) })
            default:
                break
            }
            result.append(ConfigEntry(key: entry.key, keyLocation: entry.keyLocation, node: value))
        }
        var lowered = ConfigNode(.object(result), at: node.location)
        switch type {
        case "Resource":
            lowerResource(node, into: &lowered)
        case "FileContents":
            // fcos 1.0.0 (Ignition 3.0.0): `inline` only, always percent-encoded, no compression written.
            if let text = node["inline"]?.string, node["source"] == nil {
                lowered["source"] = .string(DataURL.percentEncoded(Array(text.utf8)), at: node["inline"]?.location)
            }
        case "Unit", "Dropin":
            if node["contents"] == nil, let local = node["contents_local"], let path = local.string, !path.isEmpty,
               let bytes = readLocal(path, at: local.location) {
                lowered["contents"] = .string(GoString.decode(bytes), at: local.location)
            }
        case "PasswdUser":
            if let locals = node["ssh_authorized_keys_local"], !locals.items.isEmpty {
                var keys = lowered["sshAuthorizedKeys"]?.items ?? []
                if options.filesDirectory == nil {
                    diagnostics.error(Self.noFilesDir, at: locals.location)
                } else {
                    for item in locals.items {
                        guard let path = item.string, let bytes = readLocal(path, at: item.location) else { continue }
                        // Lines end with \n or \r\n (bytes: Swift reads "\r\n" as one Character).
                        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
                            let key = line.last == 0x0D ? line.dropLast() : line[...]
                            if !key.isEmpty { keys.append(.string(GoString.decode(Array(key)), at: item.location)) }
                        }
                    }
                }
                lowered["sshAuthorizedKeys"] = .list(keys, at: locals.location)
            }
        default:
            break
        }
        return lowered
    }

    /// `inline` and `local` become a data URL in `source`, with `compression` set to "" so that a
    /// child config cannot inherit a parent's compression (what butane writes).
    private mutating func lowerResource(_ node: ConfigNode, into lowered: inout ConfigNode) {
        let contents: [UInt8]
        let location: SourceLocation?
        if let inline = node["inline"], let text = inline.string {
            if node["source"] != nil || node["local"] != nil { return }
            contents = Array(text.utf8)
            location = inline.location
        } else if let local = node["local"], let path = local.string {
            if node["source"] != nil { return }
            guard let bytes = readLocal(path, at: local.location) else { return }
            // butane means to check a local embedded config too, but its check never matches the
            // path (butane v0.29.0); igncc does as butane does.
            contents = bytes
            location = local.location
        } else {
            return
        }
        let (url, compression) = Self.dataURL(contents, compression: node["compression"]?.string)
        lowered["source"] = .string(url, at: location)
        if let compression { lowered["compression"] = .string(compression, at: location) }
    }

    /// butane's data URL for `contents`: percent-encoded or base64, whichever is shorter; the
    /// compression to record is "" unless the user compressed the contents themselves (then nil).
    /// (butane may also gzip large contents; igncc does not, and the decoded result is the same.)
    static func dataURL(_ contents: [UInt8], compression: String?) -> (String, String?) {
        (DataURL.encode(contents), (compression ?? "").isEmpty ? "" : nil)
    }

    static let noFilesDir = "local file paths are relative to a files directory that must be specified with -d/--files-dir"

    /// Reads a file of the files directory; reports and returns nil when it cannot.
    mutating func readLocal(_ path: String, at location: SourceLocation?) -> [UInt8]? {
        guard let base = options.filesDirectory else {
            diagnostics.error(Self.noFilesDir, at: location)
            return nil
        }
        guard let full = Self.resolve(path, in: base) else {
            diagnostics.error("local file path traverses outside the files directory", at: location)
            return nil
        }
        switch BoundedFile.read(full, limit: Int.max) {
        case .bytes(let bytes):
            return bytes
        case .unreadable(let code):
            diagnostics.error("cannot read local file '\(path)': \(SystemError.text(code))", at: location)
        case .tooLarge:
            diagnostics.error("cannot read local file '\(path)': \(SystemError.text(EFBIG))", at: location)
        }
        return nil
    }

    /// `base/path`, cleaned; nil when it leaves `base`.
    static func resolve(_ path: String, in base: String) -> String? {
        let absoluteBase = clean(base.hasPrefix("/") ? base : FileManager.default.currentDirectoryPath + "/" + base)
        let full = clean(absoluteBase + "/" + path)
        guard full == absoluteBase || full.hasPrefix(absoluteBase == "/" ? "/" : absoluteBase + "/") else { return nil }
        return full
    }

    /// Lexical path cleaning, as Go's `filepath.Clean` on an absolute path.
    static func clean(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." || part.isEmpty { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    // MARK: Mount units

    private func renderMountUnits() -> ConfigNode {
        var units: [ConfigNode] = []
        let luks = source["storage"]?["luks"]?.items ?? []
        for filesystem in source["storage"]?["filesystems"]?.items ?? [] where filesystem["with_mount_unit"]?.bool == true {
            let location = filesystem["with_mount_unit"]?.location
            let device = filesystem["device"]?.string ?? ""
            let format = filesystem["format"]?.string ?? ""
            var remote = false
            if device.hasPrefix("/dev/mapper/") || device.hasPrefix("/dev/disk/by-id/dm-name-") {
                for volume in luks {
                    let name = volume["name"]?.string ?? ""
                    if device == "/dev/mapper/\(name)" || device == "/dev/disk/by-id/dm-name-\(name)",
                       !(volume["clevis"]?["tang"]?.items ?? []).isEmpty {
                        remote = true
                        break
                    }
                }
            }
            let options = (filesystem["mountOptions"]?.items ?? []).compactMap(\.string)
            var optionLine = ""
            if !options.isEmpty || remote {
                optionLine = "\nOptions=" + (options + (remote ? ["_netdev"] : [])).joined(separator: ",")
            }
            let contents: String
            let name: String
            if format == "swap" && spec.base >= 4 {
                contents = "# Generated by Butane\n[Swap]\nWhat=\(device)\(optionLine)\n\n[Install]\nRequiredBy=swap.target"
                name = Self.unitNamePathEscape(device) + ".swap"
            } else {
                let path = filesystem["path"]?.string ?? ""
                let escaped = Self.unitNamePathEscape(device)
                contents = """
                    # Generated by Butane
                    [Unit]
                    Requires=systemd-fsck@\(escaped).service
                    After=systemd-fsck@\(escaped).service

                    [Mount]
                    Where=\(path)
                    What=\(device)
                    Type=\(format)\(optionLine)

                    [Install]
                    RequiredBy=\(remote ? "remote-fs.target" : "local-fs.target")
                    """
                name = Self.unitNamePathEscape(path) + ".mount"
            }
            units.append(.object([
                ConfigEntry(key: "contents", keyLocation: location, node: .string(contents, at: location)),
                ConfigEntry(key: "enabled", keyLocation: location, node: .bool(true, at: location)),
                ConfigEntry(key: "name", keyLocation: location, node: .string(name, at: location)),
            ], at: location))
        }
        guard !units.isEmpty else { return .object() }
        var config = ConfigNode.object()
        config["systemd"] = .object([ConfigEntry(key: "units", keyLocation: nil, node: .list(units))])
        return config
    }

    /// systemd's path escaping (`systemd-escape --path`), as go-systemd implements it.
    static func unitNamePathEscape(_ path: String) -> String {
        let allowed = Set(":_.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
        var out: [UInt8] = []
        var inSlashes = false
        var start = true
        for c in path.utf8 {
            if c == UInt8(ascii: "/") {
                inSlashes = true
                continue
            } else if inSlashes {
                inSlashes = false
                if !start { out.append(UInt8(ascii: "-")) }
            }
            if start && c == UInt8(ascii: ".") || !allowed.contains(c) {
                out += Array("\\x\(String(c, radix: 16))".utf8)
            } else {
                out.append(c)
            }
            start = false
        }
        if out.isEmpty { out.append(UInt8(ascii: "-")) }
        return String(decoding: out, as: UTF8.self)
    }
}
