/// `igncc validate`: an Ignition config (spec 3.0.0–3.6.0, or 3.7.0-experimental) checked as ignition-validate does:
/// parse, read against the spec's schema (unknown keys are warnings), then Ignition's semantic rules.
public enum IgnitionValidation {
    public static func validate(bytes: [UInt8], file: String) -> Diagnostics {
        var diagnostics = Diagnostics()
        let start = SourceLocation(file: file, line: 1, column: 1)
        if bytes.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
            diagnostics.error("not a config (empty)", at: start)
            return diagnostics
        }
        guard let root = JSONParser().parse(bytes, file: file, diagnostics: &diagnostics) else { return diagnostics }
        guard case .mapping = root.kind else {
            diagnostics.error("expected a JSON object at the top of an Ignition config, found \(root.kindDescription)", at: root.location)
            return diagnostics
        }
        let ignition = root.jsonValue("ignition")
        let versionNode = ignition?.jsonValue("version")
        guard let versionNode, let text = versionNode.scalar, ValidationRun.semver(text) != nil else {
            diagnostics.error("invalid config version (couldn't parse)", at: versionNode?.location ?? ignition?.location ?? root.location)
            return diagnostics
        }
        guard let version = IgnitionSpecVersion(string: text) else {
            diagnostics.error("unsupported config version", at: versionNode.location,
                              notes: [Diagnostic.Note("igncc validates specs 3.0.0 to 3.6.0 and 3.7.0-experimental", at: nil)])
            return diagnostics
        }
        var reader = ConfigReader(dialect: .ignition(version))
        let config = reader.read(root, as: "Config")
        diagnostics.append(contentsOf: reader.diagnostics.all)
        diagnostics.append(contentsOf: IgnitionValidator(version: version).validate(config))
        return diagnostics
    }
}
