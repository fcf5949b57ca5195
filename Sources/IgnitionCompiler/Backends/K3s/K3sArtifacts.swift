import Crypto
import Foundation

/// Where the hosts of one OS fetch k3s from, and the SHA-256 Ignition checks it against:
/// `kubernetes.k3s.binary` (Fedora CoreOS) or `.sysext` (Flatcar). The URL is the given one
/// (relative ones under `serve.base_url`), else the default under `<base_url>/assets/`; the hash
/// is the given `sha256`, else that of the file the nodes fetch, under the assets directory
/// (`--assets DIR`, laid out as `igncc serve --assets DIR` serves it at `/assets/`), hashed at
/// build time: only a path below `assets/` names such a file, so any other `url` needs its `sha256`.
enum K3sArtifacts {
    static func resolve(_ os: OperatingSystem, in site: Site, assets: String?,
                        diagnostics: inout Diagnostics) -> K3sIgnition.Artifact? {
        guard let k3s = site.kubernetes?.k3s else { return nil }
        let (given, field) = os == .fcos ? (k3s.binary, "kubernetes.k3s.binary") : (k3s.sysext, "kubernetes.k3s.sysext")
        let what = os == .fcos ? "the k3s binary (Fedora CoreOS hosts)" : "the k3s system extension (Flatcar hosts)"
        let at = given?.url?.location ?? given?.location ?? k3s.location
        let (path, url) = location(os, in: site) ?? (K3sIgnition.defaultPath(os, version: k3s.version.value), nil)
        if url == nil {
            diagnostics.error("\(what) is fetched from '\(path)' under 'serve.base_url', but the site has none; set 'serve.base_url' or an absolute 'url' in '\(field)'",
                              at: at)
        }
        var sha256 = given?.sha256?.value.lowercased()
        if sha256 == nil {
            // The file `igncc serve --assets DIR` answers the nodes' request with.
            let relative = path.hasPrefix("assets/") ? String(path.dropFirst("assets/".count)) : nil
            if let relative, let assets {
                let file = assets + "/" + relative
                switch hash(file) {
                case .success(let hex): sha256 = hex
                case .failure(let failure):
                    diagnostics.error("\(what) has no 'sha256' in '\(field)', and '\(file)' cannot be hashed: \(failure.text)", at: at)
                }
            } else if let relative {
                diagnostics.error("\(what) has no 'sha256': set it in '\(field)', or build with --assets DIR holding '\(relative)'", at: at)
            } else {
                diagnostics.error("\(what) is fetched from '\(path)', not from igncc serve's 'assets/', so no file of --assets is it: set its 'sha256' in '\(field)'",
                                  at: at)
            }
        }
        guard let url, let sha256 else { return nil }
        return K3sIgnition.Artifact(url: url, sha256: sha256)
    }

    /// Where the hosts of one OS fetch k3s: the path as site.yaml gives it (or the default), and
    /// the URL it makes (nil when it is relative and the site has no `serve.base_url`); nil when
    /// the site is not a k3s one.
    static func location(_ os: OperatingSystem, in site: Site) -> (path: String, url: String?)? {
        guard let k3s = site.kubernetes?.k3s else { return nil }
        let given = os == .fcos ? k3s.binary : k3s.sysext
        let path = given?.url?.value ?? K3sIgnition.defaultPath(os, version: k3s.version.value)
        if path.lowercased().hasPrefix("http://") || path.lowercased().hasPrefix("https://") {
            return (path, path)
        }
        guard var base = site.serve?.baseURL?.value else { return (path, nil) }
        if base.hasSuffix("/") { base.removeLast() }
        return (path, base + "/" + path)
    }

    /// Why a file could not be hashed: the `SystemError` text.
    struct HashFailure: Error { var text: String }

    /// The SHA-256 of the file at `path`, read in blocks.
    static func hash(_ path: String) -> Result<String, HashFailure> {
        guard access(path, R_OK) == 0, let handle = FileHandle(forReadingAtPath: path) else {
            return .failure(HashFailure(text: SystemError.text(errno == 0 ? EIO : errno)))
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty {
                hasher.update(data: block)
            }
        } catch {
            return .failure(HashFailure(text: SystemError.text(EIO)))
        }
        return .success(hasher.finalize().map { String(format: "%02x", $0) }.joined())
    }
}
