/// `out/butane/<host>.bu`: each host's whole Ignition config (generated parts and merged snippets)
/// written back as a Butane document, so it can be read, edited and translated by the real butane
/// to the same Ignition as `out/ignition/<host>.ign`.
enum ButaneBackend {
    /// With k3s, the token file's contents are `local: <token file>` (relative to site.yaml's
    /// directory, so `butane --files-dir <that directory>` reads it): the token itself is only
    /// ever written into out/ignition. A token file outside that directory cannot be named so:
    /// then no host has a Butane file (`ButaneTarget.check` says so).
    static func files(for site: Site, k3s: K3sBuildInputs? = nil) -> [OutputFile] {
        if k3s != nil && k3s?.tokenLocalPath == nil { return [] }
        return Parallel.chunkedMap(site.hosts) { host -> OutputFile? in
            guard let version = IgnitionSpecVersion(string: host.ignitionVersion.value.rawValue),
                  let spec = ButaneSpec.find(variant: host.os.value == .fcos ? .fcos : .flatcar, ignition: version) else { return nil }
            var config = site.mergedConfigs[host.name.value] ?? IgnitionBackend.generated(for: host, in: site)
            let json: JSONValue
            if let k3s, let local = k3s.tokenLocalPath {
                // A stand-in token (never the real one) whose contents are then replaced by `local`.
                var stand = k3s
                stand.token = ""
                K3sIgnition.add(to: &config, host: host, site: site, inputs: stand)
                json = K3sIgnition.namingTokenFile(ConfigRenderer.json(config, version: version), local: local)
            } else {
                json = ConfigRenderer.json(config, version: version)
            }
            let text = ButaneWriter.document(json, spec: spec,
                                             comment: "Host \(host.name.value) of site \(site.name.value), written by igncc.")
            return OutputFile("butane/\(host.name.value).bu", contents: Array(text.utf8), mode: 0o600)
        }.compactMap { $0 }
    }

    /// Hosts whose config no stable Butane spec can express (flatcar with Ignition 3.5.0 or 3.6.0).
    static func inexpressible(in site: Site) -> [Host] {
        site.hosts.filter { host in
            guard let version = IgnitionSpecVersion(string: host.ignitionVersion.value.rawValue) else { return true }
            return ButaneSpec.find(variant: host.os.value == .fcos ? .fcos : .flatcar, ignition: version) == nil
        }
    }
}

/// Writes Ignition JSON (as `ConfigRenderer` makes it) as Butane YAML: Butane field names, data
/// URLs of text as `inline`, modes in octal, multi-line text as literal blocks.
enum ButaneWriter {
    static func document(_ config: JSONValue, spec: ButaneSpec, comment: String) -> String {
        var out = "# \(comment)\nvariant: \(spec.variant.rawValue)\nversion: \(spec.version)\n"
        guard case .object(let pairs) = config else { return out }
        writeObject(pairs, type: "Config", version: spec.ignition, indent: 0, into: &out, skipVersion: true)
        return out
    }

    private static func field(_ type: String, json: String, version: IgnitionSpecVersion) -> ConfigSchema.Field? {
        ConfigSchema.ignitionFields(of: type, version: version).first { $0.json == json }
    }

    private static func writeObject(_ pairs: [(String, JSONValue)], type: String, version: IgnitionSpecVersion, indent: Int,
                                    into out: inout String, skipVersion: Bool = false, firstLinePrefix: String? = nil,
                                    insideIgnitionConfig: Bool = false) {
        var pairs = pairs
        // Configs to merge stay data URLs: butane would check an inline one again, and warn
        // when it is of another Ignition version.
        if type == "Resource" || type == "FileContents", !insideIgnitionConfig { pairs = inlineText(pairs) }
        if type == "Ignition" { pairs.removeAll { $0.0 == "version" } }
        var first = true
        for (key, value) in pairs {
            let name: String
            var fieldType: ConfigSchema.FieldType = .string
            if key == "inline" || key == "local" {
                name = key
            } else if let f = field(type, json: key, version: version),
                      // A field whose Go type changed between versions has one entry per form;
                      // the Butane name is on the one Butane reads.
                      let butane = f.butane ?? ConfigSchema.object(type).fields.first(where: { $0.json == key && $0.butane != nil })?.butane {
                name = butane
                fieldType = f.type
            } else {
                continue
            }
            let pad = first && firstLinePrefix != nil ? firstLinePrefix! : String(repeating: " ", count: indent)
            if case .object(let inner) = value, inner.isEmpty {
                // An empty object the renderer kept is a set pointer (clevis in 3.2): keep it.
                out += "\(pad)\(name): {}\n"
                first = false
                continue
            }
            let before = out.utf8.count
            defer { if out.utf8.count != before { first = false } }
            switch value {
            case .object(let inner):
                guard case .object(let innerType) = fieldType else { continue }
                var body = ""
                writeObject(inner, type: innerType, version: version, indent: indent + 2, into: &body,
                            insideIgnitionConfig: insideIgnitionConfig || innerType == "IgnitionConfig")
                if body.isEmpty {
                    if case .object(let innerType) = fieldType, innerType == "Ignition" { continue }
                    out += "\(pad)\(name): {}\n"
                    continue
                }
                out += "\(pad)\(name):\n" + body
            case .array(let items):
                out += "\(pad)\(name):\n"
                for item in items {
                    let dash = String(repeating: " ", count: indent + 2) + "- "
                    if case .object(let inner) = item, case .list(.object(let itemType)) = fieldType {
                        if inner.isEmpty { out += dash + "{}\n"; continue }
                        writeObject(inner, type: itemType, version: version, indent: indent + 4, into: &out, firstLinePrefix: dash,
                                    insideIgnitionConfig: insideIgnitionConfig)
                    } else {
                        out += dash + scalar(item, indent: indent + 4, key: nil) + "\n"
                    }
                }
            default:
                out += "\(pad)\(name): \(scalar(value, indent: indent + 2, key: name))\n"
            }
        }
        if first, let firstLinePrefix { out += firstLinePrefix + "{}\n" }
    }

    /// A data URL of UTF-8 text, uncompressed, becomes `inline` (butane turns it back into the same data).
    private static func inlineText(_ pairs: [(String, JSONValue)]) -> [(String, JSONValue)] {
        guard let sourceIndex = pairs.firstIndex(where: { $0.0 == "source" }), case .string(let url) = pairs[sourceIndex].1,
              url.hasPrefix("data:") else { return pairs }
        let compression = pairs.first { $0.0 == "compression" }.map { $0.1 }
        if let compression, compression != .string("") { return pairs }
        guard let bytes = DataURL.decode(url), let text = String(validating: bytes, as: UTF8.self) else { return pairs }
        var result = pairs.filter { $0.0 != "compression" }
        let index = result.firstIndex { $0.0 == "source" }!
        result[index] = ("inline", .string(text))
        return result
    }

    private static func scalar(_ value: JSONValue, indent: Int, key: String?) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let n):
            if key == "mode", n >= 0 { return "0" + String(n, radix: 8) }
            return String(n)
        case .string(let s): return string(s, indent: indent)
        default: return "null"
        }
    }

    /// A literal block for multi-line printable text, else a double-quoted scalar.
    static func string(_ s: String, indent: Int) -> String {
        let utf8 = s.utf8
        // Plain printable ASCII without quotes or backslashes: quoted as it is (the common case).
        if !utf8.contains(where: { $0 < 0x20 || $0 >= 0x7F || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + s + "\""
        }
        let printable = s.unicodeScalars.allSatisfy { c in
            c == "\n" || c == "\t" || (c.value >= 0x20 && c.value != 0x7F && !(0x80...0x9F).contains(c.value)
                && c.value != 0xFEFF && c.value != 0x2028 && c.value != 0x2029)
        }
        if printable && utf8.contains(UInt8(ascii: "\n")) {
            let trailing = utf8.reversed().prefix { $0 == UInt8(ascii: "\n") }.count
            let chomp = trailing == 0 ? "-" : trailing == 1 ? "" : "+"
            let body = utf8.dropLast(trailing)
            let pad = String(repeating: " ", count: indent)
            var lines = body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                .map { $0.isEmpty ? "" : pad + String(decoding: $0, as: UTF8.self) }
            lines += Array(repeating: "", count: max(0, trailing - 1))
            return "|2\(chomp)\n" + lines.joined(separator: "\n")
        }
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if c.value < 0x20 || c.value == 0x7F || (0x80...0x9F).contains(c.value) || c.value == 0xFEFF
                    || c.value == 0x2028 || c.value == 0x2029 {
                    out += String(format: "\\u%04X", c.value)
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }
}
