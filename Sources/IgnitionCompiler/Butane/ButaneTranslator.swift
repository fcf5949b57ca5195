import Foundation

/// Options of a Butane translation, as the butane CLI has them.
public struct ButaneOptions: Sendable {
    /// Warnings fail the translation.
    public var strict = false
    /// The directory `local`, `contents_local`, `ssh_authorized_keys_local` and `trees` read from.
    public var filesDirectory: String?
    /// The bare Ignition config of an openshift spec, not a MachineConfig (`-r/--raw`).
    public var raw = false
    /// Unknown keys are errors with a suggestion, not butane's warnings: site.yaml's snippets,
    /// where a misspelt key (`contnets:`) would silently leave its value out.
    package var refuseUnknownKeys = false

    public init(strict: Bool = false, filesDirectory: String? = nil, raw: Bool = false) {
        self.strict = strict
        self.filesDirectory = filesDirectory
        self.raw = raw
    }
}

/// The outcome of translating one Butane document.
public struct ButaneResult: Sendable {
    /// The Ignition config; nil when an error was found.
    package var config: ConfigNode?
    package var spec: ButaneSpec?
    public var diagnostics: Diagnostics
    /// The MachineConfig an openshift spec writes (nil when raw, or for another variant).
    package var machineConfig: MachineConfig?

    package init(config: ConfigNode?, spec: ButaneSpec?, diagnostics: Diagnostics, machineConfig: MachineConfig? = nil) {
        self.config = config
        self.spec = spec
        self.diagnostics = diagnostics
        self.machineConfig = machineConfig
    }

    /// The Ignition JSON, when the translation succeeded.
    public func json(pretty: Bool = false) -> [UInt8]? {
        guard let config, let spec, !diagnostics.hasErrors else { return nil }
        return JanssonWriter.render(ConfigRenderer.json(config, version: spec.ignition), style: pretty ? .pretty : .compact)
    }

    /// What butane writes: the MachineConfig YAML of an openshift spec, else the Ignition JSON.
    public func output(pretty: Bool = false) -> [UInt8]? {
        guard !diagnostics.hasErrors else { return nil }
        if let machineConfig { return machineConfig.yaml }
        return json(pretty: pretty)
    }

    /// Whether `output` is a MachineConfig (YAML), not an Ignition config.
    public var isMachineConfig: Bool { machineConfig != nil }
}

/// Butane → Ignition, as the butane tool does it: read the document against the spec's schema,
/// check butane's own rules, expand the sugar (inline/local resources, local unit contents and SSH
/// keys, trees, mount units, boot_device, grub), lay the user's config over what the sugar
/// generated with Ignition's merge, and check the result with Ignition's rules.
public enum Butane {
    public static func translate(bytes: [UInt8], file: String, options: ButaneOptions = ButaneOptions()) -> ButaneResult {
        var diagnostics = Diagnostics()
        var parser = YAMLParser()
        parser.firstDocumentOnly = true
        parser.requireYAML11 = true
        guard let root = parser.parse(bytes, file: file, diagnostics: &diagnostics) else {
            return ButaneResult(config: nil, spec: nil, diagnostics: diagnostics)
        }
        return translate(root, options: options, diagnostics: diagnostics)
    }

    /// Translates a parsed document. `implied` supplies the spec when the document names neither
    /// variant nor version (site.yaml snippets); when it names them, they must match it.
    package static func translate(_ root: YAMLNode, options: ButaneOptions, implied: ButaneSpec? = nil,
                                  diagnostics initial: Diagnostics = Diagnostics()) -> ButaneResult {
        var diagnostics = initial
        guard let spec = resolveSpec(root, implied: implied, diagnostics: &diagnostics) else {
            return ButaneResult(config: nil, spec: nil, diagnostics: diagnostics)
        }
        var reader = ConfigReader(dialect: .butane(spec))
        reader.refuseUnknownKeys = options.refuseUnknownKeys
        let source = reader.read(root, as: "Config")
        diagnostics.append(contentsOf: reader.diagnostics.all)
        // Fields of another spec are left out of the source, as butane leaves them out: the
        // rest is still checked, so that every problem is reported at once.
        if diagnostics.all.filter({ $0.severity == .error }).count > reader.otherSpecFields {
            return ButaneResult(config: nil, spec: spec, diagnostics: finish(diagnostics, options))
        }
        let blocked = diagnostics.hasErrors
        var translator = ButaneTranslator(spec: spec, options: options, source: source)
        translator.checkSource()
        var config = translator.translate()
        var machineConfig = spec.variant == .openshift ? translator.finishOpenShift(&config) : nil
        diagnostics.append(contentsOf: translator.diagnostics.all)
        if diagnostics.all.filter({ $0.severity == .error }).count == reader.otherSpecFields {
            diagnostics.append(contentsOf: IgnitionValidator(version: spec.ignition).validate(config))
        }
        if blocked || diagnostics.hasErrors { return ButaneResult(config: nil, spec: spec, diagnostics: finish(diagnostics, options)) }
        machineConfig?.config = ConfigRenderer.json(config, version: spec.ignition)
        return ButaneResult(config: config, spec: spec, diagnostics: finish(diagnostics, options),
                            machineConfig: options.raw ? nil : machineConfig)
    }

    /// With `strict`, warnings are errors.
    private static func finish(_ diagnostics: Diagnostics, _ options: ButaneOptions) -> Diagnostics {
        guard options.strict else { return diagnostics }
        var strict = Diagnostics()
        strict.append(contentsOf: diagnostics.all.map { d in
            var d = d
            d.severity = .error
            return d
        })
        return strict
    }

    /// A string field's value as yaml.v3 gives it: nil when null; `!!binary` decoded; a tag that
    /// does not fit the text reported.
    private static func text(of node: YAMLNode, diagnostics: inout Diagnostics) -> String? {
        guard let text = node.scalar, !node.isNull else { return nil }
        do {
            switch try ConfigReader.resolveTagged(node) {
            case .null?: return nil
            case .binary(let bytes)?: return GoString.decode(bytes)
            default: return text
            }
        } catch {
            if case .mismatch(let message) = error { diagnostics.error(message, at: node.location) }
            return nil
        }
    }

    private static func resolveSpec(_ root: YAMLNode, implied: ButaneSpec?, diagnostics: inout Diagnostics) -> ButaneSpec? {
        guard case .mapping(let pairs) = root.kind else {
            diagnostics.error("expected a mapping at the top of a Butane config, found \(root.kindDescription)", at: root.location)
            return nil
        }
        let variantNode = pairs.first { $0.key.scalar == "variant" }?.value
        let versionNode = pairs.first { $0.key.scalar == "version" }?.value
        if let implied, variantNode == nil, versionNode == nil { return implied }
        guard let variantNode, let variant = text(of: variantNode, diagnostics: &diagnostics) else {
            diagnostics.error("error parsing variant; must be specified", at: variantNode?.location ?? root.location)
            return nil
        }
        guard let versionNode, let version = text(of: versionNode, diagnostics: &diagnostics) else {
            diagnostics.error("error parsing version; must be a valid semver", at: versionNode?.location ?? root.location)
            return nil
        }
        if variant == "rhcos" {
            diagnostics.error("rhcos variant has been removed; use openshift variant instead: https://coreos.github.io/butane/upgrading-openshift/",
                              at: variantNode.location)
            return nil
        }
        guard let semver = ValidationRun.semver(version) else {
            diagnostics.error("error parsing version; must be a valid semver", at: versionNode.location)
            return nil
        }
        // go-semver reads 1.05.0 as 1.5.0.
        let suffix = version.drop { $0 != "-" && $0 != "+" }
        let normalized = semver.numbers.map(String.init).joined(separator: ".") + suffix
        guard let spec = ButaneSpec.find(variant: variant, version: normalized) else {
            var known: [String] = []
            for spec in ButaneSpec.all {
                if let last = known.last, last.hasPrefix(spec.variant.rawValue + " ") {
                    known[known.count - 1] += ", " + spec.version
                } else {
                    known.append(spec.name)
                }
            }
            diagnostics.error("no translator exists for variant \(variant) with version \(version)", at: versionNode.location,
                              notes: [Diagnostic.Note("igncc translates \(known.joined(separator: "; "))", at: nil)])
            return nil
        }
        if let implied, spec != implied {
            diagnostics.error("this snippet is \(spec.variant.rawValue) \(spec.version), but the host needs \(implied.variant.rawValue) \(implied.version) (Ignition \(implied.ignition.string))",
                              at: versionNode.location)
            return nil
        }
        return spec
    }
}

/// One translation's state: the source tree (Butane names mapped to `ConfigSchema` keys), the
/// spec, and the diagnostics found on the way.
struct ButaneTranslator {
    let spec: ButaneSpec
    let options: ButaneOptions
    let source: ConfigNode
    var diagnostics = Diagnostics()

    init(spec: ButaneSpec, options: ButaneOptions, source: ConfigNode) {
        self.spec = spec
        self.options = options
        self.source = source
    }

    // MARK: Butane's own rules, checked on the source

    mutating func checkSource() {
        walkResources(source) { resource, path in
            checkResource(resource, path: path)
        }
        let storage = source["storage"]
        for file in storage?["files"]?.items ?? [] {
            if let mode = file["mode"], let value = mode.int, Self.looksDecimal(value, directory: false) {
                diagnostics.warning("unreasonable mode would be reasonable if specified in octal; remember to add a leading zero", at: mode.location)
            }
        }
        for directory in storage?["directories"]?.items ?? [] {
            if let mode = directory["mode"], let value = mode.int, Self.looksDecimal(value, directory: true) {
                diagnostics.warning("unreasonable mode would be reasonable if specified in octal; remember to add a leading zero", at: mode.location)
            }
        }
        for filesystem in storage?["filesystems"]?.items ?? [] where filesystem["with_mount_unit"]?.bool == true {
            let format = filesystem["format"]?.string ?? ""
            if spec.base <= 3 {
                // Mount units before base v0_4 (fcos 1.1.0–1.3.0) know no swap: both fields are always required.
                if (filesystem["path"]?.string ?? "").isEmpty {
                    diagnostics.error("path is required if with_mount_unit is true and format is not swap", at: filesystem.location)
                }
                if format.isEmpty {
                    diagnostics.error("format is required if with_mount_unit is true", at: filesystem.location)
                }
            } else if format.isEmpty {
                diagnostics.error("format is required if with_mount_unit is true", at: filesystem.location)
            } else if format != "swap", (filesystem["path"]?.string ?? "").isEmpty {
                diagnostics.error("path is required if with_mount_unit is true and format is not swap", at: filesystem.location)
            }
            // fcos's Config-level rule (from 1.6.0): openshift's own Config.Validate (4.19.0 on)
            // shadows it in butane, so openshift never checks it.
            if spec.variant == .fcos, spec.base >= 6, let path = filesystem["path"], let text = path.string,
               !(text == "/etc" || text == "/var" || text.hasPrefix("/etc/") || text.hasPrefix("/var/")) {
                diagnostics.error("path must be under /etc or /var if with_mount_unit is true", at: path.location)
            }
        }
        for tree in storage?["trees"]?.items ?? [] where (tree["local"]?.string ?? "").isEmpty {
            diagnostics.error("local is required", at: tree.location)
        }
        for unit in source["systemd"]?["units"]?.items ?? [] {
            checkSystemdSources(unit)
            for dropin in unit["dropins"]?.items ?? [] { checkSystemdSources(dropin) }
        }
        if spec.variant == .flatcar {
            // The fields flatcar filters out of the Ignition it writes: Clevis up to 1.1.0, CEX after.
            let (refused, message) = spec.ignition < .v3_7 ? ("clevis", "clevis is not supported in this spec version")
                : ("cex", "cex is not currently supported on the target platform")
            for luks in storage?["luks"]?.items ?? [] {
                if let node = luks[refused], !Self.isZero(node) {
                    diagnostics.error(message, at: node.location)
                }
            }
        }
        if spec.variant == .r4e || spec.variant == .fiot {
            // What these images take as a whole: butane filters it out of the Ignition it writes.
            let refused = [(source["kernelArguments"], "kernel argument customization is not supported in this spec version"),
                           (storage?["disks"], "disk customization is not supported in this spec version"),
                           (storage?["filesystems"], "filesystem customization is not supported in this spec version"),
                           (storage?["luks"], "luks is not supported in this spec version"),
                           (storage?["raid"], "raid is not supported in this spec version")]
            for (node, message) in refused {
                if let node, !Self.isZero(node) { diagnostics.error(message, at: node.location) }
            }
        }
        if spec.base >= 8 { checkQuadlets() }
        if spec.variant == .openshift { checkOpenShiftSource() }
        if spec.isFCOS {
            checkBootDevice()
            checkGrub()
            // fcos's Config-level rule, shadowed in openshift as above.
            if spec.variant == .fcos, spec.base >= 6 { checkPartitionReuse() }
        }
    }

    /// Go's zero value: nothing set, or only empty lists and zero values (what butane's
    /// unsupported-field filters ignore).
    static func isZero(_ node: ConfigNode) -> Bool {
        switch node.value {
        case .null: return true
        case .bool(let b): return !b
        case .int(let n): return n == 0
        case .string(let s): return s.isEmpty
        case .list(let items): return items.isEmpty
        case .object(let entries): return entries.allSatisfy { isZero($0.node) }
        }
    }

    private mutating func checkSystemdSources(_ node: ConfigNode) {
        if node["contents"] != nil, let local = node["contents_local"] {
            diagnostics.error("only one of the following can be set: contents, contents_local", at: local.location)
        }
    }

    private mutating func checkResource(_ resource: ConfigNode, path: [String]) {
        var count = 0
        var last: ConfigNode?
        for key in ["local", "inline", "source"] {
            if let value = resource[key] {
                count += 1
                last = value
            }
        }
        if count > 1, let last {
            // fcos 1.0.0 reports it at `inline`, later specs at the last of local, inline, source.
            let at = spec.base == 1 ? resource["inline"]?.location : last.location
            diagnostics.error("only one of the following can be set: inline, local, source", at: at)
            return
        }
        if path.starts(with: ["ignition", "config"]), let inline = resource["inline"], let text = inline.string {
            checkEmbeddedConfig(Array(text.utf8), at: inline.location)
        }
    }

    /// butane checks a config given inline (or from the files dir) for `ignition.config`: it must be
    /// JSON; when of the same Ignition version, it must be valid; otherwise it is not checked (a warning).
    mutating func checkEmbeddedConfig(_ bytes: [UInt8], at location: SourceLocation?) {
        var inner = Diagnostics()
        let name = "<embedded config>"
        guard let root = JSONParser().parse(bytes, file: name, diagnostics: &inner) else {
            for d in inner.all { diagnostics.error(d.message, at: location) }
            return
        }
        guard case .mapping = root.kind else {
            diagnostics.error("the config to merge is not a JSON object", at: location)
            return
        }
        let version = root.jsonValue("ignition")?.jsonValue("version")?.scalar
        guard ValidationRun.semver(version ?? "") != nil else {
            diagnostics.error("invalid config version (couldn't parse)", at: location)
            return
        }
        guard version == spec.ignition.string else {
            diagnostics.warning("skipping validation for the merge/replace ignition config due to an unkown version", at: location)
            return
        }
        for d in IgnitionValidation.validate(bytes: bytes, file: name).all {
            diagnostics.append(contentsOf: [Diagnostic(d.severity, d.message, at: location)])
        }
    }

    /// Calls `body` with every resource of the source tree and the path to it.
    private func walkResources(_ root: ConfigNode, _ body: (ConfigNode, [String]) -> Void) {
        if let config = root["ignition"]?["config"] {
            for item in config["merge"]?.items ?? [] { body(item, ["ignition", "config", "merge"]) }
            if let replace = config["replace"] { body(replace, ["ignition", "config", "replace"]) }
        }
        for item in root["ignition"]?["security"]?["tls"]?["certificateAuthorities"]?.items ?? [] {
            body(item, ["ignition", "security", "tls", "certificateAuthorities"])
        }
        for file in root["storage"]?["files"]?.items ?? [] {
            if let contents = file["contents"] { body(contents, ["storage", "files", "contents"]) }
            for item in file["append"]?.items ?? [] { body(item, ["storage", "files", "append"]) }
        }
        for luks in root["storage"]?["luks"]?.items ?? [] {
            if let keyFile = luks["keyFile"] { body(keyFile, ["storage", "luks", "keyFile"]) }
        }
    }

    /// butane's check for a mode that only makes sense read as octal (420 for 0644 is fine; 644 is not).
    static func looksDecimal(_ mode: Int, directory: Bool) -> Bool {
        guard mode >= 0, mode <= 7777 else { return false }
        var octal = 0
        var divisor = 1000
        while divisor > 0 {
            let digit = (mode / divisor) % 10
            if digit > 7 { return false }
            octal = (octal << 3) | digit
            divisor /= 10
        }
        return !isTypicalMode(mode, directory: directory) && isTypicalMode(octal, directory: directory)
    }

    private static func isTypicalMode(_ mode: Int, directory: Bool) -> Bool {
        if mode == 0 { return true }
        var hadR = false, hadW = false, hadX = false
        for perm in [mode & 0o7, (mode & 0o70) >> 3, (mode & 0o700) >> 6] {
            let r = perm & 4 != 0, w = perm & 2 != 0, x = perm & 1 != 0
            if !r && hadR || !w && hadW || !x && hadX { return false }
            if x && hadR && !hadX { return false }
            if (w || x) && !r { return false }
            hadR = hadR || r
            hadW = hadW || w
            hadX = hadX || x
        }
        if !hadR { return false }
        if directory {
            if !hadX { return false }
            if mode & 0o4000 != 0 { return false }
            if mode & 0o3000 != 0 && !hadW { return false }
        } else {
            if mode & 0o6000 != 0 {
                if !hadX { return false }
                if mode & 2 != 0 { return false }
            }
            if mode & 0o1000 != 0 { return false }
        }
        return true
    }
}
