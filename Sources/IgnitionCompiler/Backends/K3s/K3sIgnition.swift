/// What a k3s node's Ignition config gains: its config.yaml and the cluster token (both 0600),
/// k3s itself fetched with its hash checked, and the unit that runs it.
///
/// Fedora CoreOS: the binary at `/usr/local/bin/k3s` (0755) and igncc's unit (`K3sUnits`).
/// Flatcar: the system extension as Flatcar's sysext bakery lays it out — the image in
/// `/opt/extensions/k3s/`, linked from `/etc/extensions/k3s.raw` — and its own unit enabled by a
/// `multi-user.target.wants` link, as the bakery's docs/k3s.md does: Ignition's `enabled` is a
/// systemd preset, applied at first boot before systemd-sysext has merged the unit, so it would
/// enable nothing (Flatcar's ensure-sysext.service then starts what the target wants).
enum K3sIgnition {
    /// Where a node fetches k3s from and the SHA-256 it must have.
    struct Artifact: Equatable {
        var url: String
        var sha256: String
    }

    static func sysextPath(version: String) -> String { "/opt/extensions/k3s/k3s-\(version)-x86-64.raw" }
    static let sysextLink = "/etc/extensions/k3s.raw"
    /// Where the bakery's k3s extension ships `k3s.service` and `k3s-agent.service`.
    static let sysextUnitDirectory = "/usr/local/lib/systemd/system"

    /// The default URLs under `serve.base_url`, as `igncc serve --assets` serves them.
    static func defaultPath(_ os: OperatingSystem, version: String) -> String {
        switch os {
        case .fcos: return "assets/k3s/\(version)/k3s"
        case .flatcar: return "assets/k3s/k3s-\(version)-x86-64.raw"
        }
    }

    /// Adds `host`'s k3s layer, from the build's inputs (the artifact of the host's OS).
    static func add(to config: inout ConfigNode, host: Host, site: Site, inputs: K3sBuildInputs) {
        guard let artifact = inputs.artifact(for: host.os.value) else {
            preconditionFailure("K3sBuildInputs.gather resolves an artifact for every OS the hosts run")
        }
        add(to: &config, host: host, site: site, token: inputs.token, artifact: artifact)
    }

    /// The paths and units igncc writes for a k3s node (whatever its OS and kind): a snippet may
    /// not write them too, as the layer is added after the snippets are merged.
    static func reservedPaths(version: String) -> [String] {
        [K3sNodeConfig.configPath, K3sNodeConfig.tokenPath, K3sUnits.binaryPath, sysextPath(version: version), sysextLink,
         K3sKubeVIP.manifestPath] + reservedUnits.map(wantsLink)
    }
    static let reservedUnits = [K3sUnits.name(.server), K3sUnits.name(.agent)]

    /// The link that enables `unit` on Flatcar, where the extension brings the unit.
    static func wantsLink(_ unit: String) -> String { "/etc/systemd/system/multi-user.target.wants/" + unit }

    /// `config` (rendered JSON) with the token file's contents named by `local` instead of given:
    /// how the Butane document refers to the token file.
    static func namingTokenFile(_ config: JSONValue, local: String) -> JSONValue {
        func replacing(_ value: JSONValue, at path: [String], _ change: (JSONValue) -> JSONValue) -> JSONValue {
            guard let key = path.first else { return change(value) }
            switch value {
            case .object(let pairs):
                return .object(pairs.map { $0.0 == key ? ($0.0, replacing($0.1, at: Array(path.dropFirst()), change)) : $0 })
            default:
                return value
            }
        }
        return replacing(config, at: ["storage", "files"]) { files in
            guard case .array(let items) = files else { return files }
            return .array(items.map { item in
                guard case .object(let pairs) = item, pairs.contains(where: { $0.0 == "path" && $0.1 == .string(K3sNodeConfig.tokenPath) }) else {
                    return item
                }
                return replacing(item, at: ["contents"]) { contents in
                    guard case .object(let fields) = contents else { return contents }
                    return .object(fields.map { $0.0 == "source" ? ("local", .string(local)) : $0 })
                }
            })
        }
    }

    /// Adds `host`'s k3s files and unit to `config`; nothing when the site is not a k3s one.
    static func add(to config: inout ConfigNode, host: Host, site: Site, token: String, artifact: Artifact) {
        guard let node = K3sNodeConfig(host: host, in: site), let k3s = site.kubernetes?.k3s else { return }
        let at = k3s.location
        var files = [
            IgnitionBackend.file(K3sNodeConfig.configPath, contents: node.render(), mode: 0o600, at: at),
            IgnitionBackend.file(K3sNodeConfig.tokenPath, contents: Array((token + "\n").utf8), mode: 0o600, at: at),
        ]
        let unitName = K3sUnits.name(node.kind)
        // A server holds the API VIP with kube-vip, which k3s applies from its manifests directory.
        if let manifest = K3sKubeVIP.manifest(for: host, in: site) {
            files.append(IgnitionBackend.file(K3sKubeVIP.manifestPath, contents: Array(manifest.utf8), mode: 0o600, at: at))
        }
        switch host.os.value {
        case .fcos:
            files.append(remote(K3sUnits.binaryPath, artifact, mode: 0o755, at: at))
            var unit = ConfigNode.object(at: at)
            unit["name"] = .string(unitName, at: at)
            unit["enabled"] = .bool(true, at: at)
            unit["contents"] = .string(K3sUnits.contents(node.kind), at: at)
            config.modifyObject("storage") { $0.modifyList("files") { $0 += files } }
            config.modifyObject("systemd") { $0.modifyList("units") { $0.append(unit) } }
        case .flatcar:
            let image = sysextPath(version: k3s.version.value)
            files.append(remote(image, artifact, mode: 0o644, at: at))
            let links = [
                IgnitionBackend.link(sysextLink, to: image, at: at),
                IgnitionBackend.link(wantsLink(unitName), to: sysextUnitDirectory + "/" + unitName, at: at),
            ]
            config.modifyObject("storage") { storage in
                storage.modifyList("files") { $0 += files }
                storage.modifyList("links") { $0 += links }
            }
        }
    }

    private static func remote(_ path: String, _ artifact: Artifact, mode: Int, at location: SourceLocation) -> ConfigNode {
        var node = ConfigNode.object(at: location)
        node["path"] = .string(path, at: location)
        node["overwrite"] = .bool(true, at: location)
        var contents = ConfigNode.object(at: location)
        contents["source"] = .string(artifact.url, at: location)
        var verification = ConfigNode.object(at: location)
        verification["hash"] = .string("sha256-" + artifact.sha256, at: location)
        contents["verification"] = verification
        node["contents"] = contents
        node["mode"] = .int(mode, at: location)
        return node
    }
}
