import Foundation

/// What `igncc build` can produce; each is one `Backend`.
public enum BuildTarget: String, CaseIterable, Sendable {
    /// `out/ignition/<host>.ign`.
    case ignition
    /// `out/network/<host>/`: NetworkManager keyfiles or systemd-networkd units.
    case network
    /// `out/butane/<host>.bu`: each host's whole config as a Butane document.
    case butane
    /// `out/kubespray/`: inventory.ini, group_vars and host_vars (InventoryGen).
    case kubespray
    /// `out/k3s/README.txt`: a k3s site's servers, agents, join URL and admin kubeconfig steps.
    case k3s
    /// `out/bind/`: forward and reverse zones and named.conf.zones (InventoryGen).
    case bindZone = "bind-zone"
    /// `out/libvirt/`: network and domain XML and lab.sh (InventoryGen).
    case libvirt
    /// `out/dnsmasq/<site>.conf`: DHCP and PXE for the networks with a `dhcp` section (InventoryGen).
    case dnsmasq
    /// `out/kea/kea-dhcp4.json`: the same as a Kea DHCPv4 server configuration (InventoryGen).
    case kea
    /// `out/install/`: the host index `igncc serve` reads, and per-host install commands and iPXE
    /// scripts that pin each Ignition config's hash. Built with `ignition`, whose files it hashes.
    case install
}

public struct BuildOptions: Sendable {
    public var targets: [BuildTarget]
    public var pretty: Bool
    /// The day zone serials are made from.
    public var date: BuildDate
    /// The tree this build replaces, if any: zone serials continue from it.
    public var previousOutput: String?
    /// What that tree remembers (the last serial of each zone it ever held).
    public var treeState: TreeState
    /// A k3s site's token and k3s's URLs and hashes (`K3sBuildInputs.gather`); required to build
    /// the `ignition` or `butane` target of a k3s site.
    public var k3s: K3sBuildInputs?

    public init(targets: [BuildTarget] = BuildTarget.allCases, pretty: Bool = false,
                date: BuildDate = .today(), previousOutput: String? = nil, treeState: TreeState = TreeState(),
                k3s: K3sBuildInputs? = nil) {
        self.targets = targets
        self.pretty = pretty
        self.date = date
        self.previousOutput = previousOutput
        self.treeState = treeState
        self.k3s = k3s
    }

    /// The last serial the tree held for the zone file at `zoneFile` (`bind/db.example.org`),
    /// even if the zone has since left the tree.
    public func previousSerial(zoneFile: String) -> UInt32? {
        treeState.zoneSerials[zoneFile]
    }

    /// The bytes of `relativePath` in the previous tree, if it was written by igncc.
    public func previousFile(_ relativePath: String) -> [UInt8]? {
        guard let root = previousOutput,
              FileManager.default.fileExists(atPath: root + "/" + OutputDirectory.markerName),
              let data = FileManager.default.contents(atPath: root + "/" + relativePath) else { return nil }
        return [UInt8](data)
    }
}

/// The result of reading and checking a site file.
public struct LoadedSite: Sendable {
    /// The checked IR; nil when the front-end could not build one.
    public var site: Site?
    public var diagnostics: Diagnostics
    /// Source texts by file name, for caret snippets.
    public var sources: [String: String]

    /// A site that backends may compile: built and free of errors.
    public var compilable: Site? { diagnostics.hasErrors ? nil : site }
}

/// The pipeline: site file → YAML nodes → `Site` IR → validation → backends → output files.
public enum Compiler {
    /// Reads, decodes and validates a site file. `displayName` is how diagnostics name it.
    /// The backends of this module, in `BuildTarget` order; InventoryGen adds its own.
    public static let coreBackends: [any Backend] = [IgnitionTarget(), NetworkTarget(), ButaneTarget(), K3sTarget(), InstallTarget()]

    public static func load(path: String, displayName: String? = nil, backends: [any Backend] = coreBackends) -> LoadedSite {
        let name = displayName ?? path
        var diagnostics = Diagnostics()
        let limit = YAMLLimits().maxInputBytes
        switch BoundedFile.read(path, limit: limit) {
        case .unreadable(let code):
            diagnostics.error("cannot read site file '\(path)': \(SystemError.text(code))", at: nil)
        case .tooLarge(let size):
            diagnostics.error(BoundedFile.tooLargeMessage(size, limit: limit), at: SourceLocation(file: name, line: 1, column: 1))
        case .bytes(let bytes):
            let directory = (path as NSString).deletingLastPathComponent
            return load(bytes: bytes, displayName: name, baseDirectory: directory.isEmpty ? "." : directory,
                        backends: backends)
        }
        return LoadedSite(site: nil, diagnostics: diagnostics, sources: [:])
    }

    /// Decodes and validates site text already in memory.
    public static func load(bytes: [UInt8], displayName: String, baseDirectory: String = ".",
                            backends: [any Backend] = coreBackends) -> LoadedSite {
        var diagnostics = Diagnostics()
        var sources = [displayName: String(decoding: bytes, as: UTF8.self)]
        guard let root = YAMLParser().parse(bytes, file: displayName, diagnostics: &diagnostics) else {
            return LoadedSite(site: nil, diagnostics: diagnostics, sources: sources)
        }
        var decoder = SiteDecoder(baseDirectory: baseDirectory, source: sources[displayName] ?? "")
        var site = decoder.decode(root)
        diagnostics.append(contentsOf: decoder.diagnostics.all)
        sources.merge(decoder.extraSources) { a, _ in a }
        if var checked = site {
            var validator = SiteValidator(site: checked)
            validator.run()
            diagnostics.append(contentsOf: validator.diagnostics.all)
            for backend in backends { backend.validate(checked, into: &diagnostics) }
            if !diagnostics.hasErrors {
                SnippetStage.run(&checked, diagnostics: &diagnostics)
                site = checked
            }
        }
        return LoadedSite(site: site, diagnostics: diagnostics, sources: sources)
    }

    /// Problems a site has only for some targets (see `Backend.check`); `output` is the directory
    /// a build writes (nil for `igncc check`).
    public static func check(_ site: Site, targets: [BuildTarget], explicit: Bool, output: String? = nil,
                             backends: [any Backend] = coreBackends) -> Diagnostics {
        var diagnostics = Diagnostics()
        for backend in backends where targets.contains(backend.target) {
            backend.check(site, explicit: explicit, output: output, into: &diagnostics)
        }
        return diagnostics
    }

    /// Every output file of the selected targets, plus `SHA512SUMS` over them, in path order.
    public static func build(_ site: Site, options: BuildOptions = BuildOptions(),
                             backends: [any Backend] = coreBackends) -> [OutputFile] {
        var files = targetFiles(site, options: options, backends: backends)
        files.append(Checksums.file(for: files))
        return files
    }

    /// Every output file of the selected targets, in path order.
    static func targetFiles(_ site: Site, options: BuildOptions, backends: [any Backend]) -> [OutputFile] {
        // Each host's config is made once (the Ignition and Butane backends both write it).
        var site = site
        if options.targets.contains(.ignition) || options.targets.contains(.butane) {
            // A k3s node's config without k3s would install nothing: the driver gathers the inputs.
            precondition(!site.isK3s || options.k3s != nil, "a k3s site's hosts are built with K3sBuildInputs")
            let missing = site.hosts.filter { site.mergedConfigs[$0.name.value] == nil }
            let frozen = site
            let configs = Parallel.chunkedMap(missing) { IgnitionBackend.generated(for: $0, in: frozen) }
            for (host, config) in zip(missing, configs) { site.mergedConfigs[host.name.value] = config }
        }
        // The backends are independent: each runs on its own thread; their files are put in order below.
        let selected = backends.filter { options.targets.contains($0.target) && !($0 is any DerivedBackend) }
        var files = Parallel.map(selected) { $0.files(for: site, options: options) }.flatMap { $0 }
        // Backends that describe other backends' files (hashes, URLs) see them all.
        let primary = files
        for case let backend as any DerivedBackend in backends where options.targets.contains(backend.target) {
            files += backend.files(for: site, options: options, from: primary)
        }
        files.sort { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }
        return files
    }
}
