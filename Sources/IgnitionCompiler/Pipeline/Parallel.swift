import Dispatch

/// Work spread over the machine's cores, results in input order (so output stays deterministic).
package enum Parallel {
    package static func map<T, R>(_ items: [T], _ transform: (T) -> R) -> [R] {
        guard items.count > 1 else { return items.map(transform) }
        let results = UnsafeMutableBufferPointer<R?>.allocate(capacity: items.count)
        results.initialize(repeating: nil)
        defer { results.deinitialize().deallocate() }
        withoutActuallyEscaping(transform) { transform in
            nonisolated(unsafe) let transform = transform
            nonisolated(unsafe) let results = results
            nonisolated(unsafe) let items = items
            DispatchQueue.concurrentPerform(iterations: items.count) { index in
                results[index] = transform(items[index])
            }
        }
        return results.map { $0! }
    }

    /// `transform` over `items` in chunks, for many small pieces of work (one per host, per file).
    package static func chunkedMap<T, R>(_ items: [T], chunks: Int = 16, _ transform: (T) -> R) -> [R] {
        guard items.count >= 64 else { return items.map(transform) }
        let size = (items.count + chunks - 1) / chunks
        let ranges = stride(from: 0, to: items.count, by: size).map { $0..<min($0 + size, items.count) }
        return map(ranges) { range in items[range].map(transform) }.flatMap { $0 }
    }
}
