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
            current.withLock { $0 = next }
            log.event("reloaded", ["files": String(next.files.count), "hosts": String(next.index?.hosts.count ?? 0)])
        } catch {
            log.event("reload-failed", ["error": "\(error)"])
        }
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
