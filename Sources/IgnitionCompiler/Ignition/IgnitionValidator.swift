/// Ignition's semantic validation (v2.26.0, specs 3.0.0–3.6.0 and 3.7.0-experimental): each `Validate` method of
/// `config/v3_N/types`, the duplicate-key check of `config/validate` and the unit-file parse of
/// `config/shared`, with Ignition's messages. Type and unknown-key problems are `ConfigReader`'s.
package struct IgnitionValidator {
    package let version: IgnitionSpecVersion

    package init(version: IgnitionSpecVersion) {
        self.version = version
    }

    /// Ignition's semantic rules for a config of `version`. Errors and warnings are located at the
    /// offending value's `location` (or the key's location via `keyLocation`, or the nearest located ancestor when a node has none).
    package func validate(_ config: ConfigNode) -> [Diagnostic] {
        var run = ValidationRun(version: version)
        run.config(Spot(config, inherited: nil))
        return run.diagnostics
    }
}

/// Ignition's messages (`config/shared/errors`) used in more than one place, verbatim.
enum IgnitionMessage {
    static let sourceRequired = "source is required"
    static let invalidScheme = "invalid url scheme"
    static let invalidURL = "unable to parse url"
    static let invalidS3ARN = "invalid S3 ARN format"
    static let invalidS3ObjectVersionID = "invalid S3 object VersionId"
}

/// A node being checked, with the location problems about it are reported at: its own, else
/// that of its nearest located ancestor.
struct Spot {
    let node: ConfigNode
    let location: SourceLocation?

    init(_ node: ConfigNode, inherited: SourceLocation?) {
        self.node = node
        self.location = node.location ?? inherited
    }

    subscript(key: String) -> Spot? { node[key].map { Spot($0, inherited: location) } }

    /// The items of the list at `key` (none when absent).
    func items(_ key: String) -> [Spot] {
        (node[key]?.items ?? []).map { Spot($0, inherited: node[key]?.location ?? location) }
    }

    /// Where to report a problem with the value of `key`: the value, the key, or this node.
    func at(_ key: String) -> SourceLocation? { node[key]?.location ?? node.keyLocation(key) ?? location }

    func string(_ key: String) -> String? { node[key]?.string }
    func isTrue(_ key: String) -> Bool { node[key]?.bool == true }
    /// Go's `util.NotEmpty` on a `*string`.
    func notEmpty(_ key: String) -> Bool { !(node[key]?.string ?? "").isEmpty }
}

/// One validation pass, collecting what it finds.
struct ValidationRun {
    let version: IgnitionSpecVersion
    var diagnostics: [Diagnostic] = []

    mutating func error(_ message: String, at location: SourceLocation?, notes: [Diagnostic.Note] = []) {
        diagnostics.append(Diagnostic(.error, message, at: location, notes: notes))
    }

    mutating func warning(_ message: String, at location: SourceLocation?) {
        diagnostics.append(Diagnostic(.warning, message, at: location))
    }

    mutating func error(_ message: String?, at location: SourceLocation?) {
        if let message { error(message, at: location, notes: []) }
    }

    /// `validate.ValidateDups`: a later entry with the key of an earlier one in the same list
    /// (or in lists Ignition merges, like files, directories and links) is an error. Keys are
    /// compared as Go compares strings, byte for byte.
    mutating func duplicates(_ entries: [(key: String, location: SourceLocation?)]) {
        var first: [[UInt8]: SourceLocation?] = [:]
        for (text, location) in entries {
            let key = Array(text.utf8)
            if let earlier = first[key] {
                error("duplicate entry defined", at: location, notes: [Diagnostic.Note("first defined here", at: earlier)])
            } else {
                first[key] = location
            }
        }
    }

    /// Duplicates among the items of `lists`, keyed by their string value or the string at `key`.
    mutating func duplicates(_ lists: [Spot], keyedBy key: String? = nil) {
        duplicates(lists.map { item in
            guard let key else { return (item.node.string ?? "", item.location) }
            return (item.string(key) ?? "", item[key]?.location ?? item.location)
        })
    }

    // MARK: Config and ignition section

    mutating func config(_ root: Spot) {
        ignition(root["ignition"], in: root)
        if let storage = root["storage"] { self.storage(storage) }
        if let systemd = root["systemd"] { self.systemd(systemd) }
        if let passwd = root["passwd"] { self.passwd(passwd) }
        if let kernel = root["kernelArguments"] {
            duplicates(kernel.items("shouldExist") + kernel.items("shouldNotExist"))
        }
        unitPathConflicts(root)
    }

    mutating func ignition(_ ignition: Spot?, in root: Spot) {
        // `*version != types.MaxVersion`: numbers, pre-release and build metadata all compared.
        let parsed = Self.semver(ignition?.string("version") ?? "")
        if parsed?.numbers != [3, version.rawValue, 0] || parsed?.preRelease != version.preRelease || parsed?.metadata != "" {
            error(parsed == nil ? "invalid config version (couldn't parse)" : "unsupported config version",
                  at: ignition?.at("version") ?? root.at("ignition"))
        }
        guard let ignition else { return }
        if let config = ignition["config"] {
            let merge = config.items("merge")
            for item in merge {
                if version == .v3_0 {
                    resource(item, reference: true)
                } else {
                    let source = item.string("source") ?? ""
                    error(source.isEmpty ? IgnitionMessage.sourceRequired : urlError(source), at: item.location)
                    resource(item)
                }
            }
            duplicates(merge, keyedBy: "source")
            if let replace = config["replace"] { resource(replace, reference: version == .v3_0) }
        }
        if let proxy = ignition["proxy"] {
            proxyURL(proxy, "httpProxy", httpAllowed: true)
            proxyURL(proxy, "httpsProxy", httpAllowed: false)
            duplicates(proxy.items("noProxy"))
        }
        if let tls = ignition["security"]?["tls"] {
            let authorities = tls.items("certificateAuthorities")
            for ca in authorities {
                let source = ca.string("source") ?? ""
                if version == .v3_0 {
                    error(urlError(source), at: ca.at("source"))
                    if let verification = ca["verification"] { self.verification(verification) }
                } else {
                    error(source.isEmpty ? IgnitionMessage.sourceRequired : urlError(source), at: ca.location)
                    resource(ca)
                }
            }
            duplicates(authorities, keyedBy: "source")
        }
    }

    /// go-semver's `NewVersion`: the three numbers, the pre-release and the build metadata;
    /// nil when it does not parse.
    static func semver(_ text: String) -> (numbers: [Int], preRelease: String, metadata: String)? {
        var core = Substring(text)
        var suffixes: [String] = []
        for separator: Character in ["+", "-"] {
            guard let index = core.firstIndex(of: separator) else {
                suffixes.append("")
                continue
            }
            let identifier = core[core.index(after: index)...]
            core = core[..<index]
            suffixes.append(String(identifier))
            let valid = identifier.isEmpty || identifier.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
                !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            }
            guard valid else { return nil }
        }
        let parts = core.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        let numbers = parts.compactMap { Int($0) }
        guard parts.count == 3, numbers.count == 3 else { return nil }
        return (numbers, suffixes[1], suffixes[0])
    }

    mutating func proxyURL(_ proxy: Spot, _ key: String, httpAllowed: Bool) {
        guard let text = proxy.string(key) else { return }
        guard let url = GoURL(text) else { return error(IgnitionMessage.invalidURL, at: proxy.at(key)) }
        if url.scheme != "https" && url.scheme != "http" {
            error("proxies must be http(s)", at: proxy.at(key))
        } else if url.scheme == "http" && !httpAllowed {
            warning("insecure plaintext HTTP proxy specified for HTTPS resources", at: proxy.at(key))
        }
    }

    // MARK: Resources

    /// `Resource.Validate` (3.1+), `FileContents.Validate` (3.0), or with `reference`
    /// 3.0's `ConfigReference.Validate`, which checks the URL alone.
    mutating func resource(_ resource: Spot, reference: Bool = false) {
        let source = resource.string("source")
        if let compression = resource.string("compression"), compression != "", compression != "gzip" {
            error("invalid compression method", at: resource.at("compression"))
        }
        if !reference, source == nil, let hash = resource["verification"]?["hash"] {
            error("source must be specified if verification is specified", at: hash.location)
        }
        if let source, !source.isEmpty { error(urlError(source), at: resource.at("source")) }
        let headers = resource.items("httpHeaders")
        if !headers.isEmpty {
            let scheme = GoURL(source ?? "")?.scheme
            if (source ?? "").isEmpty || scheme == nil {
                error(IgnitionMessage.invalidURL, at: resource.at("httpHeaders"))
            } else if scheme != "http" && scheme != "https" {
                error("cannot use HTTP headers with this source scheme", at: resource.at("httpHeaders"))
            }
        }
        for header in headers {
            if (header.string("name") ?? "").isEmpty { error("HTTP header name can't be empty", at: header.at("name")) }
            if header.string("value") == "" { error("unable to parse HTTP header", at: header.at("value")) }
        }
        duplicates(headers, keyedBy: "name")
        if let verification = resource["verification"] { self.verification(verification) }
    }

    mutating func verification(_ verification: Spot) {
        guard let hash = verification.string("hash") else { return }
        let location = verification.at("hash")
        guard let dash = hash.firstIndex(of: "-") else { return error("malformed hash specifier", at: location) }
        let sum = hash[hash.index(after: dash)...]
        let size: Int
        switch hash[..<dash] {
        case "sha512": size = 128
        case "sha256" where version >= .v3_1: size = 64
        default: return error("unrecognized hash function", at: location)
        }
        if sum.utf8.count != size { error("incorrect size for hash sum", at: location) }
    }

    /// `validateURL`: the schemes of this spec version, and what Ignition checks of each.
    func urlError(_ text: String) -> String? {
        guard let url = GoURL(text) else { return IgnitionMessage.invalidURL }
        switch url.scheme {
        case "http", "https", "tftp":
            return nil
        case "gs" where version >= .v3_2:
            return nil
        case "s3":
            return url.hasEmptyVersionID ? IgnitionMessage.invalidS3ObjectVersionID : nil
        case "arn" where version >= .v3_4:
            let arn = "arn:" + url.opaque
            let sections = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
            guard sections.count == 6, sections[2] == "s3" else { return IgnitionMessage.invalidS3ARN }
            let slashes = arn.split(separator: "/", omittingEmptySubsequences: false).count
            if sections[5].hasPrefix("accesspoint/") ? slashes < 3 : slashes < 2 { return IgnitionMessage.invalidS3ARN }
            return url.hasEmptyVersionID ? IgnitionMessage.invalidS3ObjectVersionID : nil
        case "data":
            return DataURLDecoder.error(in: text)
        default:
            return IgnitionMessage.invalidScheme
        }
    }

    // MARK: Shared node rules

    /// `validatePath`: nil when `path` is absolute and clean.
    static func pathError(_ path: String) -> String? {
        if path.isEmpty { return "path not specified" }
        if !GoPath.isAbsolute(path) { return "path not absolute" }
        if !GoPath.clean(path).utf8.elementsEqual(path.utf8) { return "path is not fully simplified" }
        return nil
    }

    /// `validateMode`, and before 3.6.0 `validateModeSpecialBits` (3.6.0 sets those bits).
    mutating func mode(_ node: Spot) {
        guard let mode = node["mode"]?.node.int else { return }
        if mode < 0 || mode > 0o7777 { error("illegal file mode", at: node.at("mode")) }
        if version < .v3_6, UInt32(truncatingIfNeeded: mode) & 0o7000 != 0 {
            warning("setuid/setgid/sticky bits are not supported or functional in spec versions older than 3.6.0", at: node.at("mode"))
        }
    }

    /// `Node.Validate` and the `NodeUser`/`NodeGroup` rule.
    mutating func node(_ node: Spot) {
        error(Self.pathError(node.string("path") ?? ""), at: node.at("path"))
        for key in ["user", "group"] {
            if let owner = node[key], owner.node["id"] != nil, owner.notEmpty("name") {
                error("cannot set both id and name", at: owner.location)
            }
        }
    }
}

/// Go's `path` package, as Ignition compares paths with it: on bytes, not characters.
enum GoPath {
    private static let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")

    /// `path.Clean`: lexical simplification, "." for an empty result.
    static func clean(_ path: String) -> String {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty else { return "." }
        let rooted = bytes.first == slash
        var parts: [ArraySlice<UInt8>] = []
        for part in bytes.split(separator: slash) where !part.elementsEqual([dot]) {
            if part.elementsEqual([dot, dot]) {
                if let last = parts.last, !last.elementsEqual([dot, dot]) { parts.removeLast() } else if !rooted { parts.append(part) }
            } else {
                parts.append(part)
            }
        }
        let joined = String(decoding: Array(parts.joined(separator: [slash])), as: UTF8.self)
        return rooted ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    /// `path.Join` of two elements.
    static func join(_ a: String, _ b: String) -> String {
        a.isEmpty && b.isEmpty ? "" : clean(a.isEmpty ? b : b.isEmpty ? a : a + "/" + b)
    }

    /// `path.Ext`: from the last dot of the last element, or "".
    static func ext(_ path: String) -> String {
        let bytes = Array(path.utf8)
        guard let index = bytes.lastIndex(where: { $0 == dot || $0 == slash }), bytes[index] == dot else { return "" }
        return String(decoding: bytes[index...], as: UTF8.self)
    }

    static func isAbsolute(_ path: String) -> Bool { path.utf8.first == slash }
}
