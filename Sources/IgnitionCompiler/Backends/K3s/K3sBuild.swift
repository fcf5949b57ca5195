import Glibc

/// What a build of a k3s site needs beyond site.yaml, gathered by the driver before the backends
/// run (they stay pure): the cluster token and, per OS the hosts run, where k3s is fetched from
/// and its hash.
public struct K3sBuildInputs: Sendable {
    /// The cluster token; written only into each node's Ignition, at `/etc/rancher/k3s/token`.
    public var token: String
    /// The token file's path relative to site.yaml's directory, as a Butane `local` names it
    /// (`butane --files-dir <site dir>`); nil when it is outside that directory.
    public var tokenLocalPath: String?
    var artifacts: [OperatingSystem: K3sIgnition.Artifact]

    /// The artifact the hosts of `os` fetch; every OS a host runs has one (`gather` made sure).
    func artifact(for os: OperatingSystem) -> K3sIgnition.Artifact? { artifacts[os] }

    /// How the token is obtained by `gather`.
    public enum TokenUse: Sendable {
        /// Read it, creating the file (0600) when there is none: a build.
        case readOrCreate
        /// Read it when the file exists; a stand-in otherwise (a dry run writes nothing).
        case readIfPresent
    }

    /// The inputs of a build of `site` (nil when it is not a k3s site): the hash of k3s for each OS
    /// its hosts run (`sha256` in site.yaml, else the file under `assets`), and the token. Every
    /// problem is reported in `diagnostics`, located at the site.yaml entry it concerns; `created`
    /// says the token file was made by this call (the driver tells the user so).
    public static func gather(for site: Site, assets: String?, token use: TokenUse,
                              diagnostics: inout Diagnostics) -> (inputs: K3sBuildInputs, tokenCreated: Bool)? {
        guard site.isK3s else { return nil }
        // The token file is made only for a build that can go on.
        guard let artifacts = resolveArtifacts(for: site, assets: assets, diagnostics: &diagnostics), !diagnostics.hasErrors,
              let (token, created) = readToken(for: site, use: use, diagnostics: &diagnostics) else { return nil }
        return (K3sBuildInputs(token: token, tokenLocalPath: localPath(of: site), artifacts: artifacts), created)
    }

    /// Where k3s comes from for each OS the site's hosts run; nil (and errors) when one cannot be told.
    private static func resolveArtifacts(for site: Site, assets: String?,
                                         diagnostics: inout Diagnostics) -> [OperatingSystem: K3sIgnition.Artifact]? {
        guard site.isK3s else { return [:] }
        var artifacts: [OperatingSystem: K3sIgnition.Artifact] = [:]
        var complete = true
        for os in OperatingSystem.allCases where site.hosts.contains(where: { $0.os.value == os }) {
            if let artifact = K3sArtifacts.resolve(os, in: site, assets: assets, diagnostics: &diagnostics) {
                artifacts[os] = artifact
            } else {
                complete = false
            }
        }
        return complete ? artifacts : nil
    }

    /// The token file's path as given (relative to site.yaml unless absolute).
    public static func tokenFilePath(of site: Site) -> String {
        let given = site.kubernetes?.k3s?.tokenFile?.value ?? K3sSettings.defaultTokenFile
        if given.hasPrefix("/") { return given }
        return site.baseDirectory + "/" + given
    }

    /// The token file relative to site.yaml's directory when it lies below it (no `..`, not
    /// absolute): what a Butane document can name with `local`.
    static func localPath(of site: Site) -> String? {
        let given = site.kubernetes?.k3s?.tokenFile?.value ?? K3sSettings.defaultTokenFile
        let parts = given.split(separator: "/", omittingEmptySubsequences: false)
        guard !given.hasPrefix("/"), !parts.contains(".."), !parts.contains(""), !parts.isEmpty else { return nil }
        return parts.filter { $0 != "." }.joined(separator: "/")
    }

    /// Stands in for the token in a dry run before the token file exists: never written anywhere.
    static let placeholderToken = String(repeating: "0", count: 64)

    /// True when the token is the dry run's stand-in: the token file does not exist yet.
    public var tokenIsStandIn: Bool { token == Self.placeholderToken }

    private static func readToken(for site: Site, use: TokenUse, diagnostics: inout Diagnostics) -> (String, Bool)? {
        guard let k3s = site.kubernetes?.k3s else { return nil }
        let path = tokenFilePath(of: site)
        let at = k3s.tokenFile?.location ?? k3s.location
        let result: Result<(token: String, created: Bool), K3sToken.Failure>
        switch use {
        case .readOrCreate:
            result = K3sToken.loadOrCreate(at: path)
        case .readIfPresent:
            var info = stat()
            if lstat(path, &info) != 0 && errno == ENOENT { return (placeholderToken, false) }
            result = K3sToken.load(at: path).map { ($0, false) }
        }
        switch result {
        case .success(let (token, created)):
            return (token, created)
        case .failure(let failure):
            diagnostics.error(failure.message, at: at)
            return nil
        }
    }
}
