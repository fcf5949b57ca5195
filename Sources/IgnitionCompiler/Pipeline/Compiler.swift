import Foundation

/// What `igncc build` can produce. Later backends add cases.
public enum BuildTarget: String, CaseIterable, Sendable {
    case ignition
    case network
    /// `out/butane/<host>.bu`: each host's whole config as a Butane document.
    case butane
}

public struct BuildOptions: Sendable {
    public var targets: [BuildTarget]
    public var pretty: Bool

    public init(targets: [BuildTarget] = BuildTarget.allCases, pretty: Bool = false) {
        self.targets = targets
        self.pretty = pretty
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
    public static func load(path: String, displayName: String? = nil) -> LoadedSite {
        let name = displayName ?? path
        guard let data = FileManager.default.contents(atPath: path) else {
            var diagnostics = Diagnostics()
            diagnostics.error("cannot read site file '\(path)'", at: nil)
            return LoadedSite(site: nil, diagnostics: diagnostics, sources: [:])
        }
        let directory = (path as NSString).deletingLastPathComponent
        return load(bytes: [UInt8](data), displayName: name, baseDirectory: directory.isEmpty ? "." : directory)
    }

    /// Decodes and validates site text already in memory.
    public static func load(bytes: [UInt8], displayName: String, baseDirectory: String = ".") -> LoadedSite {
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
            if !diagnostics.hasErrors {
                SnippetStage.run(&checked, diagnostics: &diagnostics)
                site = checked
            }
        }
        return LoadedSite(site: site, diagnostics: diagnostics, sources: sources)
    }

    /// Problems a site has only for some targets: a host no Butane spec can express is an error
    /// when `butane` is asked for by name, a warning (the host is left out) when building everything.
    public static func check(_ site: Site, targets: [BuildTarget], explicit: Bool) -> Diagnostics {
        var diagnostics = Diagnostics()
        if targets.contains(.butane) {
            for host in ButaneBackend.inexpressible(in: site) {
                let message = "no Butane spec of flatcar produces Ignition \(host.ignitionVersion.value.rawValue): out/butane has no file for host '\(host.name.value)'"
                if explicit {
                    diagnostics.error(message, at: host.ignitionVersion.location)
                } else {
                    diagnostics.warning(message, at: host.ignitionVersion.location)
                }
            }
        }
        return diagnostics
    }

    /// Every output file of the selected targets, plus `SHA512SUMS` over them, in path order.
    public static func build(_ site: Site, options: BuildOptions = BuildOptions()) -> [OutputFile] {
        var files: [OutputFile] = []
        for target in BuildTarget.allCases where options.targets.contains(target) {
            switch target {
            case .ignition: files += IgnitionBackend.files(for: site, style: options.pretty ? .pretty : .compact)
            case .network: files += NetworkBackend.files(for: site)
            case .butane: files += ButaneBackend.files(for: site)
            }
        }
        files.sort { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }
        files.append(Checksums.file(for: files))
        return files
    }
}
