/// `systemd.quadlets` (Butane base v0_8: fcos 1.8.0-experimental, flatcar 1.2.0-experimental):
/// Podman Quadlet files written under /etc/containers/systemd, as butane v0.29.0 writes them.
extension ButaneTranslator {
    private static let quadletExtensions = [".container", ".volume", ".network", ".kube", ".image", ".build", ".pod", ".artifact"]

    /// `Quadlet.Validate` and the drop-ins' `Dropin.Validate`.
    mutating func checkQuadlets() {
        for quadlet in source["systemd"]?["quadlets"]?.items ?? [] {
            let name = quadlet["name"]?.string ?? ""
            guard Self.quadletExtensions.contains(where: name.hasSuffix) else {
                diagnostics.error("unsupported file extension for quadlet: must be one of .container, .volume, .network, .kube, .image, .build, .pod, or .artifact",
                                  at: quadlet["name"]?.location ?? quadlet.location)
                continue
            }
            if Self.template(ofInstance: name) != nil {
                // An instance is a link to its template: it has no contents of its own.
                for key in ["contents", "contents_local"] {
                    if let node = quadlet[key] {
                        diagnostics.error("template instances cannot have contents or contents_local", at: node.location)
                    }
                }
            } else if quadlet["contents"] != nil, let local = quadlet["contents_local"] {
                diagnostics.error("only one of the following can be set: contents, contents_local", at: local.location)
            }
            for dropin in quadlet["dropins"]?.items ?? [] {
                if dropin["contents"] != nil, let local = dropin["contents_local"] {
                    diagnostics.error("only one of the following can be set: contents, contents_local", at: local.location)
                }
            }
        }
    }

    /// `foo@.container` for `foo@bar.container`; nil for a template or a plain quadlet.
    static func template(ofInstance name: String) -> String? {
        let bytes = Array(name.utf8)
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")), let dot = bytes.lastIndex(of: UInt8(ascii: ".")),
              at + 1 != dot else { return nil }
        let base = String(decoding: bytes[..<at], as: UTF8.self)
        let ext = String(decoding: bytes[(dot + 1)...], as: UTF8.self)
        return "\(base)@.\(ext)"
    }

    /// Where a quadlet goes: /etc/containers/systemd for a rootful one, its users/ folder otherwise.
    static func quadletPath(_ name: String, rootful: Bool) -> String {
        GoPath.join(rootful ? "/etc/containers/systemd" : "/etc/containers/systemd/users", name)
    }

    /// Each quadlet becomes a file (mode 0644) with its contents, or for a template instance a
    /// link to the template; each drop-in a file in `<quadlet>.d/`. A path the config (or a tree)
    /// already has is an error.
    mutating func processQuadlets(into config: inout ConfigNode) {
        let quadlets = source["systemd"]?["quadlets"]?.items ?? []
        guard !quadlets.isEmpty else { return }
        var storage = config["storage"] ?? .object()
        var files = storage["files"]?.items ?? []
        var links = storage["links"]?.items ?? []
        var taken = Set((files + links + (storage["directories"]?.items ?? [])).compactMap { $0["path"]?.string })
        for quadlet in quadlets {
            let name = quadlet["name"]?.string ?? ""
            let rootful = quadlet["rootful"]?.bool ?? false
            let path = Self.quadletPath(name, rootful: rootful)
            if let template = Self.template(ofInstance: name) {
                if !taken.insert(path).inserted {
                    diagnostics.error("matching filesystem node has existing contents or different type", at: quadlet.location)
                } else {
                    var link = ConfigNode.object(at: quadlet.location)
                    link["path"] = .string(path, at: quadlet["name"]?.location)
                    link["target"] = .string(template, at: quadlet.location)
                    links.append(link)
                }
            } else if let file = quadletFile(quadlet, at: path, taken: &taken) {
                files.append(file)
            }
            for dropin in quadlet["dropins"]?.items ?? [] {
                let dropinPath = path + ".d/" + (dropin["name"]?.string ?? "")
                if let file = quadletFile(dropin, at: dropinPath, taken: &taken) { files.append(file) }
            }
        }
        if !files.isEmpty { storage["files"] = .list(files) }
        if !links.isEmpty { storage["links"] = .list(links) }
        config["storage"] = storage
    }

    /// `addFileWithContents`: a file at `path` with the quadlet's or drop-in's `contents` or
    /// `contents_local`; nil (and an error) when the path is taken or the local file unreadable.
    private mutating func quadletFile(_ node: ConfigNode, at path: String, taken: inout Set<String>) -> ConfigNode? {
        guard taken.insert(path).inserted else {
            diagnostics.error("matching filesystem node has existing contents or different type", at: node.location)
            return nil
        }
        var bytes: [UInt8] = []
        var location = node.location
        if let local = node["contents_local"], let name = local.string, !name.isEmpty {
            guard let read = readLocal(name, at: local.location) else { return nil }
            bytes = read
            location = local.location
        }
        if let inline = node["contents"], let text = inline.string, !text.isEmpty {
            bytes = Array(text.utf8)
            location = inline.location
        }
        let (url, compression) = Self.dataURL(bytes, compression: nil)
        var contents = ConfigNode.object(at: location)
        contents["source"] = .string(url, at: location)
        if let compression { contents["compression"] = .string(compression, at: location) }
        var file = ConfigNode.object(at: node.location)
        file["path"] = .string(path, at: node["name"]?.location ?? node.location)
        file["contents"] = contents
        file["mode"] = .int(0o644, at: node.location)
        return file
    }
}
