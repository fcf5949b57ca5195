import Foundation
import ServiceLifecycle
import Synchronization

/// The snapshot requests are answered from, and the watcher that replaces it when `igncc build`
/// swaps a new tree in (a new directory at the same path).
final class SnapshotStore: Sendable {
    let root: String
    /// What every snapshot, the first and each reload, is filtered to.
    let exposure: ServeExposure
    private let current: Mutex<BuildSnapshot>
    let log: AccessLog

    init(root: String, exposure: ServeExposure, first: BuildSnapshot, log: AccessLog) {
        self.root = root
        self.exposure = exposure
        current = Mutex(first)
        self.log = log
    }

    var snapshot: BuildSnapshot { current.withLock { $0 } }

    /// Loads the tree at `root` again if it is another directory than the one served. A tree that
    /// does not load (a build swapped in while reading, or a broken tree) leaves the served one.
    func refresh() {
        guard let identity = DirectoryIdentity.of(root), identity != snapshot.identity else { return }
        do {
            let next = try BuildSnapshot.load(root, exposure: exposure)
            let before = current.withLock { served -> ServeIndex? in
                defer { served = next }
                return served.index
            }
            log.event("reloaded", ["prefix": next.prefixPath, "files": String(next.files.count),
                                   "hosts": String(next.index?.hosts.count ?? 0)])
            warnIfHostsDropped(before: before, after: next.index)
        } catch {
            log.event("reload-failed", ["error": "\(error)"])
        }
    }
}

extension SnapshotStore {
    /// Machines booting from a host that left the index get 404: say so when a reload drops hosts
    /// (a build that pruned `install/` or `ignition/`, or a site that lost hosts).
    func warnIfHostsDropped(before: ServeIndex?, after: ServeIndex?) {
        guard let before, !before.hosts.isEmpty else { return }
        guard let after else {
            log.event("warning", ["what": "index-gone", "path": ServeIndex.path, "hosts": String(before.hosts.count),
                                  "detail": "the new tree has no \(ServeIndex.path): /ignition?mac= and /ipxe?mac= answer 404"])
            return
        }
        let remaining = Set(after.hosts.map(\.name))
        let dropped = before.hosts.map(\.name).filter { !remaining.contains($0) }
        guard !dropped.isEmpty else { return }
        let shown = dropped.prefix(20).joined(separator: ",") + (dropped.count > 20 ? ",…" : "")
        log.event("warning", ["what": "hosts-dropped", "count": String(dropped.count), "hosts": shown,
                              "before": String(before.hosts.count), "after": String(after.hosts.count)])
    }
}

/// Polls the output directory and flushes the access log, until the server shuts down.
struct SnapshotWatcher: Service {
    let store: SnapshotStore
    let interval: Duration

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: interval)
            store.refresh()
            store.log.flush()
        }
        store.log.flush()
    }
}
