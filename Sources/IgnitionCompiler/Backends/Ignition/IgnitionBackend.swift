/// Ignition configs, one per host: hostname, SSH keys, time zone and the host's network files.
enum IgnitionBackend {
    static func files(for site: Site, style: JanssonWriter.Style) -> [OutputFile] {
        site.hosts.map { host in
            OutputFile("ignition/\(host.name.value).ign",
                       contents: JanssonWriter.render(config(for: host, in: site).value, style: style),
                       mode: 0o644)
        }
    }

    static func config(for host: Host, in site: Site) -> JSONObject {
        var root = JSONObject()
        var ignition = JSONObject()
        ignition.set("version", .string(host.ignitionVersion.value.rawValue))
        root.set("ignition", ignition.value)

        var user = JSONObject()
        user.set("name", .string(host.user.value))
        if host.user.value != "core" {
            // The distributions' `core` already has sudo; a new user gets the group that grants it.
            let groups = host.os.value == .fcos ? ["wheel"] : ["sudo", "docker"]
            user.set("groups", .array(groups.map(JSONValue.string)))
        }
        user.set("sshAuthorizedKeys", nonEmpty: host.sshAuthorizedKeys.map { .string($0.value.trimmingWhitespace()) })
        var passwd = JSONObject()
        passwd.set("users", .array([user.value]))
        root.set("passwd", passwd.value)

        var files: [JSONValue] = [file("/etc/hostname", contents: Array("\(host.name.value)\n".utf8), mode: 0o644)]
        for networkFile in HostNetworkFiles.files(for: host, in: site) {
            files.append(file(networkFile.targetPath, contents: Array(networkFile.document.render().utf8),
                              mode: Int(networkFile.targetMode)))
        }
        var storage = JSONObject()
        storage.set("files", .array(files))
        if let timezone = host.timezone {
            var link = JSONObject()
            link.set("path", .string("/etc/localtime"))
            link.set("overwrite", .bool(true))
            link.set("target", .string("../usr/share/zoneinfo/\(timezone.value)"))
            link.set("hard", .bool(false))
            storage.set("links", .array([link.value]))
        }
        root.set("storage", storage.value)
        return root
    }

    /// A file node that replaces whatever is at `path`, with the contents as a data URL.
    static func file(_ path: String, contents: [UInt8], mode: Int) -> JSONValue {
        var node = JSONObject()
        node.set("path", .string(path))
        node.set("overwrite", .bool(true))
        var source = JSONObject()
        source.set("source", .string(DataURL.encode(contents)))
        node.set("contents", source.value)
        node.set("mode", .int(mode))
        return node.value
    }
}
