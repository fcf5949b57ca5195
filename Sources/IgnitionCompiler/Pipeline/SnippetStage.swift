/// Merges each host's Butane snippets over the config igncc generates for it, in order
/// (defaults, roles, host), with Ignition's merge; warns when a snippet replaces a file, link,
/// directory or unit igncc generated; checks every merged config with Ignition's rules.
/// Each snippet is translated once per Butane spec, whatever the number of hosts sharing it.
enum SnippetStage {
    static func run(_ site: inout Site, diagnostics: inout Diagnostics) {
        var translations: [TranslationKey: ConfigNode?] = [:]
        var reported = Set<TranslationKey>()
        for host in site.hosts where !host.butane.isEmpty {
            guard let version = IgnitionSpecVersion(string: host.ignitionVersion.value.rawValue) else { continue }
            let variant: ButaneSpec.Variant = host.os.value == .fcos ? .fcos : .flatcar
            guard let spec = ButaneSpec.find(variant: variant, ignition: version) else {
                for snippet in host.butane {
                    diagnostics.error("no Butane spec of \(variant.rawValue) produces Ignition \(version.string), the ignition_version of host '\(host.name.value)'",
                                      at: snippet.location, notes: [Diagnostic.Note("the host is here", at: host.location)])
                }
                continue
            }
            let generated = IgnitionBackend.generated(for: host, in: site)
            var merged = generated
            var failed = false
            for snippet in host.butane {
                let key = TranslationKey(snippet: snippet.id, spec: spec.version + spec.variant.rawValue)
                if translations[key] == nil {
                    var options = ButaneOptions(filesDirectory: site.baseDirectory)
                    options.refuseUnknownKeys = true
                    let result = Butane.translate(snippet.document, options: options, implied: spec)
                    translations[key] = .some(result.config)
                    if reported.insert(key).inserted {
                        diagnostics.append(contentsOf: result.diagnostics.all)
                    }
                }
                guard let config = translations[key] ?? nil else {
                    failed = true
                    continue
                }
                warnAboutOverrides(config, generated: generated, snippet: snippet, host: host, diagnostics: &diagnostics)
                if let k3s = site.kubernetes?.k3s {
                    refuseK3sFiles(config, k3s: k3s, snippet: snippet, host: host, diagnostics: &diagnostics)
                }
                merged = ConfigMerger.merge(merged, config, version: version)
            }
            guard !failed else { continue }
            merged.modifyObject("ignition") { $0["version"] = .string(version.string, at: host.ignitionVersion.location) }
            for problem in IgnitionValidator(version: version).validate(merged) {
                diagnostics.append(contentsOf: [problem])
            }
            site.mergedConfigs[host.name.value] = merged
        }
    }

    struct TranslationKey: Hashable {
        var snippet: Int
        var spec: String
    }

    /// An error for each file, directory, link or unit of `config` at a path igncc writes for k3s:
    /// that layer is added to the merged config at build time (it holds the token), so a snippet
    /// could neither override it nor be merged with it.
    private static func refuseK3sFiles(_ config: ConfigNode, k3s: K3sSettings, snippet: ButaneSnippet, host: Host,
                                       diagnostics: inout Diagnostics) {
        let reserved = Set(K3sIgnition.reservedPaths(version: k3s.version.value))
        let note = [Diagnostic.Note("igncc writes it for k3s from here; set k3s options in 'kubernetes.k3s.config', 'roles.<role>.k3s' or 'hosts.<host>.k3s'",
                                    at: k3s.location)]
        for list in ["files", "directories", "links"] {
            for node in config["storage"]?[list]?.items ?? [] {
                guard let path = node["path"]?.string, reserved.contains(path) else { continue }
                diagnostics.error("\(snippet.origin.description) writes '\(path)', which igncc writes for k3s on host '\(host.name.value)'",
                                  at: node["path"]?.location ?? snippet.location, notes: note)
            }
        }
        for node in config["systemd"]?["units"]?.items ?? [] {
            guard let name = node["name"]?.string, K3sIgnition.reservedUnits.contains(name) else { continue }
            diagnostics.error("\(snippet.origin.description) configures unit '\(name)', which igncc writes for k3s on host '\(host.name.value)'",
                              at: node["name"]?.location ?? snippet.location, notes: note)
        }
    }

    /// A warning for each file, directory, link or unit of `config` that igncc also generates.
    private static func warnAboutOverrides(_ config: ConfigNode, generated: ConfigNode, snippet: ButaneSnippet, host: Host,
                                           diagnostics: inout Diagnostics) {
        var ours: [String: SourceLocation?] = [:]
        for list in ["files", "directories", "links"] {
            for node in generated["storage"]?[list]?.items ?? [] {
                if let path = node["path"]?.string { ours[path] = node.location }
            }
        }
        for list in ["files", "directories", "links"] {
            for node in config["storage"]?[list]?.items ?? [] {
                guard let path = node["path"]?.string, let origin = ours[path] else { continue }
                diagnostics.warning("\(snippet.origin.description) replaces '\(path)', which igncc generates for host '\(host.name.value)'",
                                    at: node["path"]?.location ?? snippet.location,
                                    notes: [Diagnostic.Note("igncc generates it from here", at: origin)])
            }
        }
    }
}
