/// Ignition configs, one per host: hostname, SSH keys, time zone and the host's network files,
/// with the host's Butane snippets merged over them (see `SnippetStage`).
enum IgnitionBackend {
    static func files(for site: Site, style: JanssonWriter.Style, k3s: K3sBuildInputs? = nil) -> [OutputFile] {
        Parallel.chunkedMap(site.hosts) { host in
            var config = site.mergedConfigs[host.name.value] ?? generated(for: host, in: site)
            if let k3s { K3sIgnition.add(to: &config, host: host, site: site, inputs: k3s) }
            let version = IgnitionSpecVersion(string: host.ignitionVersion.value.rawValue) ?? .v3_4
            // 0600, as butane/ and network/: snippets may bring password hashes, keys and files.
            // libvirt/lab.sh copies the config it hands to a VM and makes that copy readable.
            return OutputFile("ignition/\(host.name.value).ign",
                              contents: JanssonWriter.render(ConfigRenderer.json(config, version: version), style: style),
                              mode: 0o600)
        }
    }

    /// What igncc itself writes for `host`. Values are located at the site.yaml entries they come
    /// from, so a snippet that overrides one can be told where it was generated.
    static func generated(for host: Host, in site: Site) -> ConfigNode {
        var root = ConfigNode.object()
        root["ignition"] = .object([ConfigEntry(key: "version", keyLocation: nil,
                                                node: .string(host.ignitionVersion.value.rawValue, at: host.ignitionVersion.location))])

        var user = ConfigNode.object(at: host.user.location)
        user["name"] = .string(host.user.value, at: host.user.location)
        if let groups = adminGroups(of: host) {
            user["groups"] = .list(groups.map { .string($0, at: host.user.location) })
        }
        let keys = host.sshAuthorizedKeys.map { ConfigNode.string($0.value.trimmingWhitespace(), at: $0.location) }
        if !keys.isEmpty { user["sshAuthorizedKeys"] = .list(keys) }
        root["passwd"] = .object([ConfigEntry(key: "users", keyLocation: nil, node: .list([user]))])

        var files = [file("/etc/hostname", contents: Array("\(host.name.value)\n".utf8), mode: 0o644, at: host.location)]
        for networkFile in HostNetworkFiles.files(for: host, in: site) {
            files.append(file(networkFile.targetPath, contents: Array(networkFile.document.render().utf8),
                              mode: Int(networkFile.targetMode), at: networkFile.location))
        }
        var storage = ConfigNode.object()
        storage["files"] = .list(files)
        if let timezone = host.timezone {
            storage["links"] = .list([link("/etc/localtime", to: "../usr/share/zoneinfo/\(timezone.value)", at: timezone.location)])
        }
        root["storage"] = storage
        return root
    }

    /// The groups a login user other than the distribution's own joins: those `core` is in, so
    /// that Kubespray's `become` works without a password. On both systems it is the `sudo` group
    /// that grants passwordless sudo (Fedora CoreOS: /etc/sudoers.d/coreos-sudo-group; Flatcar:
    /// its baselayout sudoers); `%wheel` asks for a password, and the user has none. `core` is in
    /// them already, and `root` needs none (it is in no group by Ignition's hand).
    static func adminGroups(of host: Host) -> [String]? {
        guard host.user.value != "core" && host.user.value != "root" else { return nil }
        switch host.os.value {
        case .fcos: return ["adm", "sudo", "systemd-journal", "wheel"]
        case .flatcar: return ["docker", "sudo", "systemd-journal", "wheel"]
        }
    }

    /// A file node that replaces whatever is at `path`, with the contents as a data URL.
    /// A symbolic link igncc writes: replaces what is at `path` (the images have some of them).
    static func link(_ path: String, to target: String, at location: SourceLocation?) -> ConfigNode {
        var node = ConfigNode.object(at: location)
        node["path"] = .string(path, at: location)
        node["overwrite"] = .bool(true, at: location)
        node["target"] = .string(target, at: location)
        node["hard"] = .bool(false, at: location)
        return node
    }

    static func file(_ path: String, contents: [UInt8], mode: Int, at location: SourceLocation?) -> ConfigNode {
        var node = ConfigNode.object(at: location)
        node["path"] = .string(path, at: location)
        node["overwrite"] = .bool(true, at: location)
        node["contents"] = .object([ConfigEntry(key: "source", keyLocation: nil, node: .string(DataURL.encode(contents), at: location))],
                                   at: location)
        node["mode"] = .int(mode, at: location)
        return node
    }
}
